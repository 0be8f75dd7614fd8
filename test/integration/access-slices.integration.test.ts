import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER_CONTACT_FIELDS } from '../../src/access/model.ts';
import { concord, createStaff, rawAdmin, signIn, type Client, type StaffUser, http, type Json } from '../harness/concord.ts';

/**
 * The access model of the brief, proven as real users over every read path Directus has (REST
 * lists and single items, nested relational reads, aggregates, GraphQL, exports) and through our
 * customer 360° endpoint: each department reads exactly its slice of finance rows, contact fields
 * and cases.
 */

const TAG = `slices-${Date.now().toString(36)}`;


const call = http;

const get = (path: string, token: string | null) => call('GET', path, { token });
const graphql = (query: string, token: string) => call('POST', '/graphql', { token, body: { query } });
const code = (result: { json?: Json }) => result.json?.errors?.[0]?.extensions?.['code'];
const rows = <T = Record<string, unknown>>(result: { json?: Json }) => result.json?.data as T[];

async function tokenOfClient(client: Client): Promise<string> {
  const token = await (client as unknown as { getToken(): Promise<string | null> }).getToken();
  if (!token) throw new Error('No access token');
  return token;
}

const tokenOf = (user: StaffUser) => tokenOfClient(user.client);
const demoToken = async (email: string) => tokenOfClient(await signIn(email, concord().staffPassword));

/** Fixture ids, built as admin. */
let customerId: number;
let teamId: number;
let caseId: number;
let eventIds: number[];
let escalated: number;
let resolved: number;
const CONTACT = { contact_name: '测试联系人', contact_phone: '13912345678', contact_email: `${TAG}@contact.example.com`, address: '测试路1号' };

/** People. */
let seller: StaffUser; // plain sales staff, in no team
let salesMember: StaffUser; // sales, member of the fixture team
let serviceMember: StaffUser; // service, member of the fixture team
let techOutsider: StaffUser; // tech, not in the team
let marketingOutsider: StaffUser; // marketing, not in the team
let financeStaff: StaffUser;
let salesHead: StaffUser;
let originalSalesHead: string | null;

/** Puts a fixture case into a state as an admin, through the audited override (no transition needed). */
async function setState(state: number, id: number = caseId): Promise<void> {
  const override = await call('POST', `/concord/cases/${id}/override`, { token: concord().adminToken, body: { to: state, reason: `${TAG} access fixture` } });
  if (override.status !== 200) throw new Error(`override of case ${id}: ${override.status} ${override.text}`);
}

async function eventsOfCase(): Promise<number[]> {
  return (await rawAdmin<Array<{ id: number }>>('GET', `/items/cc_case_events?filter[case][_eq]=${caseId}&fields=id&limit=-1&sort=id`)).map((e) => e.id);
}

beforeAll(async () => {
  seller = await createStaff('sales', { label: `${TAG}.seller` });
  salesMember = await createStaff('sales', { label: `${TAG}.salesmember` });
  serviceMember = await createStaff('service', { label: `${TAG}.servicemember` });
  techOutsider = await createStaff('tech', { label: `${TAG}.tech` });
  marketingOutsider = await createStaff('marketing', { label: `${TAG}.marketing` });
  financeStaff = await createStaff('finance', { label: `${TAG}.finance` });
  originalSalesHead = (await rawAdmin<{ head: string | null }>('GET', '/items/cc_departments/sales?fields=head')).head;
  salesHead = await createStaff('sales', { head: true, label: `${TAG}.saleshead` });

  const [complaint] = await rawAdmin<Array<{ id: number }>>('GET', '/items/cc_workflows?filter[key][_eq]=complaint&fields=id');
  const states = await rawAdmin<Array<{ id: number; key: string; owner_department: string }>>(
    'GET',
    `/items/cc_workflow_states?filter[workflow][_eq]=${complaint!.id}&fields=id,key,owner_department&limit=-1`,
  );
  escalated = states.find((s) => s.key === 'escalated')!.id;
  resolved = states.find((s) => s.key === 'resolved')!.id;
  expect(states.find((s) => s.key === 'escalated')!.owner_department).toBe('tech');
  expect(states.find((s) => s.key === 'resolved')!.owner_department).toBe('service');

  customerId = (await rawAdmin<{ id: number }>('POST', '/items/cc_customers', { name: `${TAG} 客户`, tier: 'standard', ...CONTACT })).id;
  teamId = (
    await rawAdmin<{ id: number }>('POST', '/items/cc_teams', {
      name: `${TAG} 团队`,
      members: [
        { user: salesMember.id, role_in_team: 'representative' },
        { user: serviceMember.id, role_in_team: 'representative' },
      ],
    })
  ).id;
  caseId = (await rawAdmin<{ id: number }>('POST', '/items/cc_cases', { title: `${TAG} 事项`, workflow: complaint!.id, customer: customerId, team: teamId, priority: 'normal' })).id;
  // The case sits in a state owned by tech; an admin puts it there.
  await setState(escalated);
  eventIds = await eventsOfCase();
  expect(eventIds.length).toBeGreaterThan(0);
  // One satisfied customer answer on the case.
  const survey = await rawAdmin<{ id: number }>('POST', '/items/cc_surveys', { kind: 'csat', title: `${TAG} 回访`, case: caseId, team: teamId, ask_nps: false, sent_at: new Date().toISOString() });
  await rawAdmin('POST', '/items/cc_survey_responses', { survey: survey.id, csat: 5, responded_at: new Date().toISOString() });
});

afterAll(async () => {
  await rawAdmin('PATCH', '/items/cc_departments/sales', { head: originalSalesHead });
});

describe('finance rows', () => {
  it('are refused to staff without budget.manage on REST, with FORBIDDEN', async () => {
    const token = await tokenOf(seller);
    for (const collection of ['cc_transactions', 'cc_budgets']) {
      const list = await get(`/items/${collection}?fields=id&limit=5`, token);
      expect([collection, list.status, code(list)]).toEqual([collection, 403, 'FORBIDDEN']);
      const one = await get(`/items/${collection}/1`, token);
      expect([collection, one.status, code(one)]).toEqual([collection, 403, 'FORBIDDEN']);
      const aggregate = await get(`/items/${collection}?aggregate[sum]=amount`, token);
      expect([collection, aggregate.status, code(aggregate)]).toEqual([collection, 403, 'FORBIDDEN']);
    }
  });

  it('do not exist in GraphQL for staff without budget.manage', async () => {
    const token = await tokenOf(seller);
    for (const query of ['{ cc_transactions { id } }', '{ cc_budgets { id amount } }', '{ cc_transactions_aggregated { sum { amount } } }']) {
      const result = await graphql(query, token);
      expect(result.json?.errors?.length, query).toBeGreaterThan(0);
      expect((result.json?.data as Record<string, unknown> | undefined)?.['cc_transactions'], query).toBeUndefined();
      expect((result.json?.data as Record<string, unknown> | undefined)?.['cc_budgets'], query).toBeUndefined();
    }
  });

  it('are read whole by finance, which holds budget.manage (staff and head alike)', async () => {
    const all = {
      cc_transactions: await rawAdmin<Array<{ id: number }>>('GET', '/items/cc_transactions?fields=id&limit=-1'),
      cc_budgets: await rawAdmin<Array<{ id: number }>>('GET', '/items/cc_budgets?fields=id&limit=-1'),
    };
    for (const token of [await tokenOf(financeStaff), await demoToken('zhu.hong@example.com')]) {
      for (const collection of ['cc_transactions', 'cc_budgets'] as const) {
        const result = await get(`/items/${collection}?fields=id,department&limit=-1`, token);
        expect(result.status).toBe(200);
        const seen = rows<{ id: number; department: string }>(result);
        expect(seen.map((r) => r.id).sort((a, b) => a - b)).toEqual(all[collection].map((r) => r.id).sort((a, b) => a - b));
        expect(new Set(seen.map((r) => r.department)).size).toBeGreaterThan(1);
      }
    }
  });

  it("are read by a department head for their own department only, on REST and GraphQL", async () => {
    const existing = await rawAdmin<unknown[]>('GET', '/items/cc_transactions?filter[department][_eq]=sales&fields=id&limit=1');
    if (existing.length === 0) {
      await rawAdmin('POST', '/items/cc_transactions', { kind: 'income', amount: 1000, category: TAG, occurred_on: '2026-01-15', department: 'sales' });
    }
    const token = await tokenOf(salesHead);
    for (const collection of ['cc_transactions', 'cc_budgets']) {
      const expected = await rawAdmin<Array<{ id: number }>>('GET', `/items/${collection}?filter[department][_eq]=sales&fields=id&limit=-1`);
      const result = await get(`/items/${collection}?fields=id,department&limit=-1`, token);
      expect(result.status).toBe(200);
      const seen = rows<{ id: number; department: string }>(result);
      expect(seen.length, collection).toBeGreaterThan(0);
      expect(seen.filter((r) => r.department !== 'sales'), collection).toEqual([]);
      expect(seen.length, collection).toBe(expected.length);
      // Asking for another department's rows returns nothing rather than widening the slice.
      const foreign = await get(`/items/${collection}?fields=id&filter[department][_eq]=finance&limit=-1`, token);
      expect(rows(foreign), collection).toEqual([]);
    }
    const viaGraphql = await graphql('{ cc_transactions(limit: -1) { id department { code } } }', token);
    expect(viaGraphql.json?.errors).toBeUndefined();
    const gqlRows = (viaGraphql.json?.data as { cc_transactions: Array<{ department: { code: string } | null }> }).cc_transactions;
    expect(gqlRows.length).toBeGreaterThan(0);
    expect(gqlRows.filter((r) => r.department?.code !== 'sales')).toEqual([]);
  });

  it('the demo HR head sees only HR budgets', async () => {
    const result = await get('/items/cc_budgets?fields=id,department&limit=-1', await demoToken('sun.li@example.com'));
    expect(result.status).toBe(200);
    const seen = rows<{ department: string }>(result);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((r) => r.department !== 'hr')).toEqual([]);
  });
});

describe('customer contact fields', () => {
  const hasContact = (row: Record<string, unknown>) => CUSTOMER_CONTACT_FIELDS.filter((field) => field in row);

  it('are left out of fields=* for staff without customer.read_contact', async () => {
    const result = await get('/items/cc_customers?fields=*&limit=-1', await tokenOf(techOutsider));
    expect(result.status).toBe(200);
    const seen = rows(result);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.flatMap(hasContact)).toEqual([]);
    expect(seen.find((r) => r['id'] === customerId)).toMatchObject({ name: `${TAG} 客户`, tier: 'standard' });
    const one = await get(`/items/cc_customers/${customerId}`, await tokenOf(techOutsider));
    expect(one.status).toBe(200);
    expect(hasContact(one.json?.data as Record<string, unknown>)).toEqual([]);
  });

  it('are refused with 403 FORBIDDEN when asked for by name, in fields, filter, sort, alias and aggregates', async () => {
    const token = await tokenOf(techOutsider);
    for (const path of [
      '/items/cc_customers?fields=contact_phone',
      `/items/cc_customers/${customerId}?fields=id,contact_phone`,
      `/items/cc_customers?fields=id&filter[contact_phone][_eq]=${CONTACT.contact_phone}`,
      '/items/cc_customers?fields=id&sort=contact_email',
      '/items/cc_customers?fields=id,x&alias[x]=contact_phone',
      '/items/cc_customers?aggregate[countDistinct]=contact_phone',
      '/items/cc_customers?aggregate[count]=id&groupBy[]=address',
    ]) {
      const result = await get(path, token);
      expect([path, result.status, code(result)]).toEqual([path, 403, 'FORBIDDEN']);
    }
  });

  it('cannot be found by search either', async () => {
    const result = await get(`/items/cc_customers?fields=id&search=${CONTACT.contact_phone}`, await tokenOf(techOutsider));
    expect(result.status).toBe(200);
    expect(rows(result)).toEqual([]);
  });

  it('are refused through nested relational reads: Directus answers 403 FORBIDDEN for the whole request, naming the field', async () => {
    const token = await tokenOf(techOutsider);
    const nested = await get(`/items/cc_cases?fields=id,customer.contact_phone&filter[id][_eq]=${caseId}`, token);
    expect(nested.status).toBe(403);
    expect(code(nested)).toBe('FORBIDDEN');
    expect(nested.json?.errors?.[0]?.message).toContain('"contact_phone" in collection "cc_customers"');
    expect(nested.text).not.toContain(CONTACT.contact_phone);
    const deeper = await get(`/items/cc_case_events?fields=id,case.customer.contact_email&limit=1`, token);
    expect([deeper.status, code(deeper)]).toEqual([403, 'FORBIDDEN']);
    const byRelation = await get(`/items/cc_cases?fields=id&filter[customer][contact_phone][_eq]=${CONTACT.contact_phone}`, token);
    expect([byRelation.status, code(byRelation)]).toEqual([403, 'FORBIDDEN']);
    // customer.* quietly leaves the contact fields out.
    const star = await get(`/items/cc_cases/${caseId}?fields=id,customer.*`, token);
    expect(star.status).toBe(200);
    const customer = (star.json?.data as { customer: Record<string, unknown> }).customer;
    expect(customer['id']).toBe(customerId);
    expect(hasContact(customer)).toEqual([]);
  });

  it('do not exist in GraphQL for staff without customer.read_contact', async () => {
    const token = await tokenOf(techOutsider);
    const result = await graphql('{ cc_customers { id contact_phone } }', token);
    expect(result.json?.errors?.length).toBeGreaterThan(0);
    expect(result.json?.data).toBeUndefined();
    expect(result.text).not.toContain(CONTACT.contact_phone);
    const nested = await graphql(`{ cc_cases(filter: { id: { _eq: ${caseId} } }) { id customer { id contact_email } } }`, token);
    expect(nested.json?.errors?.length).toBeGreaterThan(0);
    expect(nested.text).not.toContain(CONTACT.contact_email);
    const allowed = await graphql(`{ cc_customers(filter: { id: { _eq: ${customerId} } }) { id name } }`, token);
    expect(allowed.json?.errors).toBeUndefined();
  });

  it('are left out of exports (JSON and CSV)', async () => {
    const token = await tokenOf(techOutsider);
    const json = await get('/items/cc_customers?export=json&fields=*&limit=-1', token);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-disposition')).toContain('attachment');
    const exported = JSON.parse(json.text) as Array<Record<string, unknown>>;
    expect(exported.some((r) => r['id'] === customerId)).toBe(true);
    expect(exported.flatMap(hasContact)).toEqual([]);
    expect(json.text).not.toContain(CONTACT.contact_phone);
    expect(json.text).not.toContain('@customer.example.com');
    const csv = await get(`/items/cc_customers?export=csv&fields=*&filter[id][_eq]=${customerId}`, token);
    expect(csv.status).toBe(200);
    const header = csv.text.split('\n')[0] ?? '';
    expect(header).toContain('name');
    for (const field of CUSTOMER_CONTACT_FIELDS) expect(header).not.toContain(field);
    expect(csv.text).not.toContain(CONTACT.contact_phone);
  });

  it('are read by sales, which holds customer.read_contact', async () => {
    for (const token of [await tokenOf(seller), await demoToken('chen.jing@example.com')]) {
      const result = await get(`/items/cc_customers/${customerId}?fields=id,contact_phone,contact_name,contact_email,address`, token);
      expect(result.status).toBe(200);
      expect(result.json?.data).toEqual({ id: customerId, ...CONTACT });
      const all = await get('/items/cc_customers?fields=*&limit=-1', token);
      expect(rows(all).every((r) => 'contact_phone' in r)).toBe(true);
    }
  });

  it('are read by service, which calls customers back (回访), together with the overview', async () => {
    for (const token of [await tokenOf(serviceMember), await demoToken('huang.lei@example.com')]) {
      const result = await get(`/items/cc_customers/${customerId}?fields=id,contact_phone,contact_name,contact_email,address`, token);
      expect(result.status).toBe(200);
      expect(result.json?.data).toEqual({ id: customerId, ...CONTACT });
      // 客户全貌 is a field service reads (Studio shows a field only when the reader's permission lists it).
      const fields = await get('/fields/cc_customers', token);
      expect((rows<{ field: string }>(fields)).map((f) => f.field)).toContain('overview');
    }
    // Departments without the capability still do not.
    const outsider = await get(`/items/cc_customers/${customerId}?fields=id,contact_phone`, await tokenOf(marketingOutsider));
    expect(outsider.status).toBe(403);
  });
});

describe('cases', () => {
  const caseIds = async (token: string, query = '') => rows<{ id: number }>(await get(`/items/cc_cases?fields=id&limit=-1${query}`, token)).map((r) => r.id);

  it('are seen by the department owning the current state, without being in the team', async () => {
    const token = await tokenOf(techOutsider);
    const one = await get(`/items/cc_cases/${caseId}?fields=id,state,team`, token);
    expect(one.status).toBe(200);
    expect(one.json?.data).toEqual({ id: caseId, state: escalated, team: teamId });
    expect(await caseIds(token)).toContain(caseId);
  });

  it('are seen by the members of their team, whatever their department', async () => {
    for (const member of [salesMember, serviceMember]) {
      const token = await tokenOf(member);
      const one = await get(`/items/cc_cases/${caseId}?fields=id`, token);
      expect([member.email, one.status]).toEqual([member.email, 200]);
      expect(await caseIds(token)).toContain(caseId);
    }
  });

  it('are hidden from anyone else: 403 for the item, absent from lists', async () => {
    for (const outsider of [marketingOutsider, seller]) {
      const token = await tokenOf(outsider);
      const one = await get(`/items/cc_cases/${caseId}?fields=id`, token);
      expect([outsider.email, one.status, code(one)]).toEqual([outsider.email, 403, 'FORBIDDEN']);
      expect(await caseIds(token, `&filter[id][_eq]=${caseId}`)).toEqual([]);
      expect(await caseIds(token)).not.toContain(caseId);
    }
  });

  it('case events follow the case', async () => {
    expect(eventIds.length).toBeGreaterThan(0);
    for (const reader of [techOutsider, salesMember, serviceMember]) {
      const result = await get(`/items/cc_case_events?fields=id&filter[case][_eq]=${caseId}&limit=-1`, await tokenOf(reader));
      expect(rows<{ id: number }>(result).map((r) => r.id).sort()).toEqual([...eventIds].sort());
    }
    const token = await tokenOf(marketingOutsider);
    const list = await get(`/items/cc_case_events?fields=id&filter[case][_eq]=${caseId}&limit=-1`, token);
    expect(list.status).toBe(200);
    expect(rows(list)).toEqual([]);
    const one = await get(`/items/cc_case_events/${eventIds[0]}`, token);
    expect([one.status, code(one)]).toEqual([403, 'FORBIDDEN']);
    const nested = await get(`/items/cc_cases/${caseId}?fields=id,events.id`, await tokenOf(techOutsider));
    expect((nested.json?.data as { events: Array<{ id: number }> }).events.map((e) => e.id).sort()).toEqual([...eventIds].sort());
  });

  it('obey the same rule on GraphQL', async () => {
    const query = `{ cc_cases(filter: { id: { _eq: ${caseId} } }) { id } cc_case_events(filter: { case: { id: { _eq: ${caseId} } } }) { id } }`;
    const seen = await graphql(query, await tokenOf(techOutsider));
    expect(seen.json?.errors).toBeUndefined();
    expect(seen.json?.data).toEqual({ cc_cases: [{ id: String(caseId) }], cc_case_events: eventIds.map((id) => ({ id: String(id) })) });
    const member = await graphql(query, await tokenOf(salesMember));
    expect((member.json?.data as { cc_cases: unknown[] }).cc_cases).toEqual([{ id: String(caseId) }]);
    const hidden = await graphql(query, await tokenOf(marketingOutsider));
    expect(hidden.json?.data).toEqual({ cc_cases: [], cc_case_events: [] });
    const byId = await graphql(`{ cc_cases_by_id(id: ${caseId}) { id title } }`, await tokenOf(marketingOutsider));
    expect((byId.json?.data as { cc_cases_by_id: unknown }).cc_cases_by_id).toBeNull();
    expect(byId.json?.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect(byId.text).not.toContain(`${TAG} 事项`);
  });

  it('obey the same rule in nested reads from the customer', async () => {
    const path = `/items/cc_customers/${customerId}?fields=id,cases.id,cases.title`;
    for (const reader of [techOutsider, salesMember]) {
      const result = await get(path, await tokenOf(reader));
      expect(result.json?.data).toEqual({ id: customerId, cases: [{ id: caseId, title: `${TAG} 事项` }] });
    }
    const hidden = await get(path, await tokenOf(marketingOutsider));
    expect(hidden.status).toBe(200);
    expect(hidden.json?.data).toEqual({ id: customerId, cases: [] });
    const ids = await get(`/items/cc_customers/${customerId}?fields=cases`, await tokenOf(marketingOutsider));
    expect(ids.json?.data).toEqual({ cases: [] });
  });

  it('follow the current state: when the case moves to a service state, tech loses it and the team keeps it', async () => {
    await setState(resolved);
    try {
      const tech = await get(`/items/cc_cases/${caseId}?fields=id`, await tokenOf(techOutsider));
      expect([tech.status, code(tech)]).toEqual([403, 'FORBIDDEN']);
      const techEvents = await get(`/items/cc_case_events?fields=id&filter[case][_eq]=${caseId}`, await tokenOf(techOutsider));
      expect(rows(techEvents)).toEqual([]);
      expect((await get(`/items/cc_cases/${caseId}?fields=id`, await tokenOf(salesMember))).status).toBe(200);
      // A service user outside the team now sees it through the state.
      const serviceOutsider = await createStaff('service', { label: `${TAG}.serviceoutsider` });
      expect((await get(`/items/cc_cases/${caseId}?fields=id`, await tokenOf(serviceOutsider))).status).toBe(200);
    } finally {
      await setState(escalated);
      eventIds = await eventsOfCase();
    }
  });

  it('aggregates over a reader\'s slice count each visible case once', async () => {
    // Seen through the state by a reader outside a team of two: one case, counted once.
    const token = await tokenOf(techOutsider);
    const one = await get(`/items/cc_cases?aggregate[count]=id&filter[id][_eq]=${caseId}`, token);
    expect(one.status).toBe(200);
    expect(Number(rows<{ count: { id: number | string } }>(one)[0]?.count.id)).toBe(1);
    const listed = await caseIds(token);
    const counted = await get('/items/cc_cases?aggregate[count]=id', token);
    expect(Number(rows<{ count: { id: number | string } }>(counted)[0]?.count.id)).toBe(listed.length);
  });
});

describe('GET /concord/customers/:id/360', () => {
  type Picture = {
    customer: Record<string, unknown>;
    openCases: Array<{ id: number }> | null;
    closedCases: Array<{ id: number }> | null;
    satisfaction: { responses: number; meanCsat: number | null; satisfiedShare: number | null } | null;
  };
  const picture = async (user: StaffUser) => {
    const result = await get(`/concord/customers/${customerId}/360`, await tokenOf(user));
    expect(result.status).toBe(200);
    return result.json?.data as Picture;
  };
  const isNumberOrNull = (value: unknown) => value === null || (typeof value === 'number' && Number.isFinite(value));

  it('shows a team member with customer.read_contact the contact fields, the open case and its CSAT', async () => {
    const view = await picture(salesMember);
    expect(view.customer).toMatchObject({ id: customerId, ...CONTACT });
    expect(view.openCases?.map((c) => c.id)).toEqual([caseId]);
    expect(view.closedCases).toEqual([]);
    expect(view.satisfaction).toEqual({ responses: 1, meanCsat: 5, satisfiedShare: 1 });
  });

  it('shows a marketing user outside the team neither the contact fields nor the case nor its CSAT', async () => {
    const view = await picture(marketingOutsider);
    expect(view.customer['id']).toBe(customerId);
    expect(view.customer['name']).toBe(`${TAG} 客户`);
    expect(CUSTOMER_CONTACT_FIELDS.filter((field) => field in view.customer)).toEqual([]);
    expect(JSON.stringify(view)).not.toContain(CONTACT.contact_phone);
    expect(view.openCases).toEqual([]);
    expect(view.closedCases).toEqual([]);
    expect(view.satisfaction).toEqual({ responses: 0, meanCsat: null, satisfiedShare: null });
  });

  it('returns satisfaction as an object of numbers or nulls', async () => {
    for (const user of [salesMember, marketingOutsider, techOutsider]) {
      const { satisfaction } = await picture(user);
      expect(satisfaction).not.toBeNull();
      expect(typeof satisfaction!.responses).toBe('number');
      expect(isNumberOrNull(satisfaction!.meanCsat)).toBe(true);
      expect(isNumberOrNull(satisfaction!.satisfiedShare)).toBe(true);
    }
  });

  it('counts each CSAT response once for a reader who sees the case through its state', async () => {
    // techOutsider reads exactly one response on this customer's cases...
    const readable = await get(`/items/cc_survey_responses?fields=id,csat&filter[survey][case][customer][_eq]=${customerId}&limit=-1`, await tokenOf(techOutsider));
    expect(rows(readable)).toHaveLength(1);
    // ...so the 360 view must say one response, not one per member of the case's team.
    const view = await picture(techOutsider);
    expect(view.openCases?.map((c) => c.id)).toEqual([caseId]);
    expect(CUSTOMER_CONTACT_FIELDS.filter((field) => field in view.customer)).toEqual([]);
    expect(view.satisfaction).toEqual({ responses: 1, meanCsat: 5, satisfiedShare: 1 });
  });

  it('weighs each CSAT response once in the mean and share, whichever way the reader sees its case', async () => {
    // A reader who sees one case through its state (a team of three) and another through membership
    // (a team of one): two responses, scored 1 and 5.
    const customer = (await rawAdmin<{ id: number }>('POST', '/items/cc_customers', { name: `${TAG} 客户二`, tier: 'standard' })).id;
    const reader = await createStaff('tech', { label: `${TAG}.techreader` });
    const teamOfThree = (await rawAdmin<{ id: number }>('POST', '/items/cc_teams', {
      name: `${TAG} 三人团队`,
      members: [{ user: salesMember.id }, { user: serviceMember.id }, { user: seller.id }],
    })).id;
    const teamOfOne = (await rawAdmin<{ id: number }>('POST', '/items/cc_teams', { name: `${TAG} 一人团队`, members: [{ user: reader.id }] })).id;
    const [complaint] = await rawAdmin<Array<{ id: number }>>('GET', '/items/cc_workflows?filter[key][_eq]=complaint&fields=id');
    const seenByState = (await rawAdmin<{ id: number }>('POST', '/items/cc_cases', { title: `${TAG} 状态可见`, workflow: complaint!.id, customer, team: teamOfThree })).id;
    await setState(escalated, seenByState);
    const seenAsMember = (await rawAdmin<{ id: number }>('POST', '/items/cc_cases', { title: `${TAG} 成员可见`, workflow: complaint!.id, customer, team: teamOfOne })).id;
    for (const [caseOf, csat] of [[seenByState, 1], [seenAsMember, 5]] as const) {
      const survey = await rawAdmin<{ id: number }>('POST', '/items/cc_surveys', { kind: 'csat', title: `${TAG} 回访`, case: caseOf, ask_nps: false, sent_at: new Date().toISOString() });
      await rawAdmin('POST', '/items/cc_survey_responses', { survey: survey.id, csat, responded_at: new Date().toISOString() });
    }
    const token = await tokenOf(reader);
    const readable = await get(`/items/cc_survey_responses?fields=csat&filter[survey][case][customer][_eq]=${customer}&sort=csat`, token);
    expect(rows(readable)).toEqual([{ csat: 1 }, { csat: 5 }]);
    const result = await get(`/concord/customers/${customer}/360`, token);
    expect(result.status).toBe(200);
    expect((result.json?.data as Picture).satisfaction).toEqual({ responses: 2, meanCsat: 3, satisfiedShare: 0.5 });
  });

  it('answers bad ids with stable codes, never 500', async () => {
    const token = await tokenOf(salesMember);
    const malformed = await get('/concord/customers/abc/360', token);
    expect([malformed.status, code(malformed)]).toEqual([400, 'INVALID_PAYLOAD']);
    const missing = await get('/concord/customers/99999999/360', token);
    expect([missing.status, code(missing)]).toEqual([404, 'NOT_FOUND']);
  });

  it('refuses unauthenticated callers with a code, never 500', async () => {
    const anonymous = await get(`/concord/customers/${customerId}/360`, null);
    expect([401, 403]).toContain(anonymous.status);
    expect(code(anonymous)).toEqual(expect.any(String));
    expect(anonymous.text).not.toContain(CONTACT.contact_phone);
    const bogus = await get(`/concord/customers/${customerId}/360`, 'not-a-token');
    expect([401, 403]).toContain(bogus.status);
    expect(code(bogus)).toEqual(expect.any(String));
  });
});

describe('bad ids on the items API', () => {
  it('are answered 403 or 404 with a code for staff, never 500', async () => {
    const token = await tokenOf(techOutsider);
    for (const path of ['/items/cc_cases/abc', '/items/cc_cases/99999999', '/items/cc_cases/1.5', '/items/cc_case_events/abc', '/items/cc_customers/abc', '/items/cc_customers/99999999']) {
      const result = await get(path, token);
      expect([403, 404], `${path} → ${result.status} ${result.text}`).toContain(result.status);
      expect(code(result), path).toEqual(expect.any(String));
    }
  });
});
