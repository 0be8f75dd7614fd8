import type { Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Random } from '../../src/demo/random.ts';
import { fromDbTime } from '../../src/directus/time.ts';
import { runMigrationsAfterSchema } from '../../src/setup/migrations.ts';
import { addedRowMayClose, refreshClosures, refreshClosuresForStates } from '../../src/workflows/case-closure.ts';
import { refreshHistoryFacts } from '../../src/workflows/history-facts.ts';
import { at, disposeMetricsDatabase, hours, insertWorkflow, metricsDatabase, STATE } from './evaluation-fixture.ts';

/**
 * A case's stored first closure (`cc_cases.first_closed_at`, `closing_departments`) against
 * metrics.md §5 worked out here from the rows: the first non-override row into a terminal state, and
 * the distinct non-null actor departments of the non-override rows up to and including it. On SQLite
 * in memory (PostgreSQL with CONCORD_TEST_PG_URL).
 */

let db: Knex;

beforeEach(async () => {
  db = await metricsDatabase();
  await insertWorkflow(db);
});

afterEach(async () => {
  await disposeMetricsDatabase(db);
});

const T0 = Date.parse('2026-10-01T00:00:00+08:00');
const DEPARTMENTS = ['service', 'tech', 'sales', null];
const STATES = Object.values(STATE);

interface Closure {
  first_closed_at: number | null;
  closing_departments: string[] | null;
}

async function insertEvent(row: { case: number; when: number; department: string | null; toState: number; override?: boolean }): Promise<number> {
  const [id] = await db('cc_case_events')
    .insert({ case: row.case, to_state: row.toState, transition: null, actor_department: row.department, occurred_at: at(new Date(row.when).toISOString()), is_handoff: false, is_override: row.override ?? false })
    .returning('id');
  return Number(typeof id === 'object' && id !== null ? (id as { id: number }).id : id);
}

/** What the database holds, per case. */
async function stored(): Promise<Map<number, Closure>> {
  const found: Array<{ id: number; first_closed_at: unknown; closing_departments: unknown }> = await db('cc_cases').select('id', 'first_closed_at', 'closing_departments').orderBy('id');
  return new Map(
    found.map((row) => {
      const list = typeof row.closing_departments === 'string' ? (JSON.parse(row.closing_departments) as string[]) : (row.closing_departments as string[] | null);
      return [Number(row.id), { first_closed_at: fromDbTime(row.first_closed_at)?.getTime() ?? null, closing_departments: list ?? null }];
    }),
  );
}

/** The definition, from the history rows and the states as they are now. */
async function defined(): Promise<Map<number, Closure>> {
  const terminal = new Set((await db('cc_workflow_states').select('id', 'is_terminal')).filter((s: { is_terminal: unknown }) => s.is_terminal === true || Number(s.is_terminal) === 1).map((s: { id: number }) => Number(s.id)));
  const events: Array<{ case: number; to_state: number; actor_department: string | null; occurred_at: unknown; is_override: unknown }> = await db('cc_case_events').select('case', 'to_state', 'actor_department', 'occurred_at', 'is_override');
  const cases: Array<{ id: number }> = await db('cc_cases').select('id');
  const result = new Map<number, Closure>();
  for (const { id } of cases) {
    const rows = events.filter((e) => Number(e.case) === Number(id) && !(e.is_override === true || Number(e.is_override) === 1)).map((e) => ({ ...e, t: fromDbTime(e.occurred_at)!.getTime() }));
    const closing = rows.filter((e) => terminal.has(Number(e.to_state))).map((e) => e.t);
    if (closing.length === 0) {
      result.set(Number(id), { first_closed_at: null, closing_departments: null });
      continue;
    }
    const first = Math.min(...closing);
    const departments = [...new Set(rows.filter((e) => e.t <= first && e.actor_department !== null).map((e) => e.actor_department as string))].sort();
    result.set(Number(id), { first_closed_at: first, closing_departments: departments });
  }
  return result;
}

async function assertAgrees(): Promise<void> {
  expect(await stored()).toEqual(await defined());
}

describe("a case's stored first closure", () => {
  it('equals the definition on random histories written one row at a time, refreshed per case as writers do (a transition only when its row may close)', async () => {
    const rng = new Random(20261204);
    const next = () => rng.next();
    const cases = 30;
    for (let c = 1; c <= cases; c += 1) await db('cc_cases').insert({ id: c, workflow: 1, team: 1, opened_at: at(new Date(T0).toISOString()) });
    const latest = new Map<number, number>();
    for (let i = 0; i < 300; i += 1) {
      const caseId = 1 + Math.floor(next() * cases);
      const toState = STATES[Math.floor(next() * STATES.length)] as number;
      const department = DEPARTMENTS[Math.floor(next() * DEPARTMENTS.length)] ?? null;
      const override = next() < 0.1;
      if (next() < 0.8) {
        // A transition: written after every row the case has, and refreshed only when addedRowMayClose says so.
        const when = Math.max(latest.get(caseId) ?? T0, T0) + Math.floor(1 + next() * 300) * 60_000;
        latest.set(caseId, when);
        await insertEvent({ case: caseId, when, department, toState, override });
        const row = await db('cc_cases').where('id', caseId).first('first_closed_at');
        await refreshHistoryFacts(db, [caseId], { added: true, closes: addedRowMayClose(toState === STATE.closed, row?.first_closed_at, new Date(when)) });
      } else {
        // A back-dated row (a repair), refreshed in full.
        const when = T0 + Math.floor(next() * 24 * 60) * 60_000;
        await insertEvent({ case: caseId, when, department, toState, override });
        await refreshHistoryFacts(db, [caseId]);
      }
    }
    const closures = [...(await stored()).values()];
    // Both kinds are compared: closed and open cases, single- and cross-department closures.
    expect(closures.filter((c) => c.first_closed_at === null).length).toBeGreaterThan(0);
    expect(closures.filter((c) => (c.closing_departments?.length ?? 0) >= 2).length).toBeGreaterThan(3);
    expect(closures.filter((c) => c.closing_departments?.length === 1).length).toBeGreaterThan(0);
    await assertAgrees();
  }, 60_000);

  it('follows a repaired time or department, a removed row, an override, and a state that becomes or stops being terminal', async () => {
    await db('cc_cases').insert({ id: 1, workflow: 1, team: 1, opened_at: at(new Date(T0).toISOString()) });
    await insertEvent({ case: 1, when: T0, department: 'service', toState: STATE.received });
    const tech = await insertEvent({ case: 1, when: T0 + hours(2), department: 'tech', toState: STATE.escalated });
    await refreshHistoryFacts(db, [1]);
    expect((await stored()).get(1)).toEqual({ first_closed_at: null, closing_departments: null });
    const closing = await insertEvent({ case: 1, when: T0 + hours(5), department: 'service', toState: STATE.closed });
    await refreshHistoryFacts(db, [1]);
    expect((await stored()).get(1)).toEqual({ first_closed_at: T0 + hours(5), closing_departments: ['service', 'tech'] });
    // A later row by sales is after the closure; an override row into the terminal state earlier is no closure.
    await insertEvent({ case: 1, when: T0 + hours(7), department: 'sales', toState: STATE.received });
    await insertEvent({ case: 1, when: T0 + hours(1), department: null, toState: STATE.closed, override: true });
    await refreshHistoryFacts(db, [1]);
    expect((await stored()).get(1)).toEqual({ first_closed_at: T0 + hours(5), closing_departments: ['service', 'tech'] });
    // The tech row repaired to after the closure: one department.
    await db('cc_case_events').where('id', tech).update({ occurred_at: at(new Date(T0 + hours(6)).toISOString()) });
    await refreshHistoryFacts(db, [1]);
    expect((await stored()).get(1)).toEqual({ first_closed_at: T0 + hours(5), closing_departments: ['service'] });
    // The closing row removed: open again.
    await db('cc_case_events').where('id', closing).delete();
    await refreshHistoryFacts(db, [1]);
    expect((await stored()).get(1)).toEqual({ first_closed_at: null, closing_departments: null });
    // "escalated" becomes terminal: the tech row at 6 h closes the case.
    await db('cc_workflow_states').where('id', STATE.escalated).update({ is_terminal: true });
    await refreshClosuresForStates(db, [STATE.escalated]);
    expect((await stored()).get(1)).toEqual({ first_closed_at: T0 + hours(6), closing_departments: ['service', 'tech'] });
    await assertAgrees();
    await db('cc_workflow_states').where('id', STATE.escalated).update({ is_terminal: false });
    await refreshClosuresForStates(db, [STATE.escalated]);
    await assertAgrees();
    // The whole-table pass (the migration's back-fill) agrees with the per-case one.
    await db('cc_cases').update({ first_closed_at: at(new Date(T0).toISOString()), closing_departments: JSON.stringify(['sales']) });
    await refreshClosures(db);
    await assertAgrees();
  });

  it('is left alone by a transition that cannot change it, and refreshed by one that can', () => {
    const closed = new Date(T0 + hours(5));
    expect(addedRowMayClose(true, null, closed)).toBe(true);
    expect(addedRowMayClose(false, null, closed)).toBe(false);
    expect(addedRowMayClose(false, closed.getTime(), new Date(T0 + hours(6)))).toBe(false);
    // A first closure at or after the new row (a repaired, future time) may change.
    expect(addedRowMayClose(false, closed.getTime(), closed)).toBe(true);
    expect(addedRowMayClose(false, closed, new Date(T0 + hours(4)))).toBe(true);
    expect(addedRowMayClose(false, String(closed.getTime()), new Date(T0 + hours(6)))).toBe(false);
  });

  it('is back-filled by the schema 6 migration on a database written by schema 5, once', async () => {
    await db.schema.createTable('cc_installation', (t) => {
      t.integer('id').primary();
      t.integer('schema_version');
    });
    await db('cc_installation').insert({ id: 1, schema_version: 5 });
    await db('cc_cases').insert([
      { id: 1, workflow: 1, team: 1, opened_at: at(new Date(T0).toISOString()) },
      { id: 2, workflow: 1, team: 1, opened_at: at(new Date(T0).toISOString()) },
    ]);
    await insertEvent({ case: 1, when: T0 + hours(1), department: 'service', toState: STATE.received });
    await insertEvent({ case: 1, when: T0 + hours(3), department: 'tech', toState: STATE.closed });
    await insertEvent({ case: 2, when: T0 + hours(3), department: 'tech', toState: STATE.escalated });
    const lines = await runMigrationsAfterSchema(db);
    expect(lines).toEqual([expect.stringMatching(/^schema 6: /), '  cc_cases.first_closed_at: 1 closed cases']);
    expect((await stored()).get(1)).toEqual({ first_closed_at: T0 + hours(3), closing_departments: ['service', 'tech'] });
    await assertAgrees();
    await db('cc_installation').update({ schema_version: 6 });
    expect(await runMigrationsAfterSchema(db)).toEqual([]);
  });
});
