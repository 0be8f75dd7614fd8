import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concord, http, rawAdmin, testDb } from '../harness/concord.ts';
import { testVendor } from '../harness/global-setup.ts';

/**
 * Money is decimal(14,2) and keeps its fen on either vendor, from the largest amount a company's books
 * hold to the smallest; the sums and ratios built on it are exact. Runs on SQLite and, in
 * `npm run test:pg`, on PostgreSQL, where Directus's `float` used to be a 4-byte `real`.
 */
const PERIOD = { starts_on: '2031-03-01', ends_on: '2031-04-01' };
const created: Array<[string, number]> = [];

async function create(collection: string, body: Record<string, unknown>): Promise<number> {
  const row = await rawAdmin<{ id: number }>('POST', `/items/${collection}`, body);
  created.push([collection, row.id]);
  return row.id;
}

let budget: number;
let large: number;
let small: number;

beforeAll(async () => {
  // A month of its own, far from the demo's history, so no other row takes part in the sums.
  budget = await create('cc_budgets', { department: 'finance', period_start: PERIOD.starts_on, period_end: PERIOD.ends_on, amount: '12345678.91' });
  large = await create('cc_transactions', { kind: 'expense', amount: 12345678.9, category: 'precision', occurred_on: '2031-03-10', department: 'finance' });
  small = await create('cc_transactions', { kind: 'expense', amount: 0.01, category: 'precision', occurred_on: '2031-03-20', department: 'finance' });
});

afterAll(async () => {
  for (const [collection, id] of created.reverse()) await rawAdmin('DELETE', `/items/${collection}/${id}`);
});

/**
 * Directus returns a decimal as PostgreSQL's text ("12345678.90") and as SQLite's number: the same
 * two-place spelling either way, and the very number.
 */
const spelled = (value: unknown) => {
  expect(typeof value === 'string' ? /^\d+\.\d{2}$/.test(value) : typeof value === 'number').toBe(true);
  return Number(value).toFixed(2) + (Number(value) === Number(Number(value).toFixed(2)) ? '' : ' (not exact)');
};

describe('money keeps every fen', () => {
  it('reads ¥12,345,678.91 and ¥0.01 back exactly through REST', async () => {
    expect(spelled((await rawAdmin<{ amount: unknown }>('GET', `/items/cc_budgets/${budget}?fields=amount`)).amount)).toBe('12345678.91');
    expect(spelled((await rawAdmin<{ amount: unknown }>('GET', `/items/cc_transactions/${large}?fields=amount`)).amount)).toBe('12345678.90');
    expect(spelled((await rawAdmin<{ amount: unknown }>('GET', `/items/cc_transactions/${small}?fields=amount`)).amount)).toBe('0.01');
  });

  it('reads them back exactly through GraphQL', async () => {
    const result = await http('POST', '/graphql', {
      token: concord().adminToken,
      body: { query: `{ b: cc_budgets_by_id(id: ${budget}) { amount } t: cc_transactions(filter: { category: { _eq: "precision" } }, sort: ["occurred_on"]) { amount } }` },
    });
    expect(result.status).toBe(200);
    const data = result.json!.data as { b: { amount: unknown }; t: Array<{ amount: unknown }> };
    expect(Number(data.b.amount)).toBe(12345678.91);
    expect(data.t.map((t) => Number(t.amount))).toEqual([12345678.9, 0.01]);
  });

  it('keeps the amount exactly in the database: numeric(14,2) on PostgreSQL, an 8-byte real on SQLite (which has no decimal column)', async () => {
    const db = testDb();
    if (testVendor() === 'pg') {
      const row = (await db.raw(`select amount::text as amount, pg_typeof(amount)::text as type from cc_budgets where id = ?`, [budget])).rows[0];
      expect(row).toEqual({ amount: '12345678.91', type: 'numeric' });
    } else {
      const rows = (await db.raw(`select typeof(amount) as type, amount from cc_budgets where id = ?`, [budget])) as Array<{ type: string; amount: number }>;
      expect(rows[0]).toEqual({ type: 'real', amount: 12345678.91 });
    }
  });

  it('refuses a third decimal place, which one vendor would round and the other keep', async () => {
    const result = await http('PATCH', `/items/cc_transactions/${small}`, { token: concord().adminToken, body: { amount: 0.015 } });
    expect(result.status).toBe(400);
    expect(result.json!.errors![0]!.extensions!['code']).toBe('INVALID_PAYLOAD');
    expect(result.json!.errors![0]!.message).toMatch(/「金额」/);
    expect(spelled((await rawAdmin<{ amount: unknown }>('GET', `/items/cc_transactions/${small}?fields=amount`)).amount)).toBe('0.01');
  });

  it('gives budget against actual and budget execution exactly', async () => {
    const query = `starts_on=${PERIOD.starts_on}&ends_on=${PERIOD.ends_on}&scope_kind=department&scope=finance`;
    const report = await http('GET', `/concord/insights/budget?${query}`, { token: concord().adminToken });
    expect(report.status).toBe(200);
    const totals = (report.json!.data as { totals: { budget: number; expense: number; execution: number } }).totals;
    expect(totals).toEqual({ budget: 12345678.91, expense: 12345678.91, execution: 1 });

    const preview = await http('GET', `/concord/evaluation/preview?${query}`, { token: concord().adminToken });
    expect(preview.status).toBe(200);
    const cards = (preview.json!.data as { scorecards: Array<{ scope: string; dimensions: Record<string, { raw: Record<string, number> }> }> }).scorecards;
    const raw = cards.find((c) => c.scope === 'finance')!.dimensions['utilisation']!.raw;
    expect([raw['expense'], raw['budget'], raw['budget_execution'], raw['budget_score']]).toEqual([12345678.91, 12345678.91, 1, 100]);
  });
});
