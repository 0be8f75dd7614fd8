import { beforeAll, describe, expect, it } from 'vitest';
import { concord, createStaff, http, rawAdmin, signIn, testDb, tokenOf, type Client, type HttpResult, type Json } from '../harness/concord.ts';

/**
 * Fields the server keeps (issue 17, hole 7): creation and update stamps (`meta.special`
 * date-created, date-updated, …) and the manual sort of a collection (`meta.sort_field`). A
 * malformed value is a 400 INVALID_PAYLOAD naming the field, never a 500; a well-formed one from a
 * person is SET_BY_SERVER (stamps from admins too; admins may place an item in the manual order);
 * nothing is stored either way. The stamp fields are read from the live schema.
 */

const TAG = `advsf-${Date.now().toString(36)}`;
const code = (result: { json?: Json | undefined }) => result.json?.errors?.[0]?.extensions?.['code'] as string | undefined;
const field = (result: { json?: Json | undefined }) => result.json?.errors?.[0]?.extensions?.['field'] as string | undefined;
const admin = () => concord().adminToken;

async function tokenOfClient(client: Client): Promise<string> {
  const token = await (client as unknown as { getToken(): Promise<string | null> }).getToken();
  if (!token) throw new Error('No access token');
  return token;
}
const demoToken = async (email: string) => tokenOfClient(await signIn(email, concord().staffPassword));

/** A JSON body as written, for values JSON.stringify cannot produce (1e309 reads as Infinity on the server). */
const rawPatch = (path: string, body: string, token: string): Promise<HttpResult> => http('PATCH', path, { token, json: body });

const primaries = new Map<string, string>();
const row = (collection: string, id: number | string) => testDb()(collection).where(primaries.get(collection) ?? 'id', id).first();

/** Malformed values, as JSON text. */
const MALFORMED: ReadonlyArray<[label: string, json: string]> = [
  ['{}', '{}'],
  ['[]', '[]'],
  ['true', 'true'],
  ['"NaN"', '"NaN"'],
  ['1e309', '1e309'],
  ['"2026-02-30T10:00:00Z"', '"2026-02-30T10:00:00Z"'],
  ['""', '""'],
  ['"+275760-09-13"', '"+275760-09-13"'],
];

let stampFields: Array<{ collection: string; field: string }>;
let budget: number;

beforeAll(async () => {
  const fields = await rawAdmin<Array<{ collection: string; field: string; meta: { special?: string[] | null } | null; schema: { is_primary_key?: boolean } | null }>>('GET', '/fields');
  for (const f of fields) if (f.schema?.is_primary_key) primaries.set(f.collection, f.field);
  stampFields = fields.filter((f) => f.collection.startsWith('cc_') && (f.meta?.special ?? []).includes('date-created')).map((f) => ({ collection: f.collection, field: f.field }));
  budget = (await rawAdmin<{ id: number }>('POST', '/items/cc_budgets', { department: 'finance', amount: 100, period_start: '2026-01-01', period_end: '2026-06-30', note: `${TAG} budget` })).id;
});

describe('every date_created field refuses a malformed value with a 400 naming it', () => {
  it('finds the date_created fields in the live schema', () => {
    expect(stampFields.length).toBeGreaterThan(10);
    expect(stampFields).toContainEqual({ collection: 'cc_budgets', field: 'date_created' });
  });

  it.each(MALFORMED)('%s on cc_budgets.date_created, as admin', async (_label, value) => {
    const before = await row('cc_budgets', budget);
    const result = await rawPatch(`/items/cc_budgets/${budget}`, `{"date_created":${value}}`, admin());
    expect([result.status, code(result), field(result)], result.text).toEqual([400, 'INVALID_PAYLOAD', 'date_created']);
    expect(await row('cc_budgets', budget)).toEqual(before);
  });

  it('every collection with a date_created field answers 400 for each malformed value (PATCH of an existing row, as admin)', async () => {
    const answers: string[] = [];
    for (const { collection } of stampFields) {
      const primary = primaries.get(collection) ?? 'id';
      const [first] = await rawAdmin<Array<Record<string, number | string>>>('GET', `/items/${collection}?fields=${primary}&limit=1&sort=${primary}`);
      if (!first) continue;
      const existing = { id: first[primary] as number | string };
      const before = await row(collection, existing.id);
      for (const [label, value] of MALFORMED) {
        const result = await rawPatch(`/items/${collection}/${encodeURIComponent(String(existing.id))}`, `{"date_created":${value}}`, admin());
        // History and computed scores are refused whole (403) before their values matter; everything else names the field.
        const ok = result.status === 403 || (result.status === 400 && code(result) === 'INVALID_PAYLOAD' && field(result) === 'date_created');
        if (!ok) answers.push(`${collection} ${label}: ${result.status} ${result.text.slice(0, 200)}`);
      }
      expect(await row(collection, existing.id), collection).toEqual(before);
    }
    expect(answers).toEqual([]);
  });
});

describe('stamps are set by the server only', () => {
  it('finance staff cannot back-date a budget (date_created 1999-01-01), nor set its date_updated', async () => {
    const token = await demoToken('zhu.hong@example.com');
    const before = await row('cc_budgets', budget);
    for (const body of [{ date_created: '1999-01-01T00:00:00Z' }, { date_updated: '1999-01-01T00:00:00Z' }, { amount: 150, date_created: '1999-01-01T00:00:00Z' }]) {
      const result = await http('PATCH', `/items/cc_budgets/${budget}`, { token, body });
      expect([result.status, code(result), field(result)], result.text).toEqual([400, 'SET_BY_SERVER', Object.keys(body).find((k) => k.startsWith('date_'))]);
    }
    expect(await row('cc_budgets', budget)).toEqual(before);
    // The honest write goes through and is stamped by the server.
    const honest = await http('PATCH', `/items/cc_budgets/${budget}`, { token, body: { amount: 150 } });
    expect(honest.status, honest.text).toBe(200);
  });

  it('admins cannot back-date either, and a create with a stamp is refused with nothing written', async () => {
    const result = await http('PATCH', `/items/cc_budgets/${budget}`, { token: admin(), body: { date_created: '1999-01-01T00:00:00Z' } });
    expect([result.status, code(result), field(result)]).toEqual([400, 'SET_BY_SERVER', 'date_created']);
    const created = await http('POST', '/items/cc_budgets', { token: admin(), body: { department: 'finance', amount: 1, period_start: '2026-01-01', period_end: '2026-01-31', note: `${TAG} stamped`, date_created: '1999-01-01T00:00:00Z' } });
    expect([created.status, code(created), field(created)]).toEqual([400, 'SET_BY_SERVER', 'date_created']);
    expect(await testDb()('cc_budgets').where('note', `${TAG} stamped`)).toEqual([]);
  });

  it('a batch update and a CSV import are held to the same rule', async () => {
    const token = await demoToken('zhu.hong@example.com');
    const before = await row('cc_budgets', budget);
    const batch = await http('PATCH', '/items/cc_budgets', { token, body: { keys: [budget], data: { date_created: '1999-01-01T00:00:00Z' } } });
    expect([batch.status, code(batch), field(batch)], batch.text).toEqual([400, 'SET_BY_SERVER', 'date_created']);
    const form = new FormData();
    form.append('file', new Blob([`id,note,date_created\n${budget},${TAG} imported,1999-01-01T00:00:00Z\n`], { type: 'text/csv' }), 'budgets.csv');
    const imported = await http('POST', '/utils/import/cc_budgets', { token: admin(), form });
    expect([imported.status, code(imported)], imported.text).toEqual([400, 'SET_BY_SERVER']);
    expect(await row('cc_budgets', budget)).toEqual(before);
  });

  it('GraphQL is held to the same rule', async () => {
    const token = await demoToken('zhu.hong@example.com');
    const result = await http('POST', '/graphql', { token, body: { query: `mutation { update_cc_budgets_item(id: ${budget}, data: { date_created: "1999-01-01T00:00:00Z" }) { id } }` } });
    expect(code(result), result.text).toBe('SET_BY_SERVER');
    expect(String((await row('cc_budgets', budget))?.['date_created'])).not.toContain('1999');
  });
});

describe("a collection's manual sort is the server's", () => {
  it('a department head cannot write the sort of a duty; a new duty goes to the end; an admin may place one', async () => {
    // A head of our own (other files appoint sales heads too), the demo's put back afterwards.
    const { head: original } = await rawAdmin<{ head: string | null }>('GET', '/items/cc_departments/sales?fields=head');
    const head = await createStaff('sales', { head: true, label: `${TAG}.head` });
    try {
      await sortIsTheServers(await tokenOf(head));
    } finally {
      await rawAdmin('PATCH', '/items/cc_departments/sales', { head: original });
    }
  });
});

async function sortIsTheServers(token: string): Promise<void> {
  const [duty] = await rawAdmin<Array<{ id: number; sort: number | null }>>('GET', '/items/cc_duties?filter[department][_eq]=sales&fields=id,sort&limit=1&sort=id');
  const before = await row('cc_duties', duty!.id);
  const moved = await http('PATCH', `/items/cc_duties/${duty!.id}`, { token, body: { sort: 99 } });
  expect([moved.status, code(moved), field(moved)], moved.text).toEqual([400, 'SET_BY_SERVER', 'sort']);
  const malformed = await rawPatch(`/items/cc_duties/${duty!.id}`, '{"sort":1e309}', token);
  expect([malformed.status, code(malformed), field(malformed)], malformed.text).toEqual([400, 'INVALID_PAYLOAD', 'sort']);
  expect(await row('cc_duties', duty!.id)).toEqual(before);

  const max = Number(((await testDb()('cc_duties').max({ max: 'sort' })) as Array<{ max: number | null }>)[0]?.max ?? 0);
  const created = await http('POST', '/items/cc_duties', { token, body: { department: 'sales', title_zh: `${TAG} 职责` } });
  expect(created.status, created.text).toBe(200);
  const id = (created.json?.data as { id: number }).id;
  expect((await row('cc_duties', id))?.['sort']).toBe(max + 1);
  const placed = await http('PATCH', `/items/cc_duties/${id}`, { token: admin(), body: { sort: 1 } });
  expect(placed.status, placed.text).toBe(200);
  await rawAdmin('DELETE', `/items/cc_duties/${id}`);
}
