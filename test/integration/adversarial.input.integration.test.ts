import { beforeAll, describe, expect, it } from 'vitest';
import { concord, http, rawAdmin, testDb, type HttpResult, type Json } from '../harness/concord.ts';

/**
 * Bad input and deletes that would lose history, tried on purpose: wrong types, non-finite and
 * out-of-range numbers, unknown choices, over-long text, dates out of order, on REST (single and
 * batch), GraphQL and import; admin repairs with nonsense values; deletes the database would refuse.
 * Each refusal is a 4xx with a stable code naming the field, and nothing is written.
 */

const TAG = `advi-${Date.now().toString(36)}`;
const code = (result: { json?: Json | undefined }) => result.json?.errors?.[0]?.extensions?.['code'] as string | undefined;
const field = (result: { json?: Json | undefined }) => result.json?.errors?.[0]?.extensions?.['field'] as string | undefined;
const admin = () => concord().adminToken;
const post = (path: string, body: unknown) => http('POST', path, { token: admin(), body });

/** A body JSON.stringify cannot produce (1e400 parses to Infinity on the server). */
async function rawPost(path: string, body: string): Promise<HttpResult> {
  const response = await fetch(concord().url + path, { method: 'POST', headers: { authorization: `Bearer ${admin()}`, 'content-type': 'application/json' }, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Json) : undefined, text };
}

const count = async (table: string, where: Record<string, unknown>) => Number((await testDb()(table).where(where).count({ n: '*' }))[0]!['n']);

let customer: number;
let caseId: number;
let event: number;

beforeAll(async () => {
  customer = (await rawAdmin<{ id: number }>('POST', '/items/cc_customers', { name: `${TAG} 客户`, tier: 'standard' })).id;
  const [complaint] = await rawAdmin<Array<{ id: number }>>('GET', '/items/cc_workflows?filter[key][_eq]=complaint&fields=id');
  caseId = (await rawAdmin<{ id: number }>('POST', '/items/cc_cases', { title: `${TAG} 投诉`, workflow: complaint!.id, customer, priority: 'high' })).id;
  // The opening row is the case's first history; wait for it rather than assume it is written by the time the create answers.
  let row: { id: number } | undefined;
  for (let tries = 0; tries < 50 && !row; tries += 1) {
    [row] = await rawAdmin<Array<{ id: number }>>('GET', `/items/cc_case_events?filter[case][_eq]=${caseId}&fields=id`);
    if (!row) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (!row) throw new Error(`case ${caseId} has no opening row after 10 s`);
  event = row.id;
});

describe('values are checked against the schema and rules.ts on every write path', () => {
  const note = `${TAG}-tx`;
  const base = { kind: 'expense', department: 'finance', occurred_on: '2026-02-01', note };

  it.each([
    ['a number as text', { amount: 'abc' }, 'amount'],
    ['a negative amount', { amount: -5 }, 'amount'],
    ['an unknown kind', { amount: 5, kind: 'gift' }, 'kind'],
    ['a date that is no date', { amount: 5, occurred_on: 'yesterday' }, 'occurred_on'],
    ['an object for text', { amount: 5, category: { a: 1 } }, 'category'],
  ])('%s is refused with INVALID_PAYLOAD naming the field', async (_label, values, named) => {
    const result = await post('/items/cc_transactions', { ...base, ...values });
    expect([result.status, code(result), field(result)]).toEqual([400, 'INVALID_PAYLOAD', named]);
    expect(await count('cc_transactions', { note })).toBe(0);
  });

  it('a number too large for JSON (1e400) is refused, not stored as null', async () => {
    const result = await rawPost('/items/cc_transactions', `{"kind":"expense","department":"finance","occurred_on":"2026-02-01","note":"${note}","amount":1e400}`);
    expect([result.status, code(result), field(result)]).toEqual([400, 'INVALID_PAYLOAD', 'amount']);
    expect(await count('cc_transactions', { note })).toBe(0);
  });

  it('a 300,000-character title in a 255-character field, and an unknown priority, are refused', async () => {
    const long = await post('/items/cc_cases', { title: 'x'.repeat(300_000), customer, priority: 'high' });
    expect([long.status, code(long), field(long)]).toEqual([400, 'INVALID_PAYLOAD', 'title']);
    const priority = await http('PATCH', `/items/cc_cases/${caseId}`, { token: admin(), body: { priority: 'whenever' } });
    expect([priority.status, code(priority), field(priority)]).toEqual([400, 'INVALID_PAYLOAD', 'priority']);
    expect((await rawAdmin<{ priority: string }>('GET', `/items/cc_cases/${caseId}?fields=priority`)).priority).toBe('high');
  });

  it('a notice level and a budget period out of order are refused, also when only one end changes', async () => {
    const level = await post('/items/cc_notices', { title: `${TAG} notice`, level: 'whisper', body: 'x' });
    expect([level.status, code(level), field(level)]).toEqual([400, 'INVALID_PAYLOAD', 'level']);
    expect(await count('cc_notices', { title: `${TAG} notice` })).toBe(0);
    const reversed = await post('/items/cc_budgets', { department: 'finance', amount: 10, period_start: '2026-06-30', period_end: '2026-01-01', note: `${TAG}-b` });
    expect([reversed.status, code(reversed), field(reversed)]).toEqual([400, 'INVALID_PAYLOAD', 'period_end']);
    const budget = await rawAdmin<{ id: number }>('POST', '/items/cc_budgets', { department: 'finance', amount: 10, period_start: '2026-01-01', period_end: '2026-06-30', note: `${TAG}-b` });
    const moved = await http('PATCH', `/items/cc_budgets/${budget.id}`, { token: admin(), body: { period_start: '2026-12-01' } });
    expect([moved.status, code(moved)]).toEqual([400, 'INVALID_PAYLOAD']);
    expect(await rawAdmin('GET', `/items/cc_budgets/${budget.id}?fields=period_start,period_end`)).toEqual({ period_start: '2026-01-01', period_end: '2026-06-30' });
  });

  it('a batch with one bad row writes none of its rows', async () => {
    const result = await post('/items/cc_transactions', [{ ...base, amount: 5 }, { ...base, amount: 'lots' }]);
    expect([result.status, code(result), field(result)]).toEqual([400, 'INVALID_PAYLOAD', 'amount']);
    expect(await count('cc_transactions', { note })).toBe(0);
  });

  it('GraphQL and CSV import are held to the same rules', async () => {
    const valid = await rawAdmin<{ id: number }>('POST', '/items/cc_transactions', { ...base, note: `${note}-ok`, amount: 7 });
    const gql = await post('/graphql', { query: `mutation { update_cc_transactions_item(id: ${valid.id}, data: { amount: -1 }) { id } }` });
    expect(code(gql), gql.text).toBe('INVALID_PAYLOAD');
    // Money is a decimal: Directus answers PostgreSQL's text ("7.00") and SQLite's number.
    expect(Number((await rawAdmin<{ amount: number | string }>('GET', `/items/cc_transactions/${valid.id}?fields=amount`)).amount)).toBe(7);
    const form = new FormData();
    form.append('file', new Blob([`kind,department,occurred_on,note,amount\nexpense,finance,2026-02-01,${note},12\nexpense,finance,2026-02-01,${note},abc\n`], { type: 'text/csv' }), 'tx.csv');
    const imported = await http('POST', '/utils/import/cc_transactions', { token: admin(), form });
    expect(imported.status).toBe(400);
    expect(code(imported)).toBe('INVALID_PAYLOAD');
    expect(await count('cc_transactions', { note })).toBe(0);
  });
});

describe('admin repairs and overrides refuse nonsense with a code, writing nothing', () => {
  it.each([
    ['occurred_at: 12345', { occurred_at: 12345 }, 'occurred_at'],
    ['occurred_at: not a date', { occurred_at: '2026-13-45' }, 'occurred_at'],
    ['is_handoff: "yes"', { is_handoff: 'yes' }, 'is_handoff'],
    ['note: {}', { note: {} }, 'note'],
    ['an unknown actor', { actor: '00000000-0000-4000-8000-000000000000' }, 'actor'],
    ['an unknown department', { actor_department: 'astrology' }, 'actor_department'],
  ])('a history repair with %s', async (_label, changes, named) => {
    const before = await testDb()('cc_case_events').where('id', event).first();
    const result = await post(`/concord/case-events/${event}/repair`, { action: 'update', changes, reason: 'probing bad input' });
    expect([result.status, code(result), field(result)]).toEqual([400, 'INVALID_PAYLOAD', named]);
    expect(await testDb()('cc_case_events').where('id', event).first()).toEqual(before);
    expect(await count('cc_overrides', { reason: 'probing bad input' })).toBe(0);
  });

  it('an override to a state of no workflow is refused', async () => {
    const result = await post(`/concord/cases/${caseId}/override`, { to: 'nowhere', reason: 'probing bad input' });
    expect([result.status, code(result)]).toEqual([400, 'INVALID_PAYLOAD']);
    expect(await count('cc_overrides', { reason: 'probing bad input' })).toBe(0);
  });

  it('a transition on a case that does not exist answers NOT_FOUND, as reading it does', async () => {
    const result = await post('/concord/cases/99999999/transitions', { to: 'closed' });
    expect([result.status, code(result)]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('history survives deletes', () => {
  it('a customer with cases, a case with history, a user who acted and a workflow state in use are not deleted (IN_USE)', async () => {
    const [{ reporter, state, workflow }] = [await rawAdmin<{ reporter: string | null; state: number; workflow: number }>('GET', `/items/cc_cases/${caseId}?fields=reporter,state,workflow`)];
    const probes: Array<[string, string]> = [
      ['cc_customers', `/items/cc_customers/${customer}`],
      ['cc_cases', `/items/cc_cases/${caseId}`],
      ['cc_workflow_states', `/items/cc_workflow_states/${state}`],
      ['cc_workflows', `/items/cc_workflows/${workflow}`],
      ['cc_departments', '/items/cc_departments/finance'],
    ];
    if (reporter) probes.push(['directus_users', `/users/${reporter}`]);
    for (const [collection, path] of probes) {
      const result = await http('DELETE', path, { token: admin() });
      expect([collection, result.status, code(result)]).toEqual([collection, 409, 'IN_USE']);
    }
    expect(await count('cc_customers', { id: customer })).toBe(1);
    expect(await count('cc_cases', { id: caseId })).toBe(1);
    expect(await count('cc_case_events', { case: caseId })).toBeGreaterThan(0);
  });

  it('a workflow state holding cases does not move to another workflow (STATE_IN_USE, or INVALID_WORKFLOW when the move would break a definition first)', async () => {
    const { state, workflow } = await rawAdmin<{ state: number; workflow: number }>('GET', `/items/cc_cases/${caseId}?fields=state,workflow`);
    const [other] = await rawAdmin<Array<{ id: number }>>('GET', `/items/cc_workflows?filter[id][_neq]=${workflow}&fields=id&limit=1`);
    const moved = await http('PATCH', `/items/cc_workflow_states/${state}`, { token: admin(), body: { workflow: other!.id } });
    expect([[409, 'STATE_IN_USE'], [422, 'INVALID_WORKFLOW']]).toContainEqual([moved.status, code(moved)]);
    expect((await rawAdmin<{ workflow: number }>('GET', `/items/cc_workflow_states/${state}?fields=workflow`)).workflow).toBe(workflow);
  });

  it('the schema keeps history rows from cascading: every foreign key of cc_case_events refuses deletes of what it names', async () => {
    const db = testDb();
    const keys: Array<{ from: string; on_delete: string }> =
      db.client.config.client === 'pg'
        ? (
            await db.raw(
              `select kcu.column_name as "from", rc.delete_rule as on_delete
                 from information_schema.table_constraints tc
                 join information_schema.referential_constraints rc on rc.constraint_name = tc.constraint_name and rc.constraint_schema = tc.constraint_schema
                 join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name and kcu.constraint_schema = tc.constraint_schema
                where tc.table_name = 'cc_case_events' and tc.constraint_type = 'FOREIGN KEY'`,
            )
          ).rows
        : await db.raw("select \"from\", on_delete from pragma_foreign_key_list('cc_case_events')");
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect([key.from, key.on_delete]).toEqual([key.from, 'NO ACTION']);
  });
});
