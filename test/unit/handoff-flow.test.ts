import type { Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../src/directus/services.ts';
import type { EvaluationSettings } from '../../src/evaluation/settings.ts';
import { handoffFlow } from '../../src/insights/handoff-flow.ts';
import { at, disposeMetricsDatabase, hours, insertWorkflow, metricsDatabase, STATE } from './evaluation-fixture.ts';
import { Random } from '../../src/demo/random.ts';

/**
 * The handoff flow's figures per pair of departments against their definitions computed here in
 * JavaScript from the same rows: handoffs (overrides and other rows aside), those under an SLA, those
 * answered within it, and the median response time — the mean of the two middle values for an even
 * count, the middle one for an odd count — with an unanswered handoff (or one answered after the
 * period) counted up to the period's end. Run as a viewer who reads everything (no accountability),
 * so no Directus is needed. SQLite in memory; PostgreSQL with CONCORD_TEST_PG_URL.
 */

let db: Knex;

beforeEach(async () => {
  db = await metricsDatabase();
  await db.schema.alterTable('cc_case_events', (t) => t.integer('from_state'));
  await insertWorkflow(db);
  await db('cc_departments').insert([
    { code: 'service', name_zh: '客服部', name_en: 'Service', sort: 1 },
    { code: 'tech', name_zh: '技术部', name_en: 'Tech', sort: 2 },
    { code: 'sales', name_zh: '销售部', name_en: 'Sales', sort: 3 },
  ]);
});

afterEach(async () => {
  await disposeMetricsDatabase(db);
});

const START = Date.parse('2026-10-01T00:00:00+08:00');
const END = Date.parse('2026-11-01T00:00:00+08:00');
const PERIOD = { starts_on: '2026-10-01', ends_on: '2026-11-01' };
const SLA: Record<number, number | null> = { [STATE.received]: 4, [STATE.escalated]: 8, [STATE.resolved]: null, [STATE.sales]: 24 };
const OWNER: Record<number, string> = { [STATE.received]: 'service', [STATE.escalated]: 'tech', [STATE.resolved]: 'service', [STATE.sales]: 'sales' };

/** The demo's seeded generator (mulberry32), as a function. */
function random(seed: number): () => number {
  const rng = new Random(seed);
  return () => rng.next();
}

interface Row {
  case: number;
  from: number | null;
  to: number;
  occurred: number;
  answered: number | null;
  handoff: boolean;
  override: boolean;
}

const context = (): ServiceContext & { db: Knex; settings: EvaluationSettings } =>
  ({ db, accountability: null, schema: {} as ServiceContext['schema'], services: {} as ServiceContext['services'], settings: { timeZone: 'Asia/Shanghai' } as EvaluationSettings });

async function insert(rows: Row[]): Promise<void> {
  const cases = [...new Set(rows.map((r) => r.case))];
  await db('cc_cases').insert(cases.map((id) => ({ id, workflow: 1, team: id % 2 === 0 ? 1 : 2, state: STATE.received })));
  for (let i = 0; i < rows.length; i += 200) {
    await db('cc_case_events').insert(
      rows.slice(i, i + 200).map((r) => ({
        case: r.case,
        from_state: r.from,
        to_state: r.to,
        occurred_at: at(new Date(r.occurred).toISOString()),
        answered_at: r.answered === null ? null : at(new Date(r.answered).toISOString()),
        is_handoff: r.handoff,
        is_override: r.override,
      })),
    );
  }
}

/** The pairs as defined, from the rows (`keep` picks the rows of a scope). */
function expected(rows: Row[], keep: (row: Row) => boolean) {
  const pairs = new Map<string, { from: string | null; to: string; hours: number[]; withSla: number; within: number }>();
  for (const r of rows) {
    if (!r.handoff || r.override || r.occurred < START || r.occurred >= END || !keep(r)) continue;
    const from = r.from === null ? null : (OWNER[r.from] as string);
    const to = OWNER[r.to] as string;
    const key = `${from}>${to}`;
    const pair = pairs.get(key) ?? { from, to, hours: [], withSla: 0, within: 0 };
    const answered = r.answered !== null && r.answered < END ? r.answered : END;
    const h = (answered - r.occurred) / 3_600_000;
    pair.hours.push(h);
    const sla = SLA[r.to] ?? null;
    if (sla !== null && sla > 0) {
      pair.withSla += 1;
      if (h <= sla) pair.within += 1;
    }
    pairs.set(key, pair);
  }
  return [...pairs.values()].map((p) => {
    const sorted = [...p.hours].sort((a, b) => a - b);
    const n = sorted.length;
    const median = n % 2 === 1 ? (sorted[(n - 1) / 2] as number) : ((sorted[n / 2 - 1] as number) + (sorted[n / 2] as number)) / 2;
    return { from: p.from, to: p.to, handoffs: n, handoffs_with_sla: p.withSla, within_sla: p.within, median_response_hours: median };
  });
}

/** Handoffs between every pair of states, `count` of them for the pair at index i, with random (and some equal) response times. */
function history(counts: number[], seed: number): Row[] {
  const next = random(seed);
  const pairs: Array<[number | null, number]> = [
    [STATE.received, STATE.escalated],
    [STATE.escalated, STATE.received],
    [null, STATE.received],
    [STATE.escalated, STATE.sales],
    [STATE.sales, STATE.resolved],
  ];
  const rows: Row[] = [];
  let caseId = 1;
  pairs.forEach(([from, to], index) => {
    for (let i = 0; i < (counts[index] ?? 0); i += 1) {
      const occurred = START + Math.floor(next() * (END - START));
      // A few share their response time exactly; some are never answered, some after the period.
      const roll = next();
      const answered = roll < 0.1 ? null : roll < 0.2 ? occurred + hours(3) : occurred + Math.floor(next() * hours(30));
      rows.push({ case: caseId, from, to, occurred, answered, handoff: true, override: false });
      caseId += 1;
    }
  });
  // Rows the flow leaves out: overrides, rows that are not handoffs, handoffs outside the period.
  rows.push({ case: 1, from: STATE.received, to: STATE.escalated, occurred: START + hours(5), answered: START + hours(6), handoff: true, override: true });
  rows.push({ case: 1, from: STATE.received, to: STATE.escalated, occurred: START + hours(7), answered: null, handoff: false, override: false });
  rows.push({ case: 1, from: STATE.received, to: STATE.escalated, occurred: START - hours(1), answered: START + hours(100), handoff: true, override: false });
  rows.push({ case: 1, from: STATE.received, to: STATE.escalated, occurred: END, answered: END + hours(1), handoff: true, override: false });
  return rows;
}

function comparable(pairs: Array<{ from: string | null; to: string; handoffs: number; handoffs_with_sla: number; within_sla: number; median_response_hours: number | null }>) {
  return [...pairs].sort((a, b) => `${a.from}>${a.to}`.localeCompare(`${b.from}>${b.to}`));
}

describe('handoff flow', () => {
  it('counts each pair and takes the median as the mean of the two middle values (even) or the middle one (odd)', async () => {
    // Pairs of 1, 2, 7, 40 and 41 handoffs.
    const rows = history([7, 40, 41, 1, 2], 20);
    await insert(rows);
    const flow = await handoffFlow(context(), { scope: { kind: 'company' }, period: PERIOD });
    const want = expected(rows, () => true);
    expect(want.map((p) => p.handoffs).sort((a, b) => a - b)).toEqual([1, 2, 7, 40, 41]);
    const got = comparable(flow.pairs);
    const defined = comparable(want);
    const counts = (p: { from: string | null; to: string; handoffs: number; handoffs_with_sla: number; within_sla: number }) => [p.from, p.to, p.handoffs, p.handoffs_with_sla, p.within_sla];
    expect(got.map(counts)).toEqual(defined.map(counts));
    got.forEach((pair, i) => expect(pair.median_response_hours).toBeCloseTo(defined[i]!.median_response_hours as number, 9));
    expect(flow.departments.map((d) => d.code)).toEqual(['service', 'tech', 'sales']);
  });

  it('counts only the handoffs of a department or of a team when asked for one', async () => {
    const rows = history([12, 9, 6, 5, 4], 21);
    await insert(rows);
    const department = await handoffFlow(context(), { scope: { kind: 'department', key: 'tech' }, period: PERIOD });
    const byDepartment = expected(rows, (r) => (r.from !== null && OWNER[r.from] === 'tech') || OWNER[r.to] === 'tech');
    expect(comparable(department.pairs).map((p) => [p.from, p.to, p.handoffs])).toEqual(comparable(byDepartment).map((p) => [p.from, p.to, p.handoffs]));
    const team = await handoffFlow(context(), { scope: { kind: 'team', key: 1 }, period: PERIOD });
    const byTeam = expected(rows, (r) => r.case % 2 === 0);
    const got = comparable(team.pairs);
    const defined = comparable(byTeam);
    expect(got.map((p) => [p.from, p.to, p.handoffs, p.within_sla])).toEqual(defined.map((p) => [p.from, p.to, p.handoffs, p.within_sla]));
    got.forEach((pair, i) => expect(pair.median_response_hours).toBeCloseTo(defined[i]!.median_response_hours as number, 9));
  });
});
