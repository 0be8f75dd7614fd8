import { createItem, createUser, updateItem, updateUser } from '@directus/sdk';
import { describe, expect, it } from 'vitest';
import { POLICY_IDS, ROLE_IDS } from '../../src/access/model.ts';
import { managerLinkId } from '../../src/access/people-sync.ts';
import { adminClient, createStaff, rawAdmin, refusal, signIn, TEST_STAFF_PASSWORD } from '../harness/concord.ts';

/** Admins manage people in Concord's terms; Directus access follows. */

async function managerLinks(user: string): Promise<string[]> {
  const rows = await rawAdmin<Array<{ id: string }>>('GET', `/access?filter[user][_eq]=${user}&filter[policy][_eq]=${POLICY_IDS.manager}&fields=id`);
  return rows.map((r) => r.id);
}

describe('a person’s department decides their role', () => {
  it('gives a new person with a department and no role that department’s role, and moves it with the department', async () => {
    const admin = adminClient();
    const user = await admin.request(createUser({ email: `people.${Date.now()}@example.com`, password: TEST_STAFF_PASSWORD, cc_department: 'tech' } as never));
    expect((await rawAdmin<{ role: string }>('GET', `/users/${user.id}?fields=role`)).role).toBe(ROLE_IDS.department('tech'));
    await admin.request(updateUser(user.id, { cc_department: 'sales' } as never));
    expect((await rawAdmin<{ role: string }>('GET', `/users/${user.id}?fields=role`)).role).toBe(ROLE_IDS.department('sales'));
  });

  it('leaves an executive’s role alone', async () => {
    const admin = adminClient();
    const user = await admin.request(createUser({ email: `exec.${Date.now()}@example.com`, password: TEST_STAFF_PASSWORD, role: ROLE_IDS.executive } as never));
    await admin.request(updateUser(user.id, { cc_department: 'finance' } as never));
    expect((await rawAdmin<{ role: string }>('GET', `/users/${user.id}?fields=role`)).role).toBe(ROLE_IDS.executive);
  });
});

describe('heads and leads hold the manager policy', () => {
  it('links a newly named team lead, who may then run the team, and unlinks them when replaced', async () => {
    const lead = await createStaff('marketing');
    const team = await adminClient().request(createItem('cc_teams', { name: `P-team ${Date.now()}` } as never));
    await adminClient().request(updateItem('cc_teams', team.id, { lead: lead.id } as never));
    await expect.poll(() => managerLinks(lead.id), { timeout: 5000 }).toEqual([managerLinkId(lead.id)]);
    const client = await signIn(lead.email, TEST_STAFF_PASSWORD);
    const renamed = await client.request(updateItem('cc_teams', team.id, { mission: '由负责人维护' } as never));
    expect(renamed.mission).toBe('由负责人维护');

    await adminClient().request(updateItem('cc_teams', team.id, { lead: null } as never));
    await expect.poll(() => managerLinks(lead.id), { timeout: 5000 }).toEqual([]);
    const refused = await refusal(client.request(updateItem('cc_teams', team.id, { mission: '不再是负责人' } as never)));
    expect(refused.status).toBe(403);
  });

  it('keeps a manager link an admin added by hand', async () => {
    const manual = await createStaff('sales', { manager: true });
    await adminClient().request(createItem('cc_teams', { name: `P-other ${Date.now()}` } as never));
    const links = await managerLinks(manual.id);
    expect(links).toHaveLength(1);
    expect(links[0]).not.toBe(managerLinkId(manual.id));
  });
});
