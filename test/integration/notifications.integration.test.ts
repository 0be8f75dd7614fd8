import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createItem, readItems } from '@directus/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { toDbTime } from '../../src/directus/time.ts';
import { adminClient, concord, createStaff, rawAdmin, refusal, testDb, type StaffUser } from '../harness/concord.ts';

/** Notices fan out once per recipient; SLA breaches escalate once, however often the schedule runs. */

interface Notification {
  id: number;
  recipient: string;
  subject: string;
  collection: string | null;
  item: string | null;
}

async function notificationsOf(user: string, collection: string, item: number | string): Promise<Notification[]> {
  return rawAdmin<Notification[]>('GET', `/notifications?filter[recipient][_eq]=${user}&filter[collection][_eq]=${collection}&filter[item][_eq]=${item}&limit=-1`);
}

function mailTo(address: string): string[] {
  const dir = concord().mailDir;
  return readdirSync(dir)
    .map((file) => readFileSync(join(dir, file), 'utf8'))
    .filter((message) => message.startsWith(`X-Envelope-To: ${address}`));
}

describe('notices', () => {
  let head: StaffUser;
  let techA: StaffUser;
  let techB: StaffUser;
  let outsider: StaffUser;
  let teamMember: StaffUser;
  let team: number;

  beforeAll(async () => {
    head = await createStaff('hr', { head: true });
    techA = await createStaff('tech');
    techB = await createStaff('tech');
    outsider = await createStaff('finance');
    teamMember = await createStaff('sales');
    await rawAdmin('PATCH', `/users/${techA.id}`, { email_notifications: true });
    await rawAdmin('PATCH', `/users/${techB.id}`, { email_notifications: false });
    const created = await adminClient().request(createItem('cc_teams', { name: 'N-team', members: [{ user: teamMember.id, role_in_team: 'representative' }] } as never));
    team = created.id;
  });

  it('fans out one in-app notification per person in the audience departments and teams, once', async () => {
    const notice = await head.client.request(
      createItem('cc_notices', {
        title: 'N-important',
        level: 'important',
        body: '请知悉',
        audience_departments: { create: [{ department: 'tech' }] },
        audience_teams: { create: [{ team }] },
      } as never),
    );
    await expect.poll(async () => (await notificationsOf(techA.id, 'cc_notices', notice.id)).length, { timeout: 10_000 }).toBe(1);
    expect(await notificationsOf(techB.id, 'cc_notices', notice.id)).toHaveLength(1);
    expect(await notificationsOf(teamMember.id, 'cc_notices', notice.id)).toHaveLength(1);
    expect(await notificationsOf(outsider.id, 'cc_notices', notice.id)).toHaveLength(0);
    const [stored] = await rawAdmin<Array<{ published_at: string | null }>>('GET', `/items/cc_notices?filter[id][_eq]=${notice.id}&fields=published_at`);
    expect(stored?.published_at).not.toBeNull();
    // An important notice is in-app only.
    expect(mailTo(techA.email)).toHaveLength(0);
  });

  it('e-mails an urgent notice to those who enabled e-mail, and only to them', async () => {
    const notice = await head.client.request(
      createItem('cc_notices', { title: 'N-urgent', level: 'urgent', body: '系统紧急维护', audience_departments: { create: [{ department: 'tech' }] } } as never),
    );
    await expect.poll(async () => (await notificationsOf(techB.id, 'cc_notices', notice.id)).length, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => mailTo(techA.email).length, { timeout: 15_000 }).toBe(1);
    expect(mailTo(techA.email)[0]).toMatch(/Subject:/);
    expect(mailTo(techB.email)).toHaveLength(0);
  });

  it('does not let a client claim a notice was already delivered', async () => {
    const notice = await head.client.request(
      createItem('cc_notices', { title: 'N-claimed', level: 'reminder', published_at: '2020-01-01T00:00:00Z', audience_departments: { create: [{ department: 'tech' }] } } as never),
    );
    await expect.poll(async () => (await notificationsOf(techA.id, 'cc_notices', notice.id)).length, { timeout: 10_000 }).toBe(1);
  });
});

describe('SLA escalation', () => {
  let lead: StaffUser;
  let serviceHead: StaffUser;
  let caseId: number;

  beforeAll(async () => {
    lead = await createStaff('sales', { manager: true });
    serviceHead = await createStaff('service', { head: true });
    const admin = adminClient();
    const customer = await admin.request(createItem('cc_customers', { name: 'SLA 客户' } as never));
    const team = await admin.request(createItem('cc_teams', { name: 'SLA-team', lead: lead.id, members: [{ user: lead.id, role_in_team: 'lead' }] } as never));
    const [complaint] = await admin.request(readItems('cc_workflows', { filter: { key: { _eq: 'complaint' } }, fields: ['id'] } as never));
    const created = await lead.client.request(createItem('cc_cases', { title: 'SLA 超期事项', workflow: (complaint as { id: number }).id, customer: customer.id, team: team.id } as never));
    caseId = created.id;
    // Backdate the case ten days: past the received state's 4 h response SLA and the 72 h resolution SLA.
    const tenDaysAgo = toDbTime(testDb(), new Date(Date.now() - 10 * 24 * 3_600_000));
    await testDb()('cc_cases').where('id', caseId).update({ opened_at: tenDaysAgo, state_entered_at: tenDaysAgo });
  });

  it('escalates each breach once to the team lead and the owning department head, however often and concurrently it runs', async () => {
    const run = () => rawAdmin<{ checked: number; escalated: number }>('POST', '/concord/sla/escalate', {});
    await Promise.all([run(), run()]);
    await run();
    const breaches = await rawAdmin<Array<{ kind: string; notified: string[] }>>('GET', `/items/cc_sla_breaches?filter[case][_eq]=${caseId}&fields=kind,notified&sort=kind`);
    expect(breaches.map((b) => b.kind)).toEqual(['resolution', 'response']);
    for (const breach of breaches) expect(breach.notified.sort()).toEqual([lead.id, serviceHead.id].sort());
    expect(await notificationsOf(lead.id, 'cc_cases', caseId)).toHaveLength(2);
    expect(await notificationsOf(serviceHead.id, 'cc_cases', caseId)).toHaveLength(2);
  });

  it('lets no one but an admin run it by hand, and no one write breach records', async () => {
    const refused = await refusal(lead.client.request(() => ({ path: '/concord/sla/escalate', method: 'POST', body: '{}' })));
    expect(refused.status).toBe(403);
    expect(refused.code).toBe('ADMIN_ONLY');
    const write = await refusal(adminClient().request(createItem('cc_sla_breaches' as never, { case: caseId, kind: 'response', breach_key: 'x', due_at: new Date().toISOString(), detected_at: new Date().toISOString() } as never)));
    expect(write.code).toBe('HISTORY_APPEND_ONLY');
  });
});
