import { beforeAll, describe, expect, it } from 'vitest';
import { concord, createStaff, http, rawAdmin, signIn, TEST_STAFF_PASSWORD, type Json, type StaffUser } from '../harness/concord.ts';

/**
 * Writes that must not escape the access model, tried as an adversarial member of staff would:
 * creating outside the scope one may edit (team leads, notice audiences), naming someone else in a
 * "who did this" field, appointing oneself, reading files one has no business with, and changing
 * more of one's own user than sign-in, language and theme. Each probe asserts the refusal and what
 * was stored; each has a control that the honest version of the same write succeeds.
 */

const TAG = `advw-${Date.now().toString(36)}`;
const code = (result: { json?: Json | undefined }) => result.json?.errors?.[0]?.extensions?.['code'] as string | undefined;
const data = <T>(result: { json?: Json | undefined }) => result.json?.data as T;

async function tokenOf(user: StaffUser): Promise<string> {
  const token = await (user.client as unknown as { getToken(): Promise<string | null> }).getToken();
  if (!token) throw new Error('no token');
  return token;
}
const as = async (user: StaffUser, method: string, path: string, body?: unknown) => http(method, path, { token: await tokenOf(user), ...(body === undefined ? {} : { body }) });

let lead: StaffUser; // leads team `mine`, holds the manager policy
let head: StaffUser; // head of tech
let otherHead: StaffUser; // head of sales
let hr: StaffUser; // team.build
let plain: StaffUser; // marketing, no team
let mine: number;
let theirs: number;

beforeAll(async () => {
  [lead, head, otherHead, hr, plain] = await Promise.all([
    createStaff('service', { label: `${TAG}.lead`, manager: true }),
    createStaff('tech', { label: `${TAG}.head`, head: true }),
    createStaff('sales', { label: `${TAG}.otherhead`, head: true }),
    createStaff('hr', { label: `${TAG}.hr` }),
    createStaff('marketing', { label: `${TAG}.plain` }),
  ]);
  mine = (await rawAdmin<{ id: number }>('POST', '/items/cc_teams', { name: `${TAG} mine`, status: 'forming', lead: lead.id })).id;
  theirs = (await rawAdmin<{ id: number }>('POST', '/items/cc_teams', { name: `${TAG} theirs`, status: 'forming' })).id;
});

describe('creates are scoped like updates (team leads)', () => {
  it.each([
    ['cc_projects', (team: number) => ({ name: `${TAG} project`, team })],
    ['cc_meetings', (team: number) => ({ title: `${TAG} meeting`, team, starts_at: '2026-03-01T09:00:00Z' })],
  ])('a lead creates %s only on their own team', async (collection, body) => {
    const refused = await as(lead, 'POST', `/items/${collection}`, body(theirs));
    expect([refused.status, code(refused)]).toEqual([403, 'CREATE_OUT_OF_SCOPE']);
    expect(await rawAdmin<unknown[]>('GET', `/items/${collection}?filter[team][_eq]=${theirs}&fields=id`)).toEqual([]);
    const allowed = await as(lead, 'POST', `/items/${collection}`, body(mine));
    expect(allowed.status).toBe(200);
    expect(await rawAdmin<unknown[]>('GET', `/items/${collection}?filter[team][_eq]=${mine}&fields=id`)).toHaveLength(1);
  });

  it('a task on another team\'s project is refused, in a batch with an allowed one nothing is written', async () => {
    const own = (await rawAdmin<{ id: number }>('POST', '/items/cc_projects', { name: `${TAG} own`, team: mine })).id;
    const foreign = (await rawAdmin<{ id: number }>('POST', '/items/cc_projects', { name: `${TAG} foreign`, team: theirs })).id;
    const batch = await as(lead, 'POST', '/items/cc_tasks', [
      { title: `${TAG} ok`, project: own },
      { title: `${TAG} sneaked`, project: foreign },
    ]);
    expect([batch.status, code(batch)]).toEqual([403, 'CREATE_OUT_OF_SCOPE']);
    expect(await rawAdmin<unknown[]>('GET', `/items/cc_tasks?filter[project][_in]=${own},${foreign}&fields=id`)).toEqual([]);
  });

  it('a nested create of a foreign team\'s meeting through GraphQL is refused as well', async () => {
    const result = await as(lead, 'POST', '/graphql', { query: `mutation { create_cc_meetings_item(data: { title: "${TAG} gql", team: ${theirs}, starts_at: "2026-03-01T09:00:00Z" }) { id } }` });
    expect(code(result), JSON.stringify(result.json)).toBe('CREATE_OUT_OF_SCOPE');
    expect(await rawAdmin<unknown[]>('GET', `/items/cc_meetings?filter[title][_eq]=${TAG} gql&fields=id`)).toEqual([]);
  });
});

describe("a notice's audience follows the notice's author", () => {
  let foreignNotice: number;
  let foreignAudience: number;

  beforeAll(async () => {
    const created = await as(otherHead, 'POST', '/items/cc_notices', { title: `${TAG} sales notice`, level: 'important', body: 'x', audience_departments: { create: [{ department: 'sales' }] } });
    foreignNotice = data<{ id: number }>(created).id;
    const [row] = await rawAdmin<Array<{ id: number }>>('GET', `/items/cc_notices_departments?filter[notice][_eq]=${foreignNotice}&fields=id`);
    foreignAudience = row!.id;
  });

  it("another head cannot add their department to it, nor remove or retarget the author's", async () => {
    const added = await as(head, 'POST', '/items/cc_notices_departments', { notice: foreignNotice, department: 'tech' });
    expect([added.status, code(added)]).toEqual([403, 'CREATE_OUT_OF_SCOPE']);
    const removed = await as(head, 'DELETE', `/items/cc_notices_departments/${foreignAudience}`);
    expect(removed.status).toBe(403);
    const retargeted = await as(head, 'PATCH', `/items/cc_notices_departments/${foreignAudience}`, { department: 'tech' });
    expect(retargeted.status).toBe(403);
    const stored = await rawAdmin<Array<{ department: string }>>('GET', `/items/cc_notices_departments?filter[notice][_eq]=${foreignNotice}&fields=department`);
    expect(stored).toEqual([{ department: 'sales' }]);
  });

  it('the author changes the audience of their own notice', async () => {
    const added = await as(otherHead, 'POST', '/items/cc_notices_departments', { notice: foreignNotice, department: 'tech' });
    expect(added.status).toBe(200);
    const stored = await rawAdmin<Array<{ department: string }>>('GET', `/items/cc_notices_departments?filter[notice][_eq]=${foreignNotice}&fields=department&sort=department`);
    expect(stored.map((row) => row.department)).toEqual(['sales', 'tech']);
  });
});

describe('"who did this" fields are set by the server', () => {
  it('a notice naming another author is refused; without one the writer is its author, and it cannot be reassigned', async () => {
    const forged = await as(head, 'POST', '/items/cc_notices', { title: `${TAG} forged`, level: 'reminder', body: 'x', author: otherHead.id });
    expect([forged.status, code(forged)]).toEqual([400, 'SET_BY_SERVER']);
    expect(await rawAdmin<unknown[]>('GET', `/items/cc_notices?filter[title][_eq]=${TAG} forged&fields=id`)).toEqual([]);
    const honest = await as(head, 'POST', '/items/cc_notices', { title: `${TAG} honest`, level: 'reminder', body: 'x' });
    const id = data<{ id: number }>(honest).id;
    expect((await rawAdmin<{ author: string }>('GET', `/items/cc_notices/${id}?fields=author`)).author).toBe(head.id);
    const reassigned = await as(head, 'PATCH', `/items/cc_notices/${id}`, { author: otherHead.id });
    expect([reassigned.status, code(reassigned)]).toEqual([400, 'SET_BY_SERVER']);
    expect((await rawAdmin<{ author: string }>('GET', `/items/cc_notices/${id}?fields=author`)).author).toBe(head.id);
  });

  it("a service record names its writer and the writer's department, whatever the payload says", async () => {
    const customer = (await rawAdmin<{ id: number }>('POST', '/items/cc_customers', { name: `${TAG} 客户`, tier: 'standard' })).id;
    const asOther = await as(plain, 'POST', '/items/cc_service_records', { customer, channel: 'phone', occurred_at: '2026-03-01T09:00:00Z', summary: `${TAG} forged`, staff: head.id });
    expect([asOther.status, code(asOther)]).toEqual([400, 'SET_BY_SERVER']);
    const otherDepartment = await as(plain, 'POST', '/items/cc_service_records', { customer, channel: 'phone', occurred_at: '2026-03-01T09:00:00Z', summary: `${TAG} forged`, department: 'finance' });
    expect([otherDepartment.status, code(otherDepartment)]).toEqual([400, 'SET_BY_SERVER']);
    expect(await rawAdmin<unknown[]>('GET', `/items/cc_service_records?filter[summary][_eq]=${TAG} forged&fields=id`)).toEqual([]);
    const honest = await as(plain, 'POST', '/items/cc_service_records', { customer, channel: 'phone', occurred_at: '2026-03-01T09:00:00Z', summary: `${TAG} honest` });
    expect(honest.status, honest.text).toBe(200);
    const stored = await rawAdmin<{ staff: string; department: string }>('GET', `/items/cc_service_records/${data<{ id: number }>(honest).id}?fields=staff,department`);
    expect(stored).toEqual({ staff: plain.id, department: 'marketing' });
  });
});

describe('nobody appoints themselves', () => {
  it('HR cannot make itself lead of a team (that brings the manager policy); it may join one, and another HR member may appoint it', async () => {
    const lead = await as(hr, 'PATCH', `/items/cc_teams/${theirs}`, { lead: hr.id });
    expect([lead.status, code(lead)]).toEqual([403, 'SELF_APPOINTMENT']);
    expect((await rawAdmin<{ lead: string | null }>('GET', `/items/cc_teams/${theirs}?fields=lead`)).lead).toBeNull();
    const created = await as(hr, 'POST', '/items/cc_teams', { name: `${TAG} self-led`, status: 'forming', lead: hr.id });
    expect([created.status, code(created)]).toEqual([403, 'SELF_APPOINTMENT']);
    expect(await rawAdmin<unknown[]>('GET', `/items/cc_teams?filter[name][_eq]=${TAG} self-led&fields=id`)).toEqual([]);
    const join = await as(hr, 'POST', '/items/cc_team_members', { team: theirs, user: hr.id, role_in_team: 'representative' });
    expect(join.status).toBe(200);
    const colleague = await createStaff('hr', { label: `${TAG}.hr2` });
    const appointed = await as(colleague, 'PATCH', `/items/cc_teams/${theirs}`, { lead: hr.id });
    expect(appointed.status).toBe(200);
  });
});

describe('files: staff open their own and product images, not what others uploaded', () => {
  async function upload(token: string, name: string): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([`secret,${name}\n`], { type: 'text/csv' }), `${name}.csv`);
    const result = await http('POST', '/files', { token, form });
    expect(result.status).toBe(200);
    return data<{ id: string }>(result).id;
  }

  it("an admin's upload (an export of finance rows, say) is not readable or downloadable by staff; product images are", async () => {
    const secret = await upload(concord().adminToken, `${TAG}-finance`);
    const image = await upload(concord().adminToken, `${TAG}-image`);
    await rawAdmin('POST', '/items/cc_products', { name: `${TAG} product`, code: `${TAG}-P`, images: { create: [{ file: image }] } });
    expect((await as(plain, 'GET', `/files/${secret}`)).status).toBe(403);
    expect((await as(plain, 'GET', `/assets/${secret}`)).status).toBe(403);
    expect(((await as(plain, 'GET', `/files?filter[id][_in]=${secret},${image}&fields=id`)).json?.data as Array<{ id: string }>).map((f) => f.id)).toEqual([image]);
    expect((await as(plain, 'GET', `/assets/${image}`)).status).toBe(200);
  });
});

describe('staff change their own password, language and theme, nothing else of their user', () => {
  it('language and theme: zh-CN/en-US only; other fields and other users are refused', async () => {
    const language = await as(plain, 'PATCH', '/users/me', { language: 'en-US', appearance: 'dark' });
    expect(language.status).toBe(200);
    expect(await rawAdmin('GET', `/users/${plain.id}?fields=language,appearance`)).toEqual({ language: 'en-US', appearance: 'dark' });
    const unknown = await as(plain, 'PATCH', '/users/me', { language: 'fr-FR' });
    expect(unknown.status).toBe(400);
    for (const body of [{ first_name: 'Mallory' }, { cc_department: 'finance' }, { email: `${TAG}@evil.example` }]) {
      const refused = await as(plain, 'PATCH', '/users/me', body);
      expect(refused.status, JSON.stringify(body)).toBe(403);
    }
    const someoneElse = await as(plain, 'PATCH', `/users/${head.id}`, { language: 'en-US' });
    expect(someoneElse.status).toBe(403);
    const stored = await rawAdmin<Record<string, unknown>>('GET', `/users/${plain.id}?fields=first_name,cc_department,language`);
    expect(stored).toEqual({ first_name: 'Test', cc_department: 'marketing', language: 'en-US' });
  });

  it('password: the new one signs in, the old one no longer does', async () => {
    const changed = await as(plain, 'PATCH', '/users/me', { password: `${TEST_STAFF_PASSWORD}-new` });
    expect(changed.status).toBe(200);
    await expect(signIn(plain.email, `${TEST_STAFF_PASSWORD}-new`)).resolves.toBeDefined();
    await expect(signIn(plain.email, TEST_STAFF_PASSWORD)).rejects.toBeDefined();
  });
});
