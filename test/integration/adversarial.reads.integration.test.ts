import { beforeAll, describe, expect, it } from 'vitest';
import { concord, createStaff, http, rawAdmin, testDb, type Json, type StaffUser } from '../harness/concord.ts';

/**
 * Reads that must not escape row rules, tried as an adversarial member of staff would: filters,
 * sorts, aggregates and `deep` through relations (o2m, m2o, the m2m junctions) and on fields a
 * reader may see on some rows only, over REST and GraphQL. A filter may only match on values its
 * reader may read; sorting or aggregating by a value some rows hide is refused with
 * RESTRICTED_QUERY_FIELD. Every probe has a control: someone who may read the value gets the match.
 */

const TAG = `advr-${Date.now().toString(36)}`;
const SECRET = `${TAG}-Secret`;
const code = (result: { json?: Json | undefined }) => result.json?.errors?.[0]?.extensions?.['code'] as string | undefined;
const ids = (result: { json?: Json | undefined }) => ((result.json?.data as Array<{ id: number | string }> | undefined) ?? []).map((row) => row.id);

async function tokenOf(user: StaffUser): Promise<string> {
  const token = await (user.client as unknown as { getToken(): Promise<string | null> }).getToken();
  if (!token) throw new Error('no token');
  return token;
}
const get = async (path: string, user: StaffUser) => http('GET', path, { token: await tokenOf(user) });
const graphql = async (query: string, user: StaffUser) => http('POST', '/graphql', { token: await tokenOf(user), body: { query } });

let prober: StaffUser; // marketing, on no team: sees no case of the fixture
let serviceStaff: StaffUser; // service owns the "received" state: sees the case
let publisher: StaffUser; // hr holds evaluation.publish: sees draft scores
let customer: number;
let caseId: number;
let purchase: number;

beforeAll(async () => {
  [prober, serviceStaff, publisher] = await Promise.all([
    createStaff('marketing', { label: `${TAG}.prober` }),
    createStaff('service', { label: `${TAG}.service` }),
    createStaff('hr', { label: `${TAG}.publisher` }),
  ]);
  const [complaint] = await rawAdmin<Array<{ id: number }>>('GET', '/items/cc_workflows?filter[key][_eq]=complaint&fields=id');
  customer = (await rawAdmin<{ id: number }>('POST', '/items/cc_customers', { name: `${TAG} 客户`, tier: 'standard' })).id;
  caseId = (await rawAdmin<{ id: number }>('POST', '/items/cc_cases', { title: `${SECRET} 投诉`, workflow: complaint!.id, customer, priority: 'high' })).id;
  purchase = (await rawAdmin<{ id: number }>('POST', '/items/cc_purchases', { customer, amount: 100, purchased_on: '2026-01-02' })).id;
});

describe('filters through an o2m relation (cc_customers → cases)', () => {
  const probe = `/items/cc_customers?fields=id&filter[id][_eq]=`;

  it('match only on cases the reader may see, on REST', async () => {
    const path = () => `${probe}${customer}&filter[cases][title][_starts_with]=${SECRET}`;
    expect(ids(await get(path(), prober))).toEqual([]);
    expect(ids(await get(path(), serviceStaff))).toEqual([customer]);
  });

  it('with _some, _none and presence operators the hidden case does not exist for the reader', async () => {
    const some = () => `${probe}${customer}&filter[cases][_some][title][_starts_with]=${SECRET}`;
    expect(ids(await get(some(), prober))).toEqual([]);
    expect(ids(await get(some(), serviceStaff))).toEqual([customer]);
    const none = () => `${probe}${customer}&filter[cases][_none][title][_starts_with]=${SECRET}`;
    expect(ids(await get(none(), prober))).toEqual([customer]);
    expect(ids(await get(none(), serviceStaff))).toEqual([]);
    const has = () => `${probe}${customer}&filter[cases][_nnull]=true`;
    expect(ids(await get(has(), prober))).toEqual([]);
    expect(ids(await get(has(), serviceStaff))).toEqual([customer]);
    const hasNone = () => `${probe}${customer}&filter[cases][_null]=true`;
    expect(ids(await get(hasNone(), prober))).toEqual([customer]);
    expect(ids(await get(hasNone(), serviceStaff))).toEqual([]);
  });

  it('do not leak through meta=filter_count', async () => {
    const path = `/items/cc_customers?fields=id&limit=0&meta=filter_count&filter[cases][title][_starts_with]=${SECRET}`;
    expect((await get(path, prober)).json?.['meta' as keyof Json]).toMatchObject({ filter_count: 0 });
    expect((await get(path, serviceStaff)).json?.['meta' as keyof Json]).toMatchObject({ filter_count: 1 });
  });

  it('do not leak through GraphQL queries and aggregates', async () => {
    const query = `{ cc_customers(filter: { id: { _eq: ${customer} }, cases: { title: { _starts_with: "${SECRET}" } } }) { id } }`;
    const hidden = await graphql(query, prober);
    expect(hidden.json?.errors).toBeUndefined();
    expect((hidden.json?.data as { cc_customers: unknown[] }).cc_customers).toEqual([]);
    const seen = await graphql(query, serviceStaff);
    expect((seen.json?.data as { cc_customers: Array<{ id: string }> }).cc_customers.map((c) => Number(c.id))).toEqual([customer]);
    const aggregate = `{ cc_customers_aggregated(filter: { cases: { title: { _starts_with: "${SECRET}" } } }) { count { id } } }`;
    const counted = await graphql(aggregate, prober);
    expect(counted.json?.errors).toBeUndefined();
    expect((counted.json?.data as { cc_customers_aggregated: Array<{ count: { id: number } }> }).cc_customers_aggregated[0]?.count.id).toBe(0);
  });

  it('do not leak through deep filters of nested relations', async () => {
    const path = `/items/cc_customers/${customer}?fields=id,purchases.id&deep[purchases][_filter][customer][cases][title][_starts_with]=${SECRET}`;
    const hidden = await get(path, prober);
    expect(hidden.status).toBe(200);
    expect((hidden.json?.data as { purchases: unknown[] }).purchases).toEqual([]);
    const seen = await get(path, serviceStaff);
    expect((seen.json?.data as { purchases: Array<{ id: number }> }).purchases.map((p) => p.id)).toEqual([purchase]);
  });

  it('refuse relational counts of hidden rows (count(cases)) in filters and sorts', async () => {
    for (const path of [`/items/cc_customers?fields=id&filter[count(cases)][_gt]=0`, `/items/cc_customers?fields=id&sort=-count(cases)`]) {
      const result = await get(path, prober);
      expect([path, result.status, code(result)]).toEqual([path, 403, 'RESTRICTED_QUERY_FIELD']);
    }
  });
});

describe('filters on fields readable on some rows only (directus_users)', () => {
  let colleague: StaffUser;

  beforeAll(async () => {
    colleague = await createStaff('sales', { label: `${TAG}.colleague` });
    await rawAdmin('PATCH', `/users/${colleague.id}`, { last_page: `/content/${TAG}` });
    await testDb()('directus_users').where('id', colleague.id).update({ tfa_secret: 'JBSWY3DPEHPK3PXP' });
  });

  it("match another person's row neither on last_page nor on whether two-factor is set", async () => {
    for (const filter of [`filter[last_page][_eq]=/content/${TAG}`, 'filter[last_page][_nnull]=true', 'filter[tfa_secret][_nnull]=true']) {
      const path = `/users?fields=id&filter[id][_eq]=${colleague.id}&${filter}`;
      const result = await get(path, prober);
      expect([filter, result.status, ids(result)]).toEqual([filter, 200, []]);
    }
    // The owner of the row still finds it.
    expect(ids(await get(`/users?fields=id&filter[id][_eq]=${colleague.id}&filter[last_page][_eq]=/content/${TAG}`, colleague))).toEqual([colleague.id]);
  });

  it('refuse sorting and aggregating by them', async () => {
    for (const path of ['/users?fields=id&sort=last_page', '/users?aggregate[max]=last_page', '/users?fields=id&sort=-tfa_secret']) {
      const result = await get(path, prober);
      expect([path, result.status, code(result)]).toEqual([path, 403, 'RESTRICTED_QUERY_FIELD']);
    }
    // Fields everyone may read everywhere still sort.
    expect((await get('/users?fields=id&sort=last_name&limit=2', prober)).status).toBe(200);
  });
});

describe('filters through an o2m relation onto rows hidden by state (draft scores)', () => {
  let cycle: number;

  beforeAll(async () => {
    // A draft cycle whose only score is a draft of the prober's own department: published, it would be theirs to read.
    cycle = (await rawAdmin<{ id: number }>('POST', '/items/cc_evaluation_cycles', { period_kind: 'monthly', starts_on: '2031-07-01', name: `${TAG} draft` })).id;
    await testDb()('cc_evaluation_scores').insert({ cycle, scope_kind: 'department', department: 'marketing', dimension: 'satisfaction', score: 42, raw: '{}', counts: '{}' });
  });

  it('a cycle whose only scores are drafts matches no score filter for staff, on REST and GraphQL', async () => {
    const path = `/items/cc_evaluation_cycles?fields=id&filter[id][_eq]=${cycle}&filter[scores][score][_lt]=101`;
    const hidden = await get(path, prober);
    expect([hidden.status, ids(hidden)]).toEqual([200, []]);
    expect(ids(await get(path, publisher))).toEqual([cycle]);
    const query = `{ cc_evaluation_cycles(filter: { id: { _eq: ${cycle} }, scores: { score: { _lt: 101 } } }) { id } }`;
    const viaGraphql = await graphql(query, prober);
    expect(viaGraphql.json?.errors).toBeUndefined();
    expect((viaGraphql.json?.data as { cc_evaluation_cycles: unknown[] }).cc_evaluation_cycles).toEqual([]);
    const seen = await graphql(query, publisher);
    expect((seen.json?.data as { cc_evaluation_cycles: Array<{ id: string }> }).cc_evaluation_cycles.map((c) => Number(c.id))).toEqual([cycle]);
    // The stored draft is there all along.
    const [stored] = await testDb()('cc_evaluation_scores').where({ cycle }).count({ n: '*' });
    expect(Number(stored?.['n'])).toBe(1);
  });

  it('the score itself stays unreadable as a draft, and a bisecting filter on its value finds nothing', async () => {
    for (const bound of [0, 42, 43, 100]) {
      const result = await get(`/items/cc_evaluation_cycles?fields=id&filter[id][_eq]=${cycle}&filter[scores][score][_gte]=${bound}`, prober);
      expect([bound, ids(result)]).toEqual([bound, []]);
    }
    expect(ids(await get(`/items/cc_evaluation_scores?fields=id&filter[cycle][_eq]=${cycle}`, prober))).toEqual([]);
  });
});

describe('filters through m2m junctions (notices → audience)', () => {
  let notice: number;

  beforeAll(async () => {
    const [finance] = await Promise.all([createStaff('finance', { label: `${TAG}.finance` })]);
    notice = (await rawAdmin<{ id: number }>('POST', '/items/cc_notices', {
      title: `${TAG} finance only`, level: 'important', body: `${SECRET} 预算`, author: finance!.id, audience_departments: { create: [{ department: 'finance' }] },
    })).id;
  });

  it("a junction row filtered by its notice's body matches only for the notice's audience", async () => {
    const path = `/items/cc_notices_departments?fields=id&filter[notice][_eq]=${notice}&filter[notice][body][_contains]=${SECRET}`;
    const probed = await get(path, prober);
    expect(ids(probed)).toEqual([]);
    const query = `{ cc_notices_departments(filter: { notice: { body: { _contains: "${SECRET}" } } }) { id } }`;
    const viaGraphql = await graphql(query, prober);
    expect((viaGraphql.json?.data as { cc_notices_departments: unknown[] } | undefined)?.cc_notices_departments ?? []).toEqual([]);
  });
});
