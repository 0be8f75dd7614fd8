import type { Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handoffAnsweredAt } from '../../src/evaluation/dimensions/communication.ts';
import { refreshAnsweredAt, refreshAnsweredAtForStates, storedAnsweredAt } from '../../src/workflows/answered-at.ts';
import { rows } from '../../src/evaluation/sql.ts';
import { runMigrationsAfterSchema } from '../../src/setup/migrations.ts';
import { at, disposeMetricsDatabase, hours, insertWorkflow, metricsDatabase, STATE } from './evaluation-fixture.ts';
import { Random } from '../../src/demo/random.ts';
import { fromDbTime } from '../../src/directus/time.ts';
import { addedRowMayClose, refreshClosures, refreshClosuresForStates } from '../../src/workflows/case-closure.ts';
import { refreshHistoryFacts } from '../../src/workflows/history-facts.ts';

/**
 * What Concord stores beside the history (src/workflows/history-facts.ts) against the definitions it
 * stands for, on SQLite in memory (PostgreSQL with CONCORD_TEST_PG_URL): each handoff's answer time
 * (`cc_case_events.answered_at`, bounded by a period's end) against the definition the communication
 * dimension was written with (`handoffAnsweredAt`), for every handoff at several period ends; each
 * case's first closure (`cc_cases.first_closed_at`, `closing_departments`) against metrics.md §5
 * worked out here from the rows: the first non-override row into a terminal state, and the distinct
 * non-null actor departments of the non-override rows up to and including it.
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

/** The demo's seeded generator (mulberry32), as a function. */
function random(seed: number): () => number {
  const rng = new Random(seed);
  return () => rng.next();
}

async function insertEvent(row: { case: number; when: number; department: string | null; toState: number; handoff?: boolean; override?: boolean }): Promise<number> {
  const [id] = await db('cc_case_events')
    .insert({ case: row.case, to_state: row.toState, transition: null, actor_department: row.department, occurred_at: at(new Date(row.when).toISOString()), is_handoff: row.handoff ?? false, is_override: row.override ?? false })
    .returning('id');
  return Number(typeof id === 'object' && id !== null ? (id as { id: number }).id : id);
}

/** Handoffs whose stored answer time, bounded by `end`, differs from the definition's. */
async function disagreements(end: number): Promise<unknown[]> {
  const bound = at(new Date(end).toISOString());
  return rows(
    db,
    `select e.id, e.answered_at, ${storedAnsweredAt('e')} as stored, ${handoffAnsweredAt('e', 'st')} as defined
      from cc_case_events e join cc_workflow_states st on st.id = e.to_state
      where e.is_handoff is true and e.is_override is not true`,
    [bound, bound, bound, bound],
  ).then((found) => found.filter((row) => String(new Date(row['stored'] as string)) !== String(new Date(row['defined'] as string))));
}

async function assertAnswersAgree(): Promise<void> {
  for (const end of [T0 + hours(6), T0 + hours(30), T0 + hours(24 * 40), T0 + hours(24 * 400)]) expect(await disagreements(end)).toEqual([]);
}

describe('the stored answer time of a handoff', () => {
  it('equals the definition on random histories written one row at a time, in any order of time, refreshed per case as writers do', async () => {
    const next = random(20261203);
    const cases = 40;
    for (let c = 1; c <= cases; c += 1) await db('cc_cases').insert({ id: c, workflow: 1, team: 1, opened_at: at(new Date(T0).toISOString()) });
    let handoffs = 0;
    for (let i = 0; i < 400; i += 1) {
      const caseId = 1 + Math.floor(next() * cases);
      // Mostly forward in time, some rows written with an earlier time (a back-dated repair), some on the same minute.
      const when = T0 + Math.floor(next() * 24 * 60) * 60_000 * (next() < 0.1 ? 0.5 : 1);
      const handoff = next() < 0.4;
      if (handoff) handoffs += 1;
      await insertEvent({ case: caseId, when, department: DEPARTMENTS[Math.floor(next() * DEPARTMENTS.length)] ?? null, toState: STATES[Math.floor(next() * STATES.length)] as number, handoff, override: next() < 0.1 });
      await refreshAnsweredAt(db, [caseId]);
    }
    expect(handoffs).toBeGreaterThan(100);
    const answered = await db('cc_case_events').whereNotNull('answered_at').count({ n: '*' }).first();
    // Most handoffs are answered, some are not: both kinds are compared.
    expect(Number(answered?.['n'])).toBeGreaterThan(30);
    expect(Number(answered?.['n'])).toBeLessThan(handoffs);
    await assertAnswersAgree();
    // 800 statements one after another: PostgreSQL on a busy machine takes its time.
  }, 60_000);

  it('follows a later row answering an earlier handoff, a repaired time or department, a removed row, and a change of the state owner', async () => {
    await db('cc_cases').insert({ id: 1, workflow: 1, team: 1, opened_at: at(new Date(T0).toISOString()) });
    const handoff = await insertEvent({ case: 1, when: T0 + hours(1), department: 'service', toState: STATE.escalated, handoff: true, override: false });
    await refreshAnsweredAt(db, [1]);
    const answeredAt = async () => {
      const row = await db('cc_case_events').where('id', handoff).first('answered_at');
      return row?.answered_at === null || row?.answered_at === undefined ? null : new Date(row.answered_at as string).getTime();
    };
    expect(await answeredAt()).toBeNull();
    // An override by tech is no answer; a row by tech three hours later is.
    await insertEvent({ case: 1, when: T0 + hours(2), department: 'tech', toState: STATE.escalated, handoff: false, override: true });
    const answer = await insertEvent({ case: 1, when: T0 + hours(4), department: 'tech', toState: STATE.escalated, handoff: false, override: false });
    await refreshAnsweredAt(db, [1]);
    expect(await answeredAt()).toBe(T0 + hours(4));
    // Repaired to another department: no answer any more.
    await db('cc_case_events').where('id', answer).update({ actor_department: 'sales' });
    await refreshAnsweredAt(db, [1]);
    expect(await answeredAt()).toBeNull();
    await db('cc_case_events').where('id', answer).update({ actor_department: 'tech', occurred_at: at(new Date(T0 + hours(3)).toISOString()) });
    await refreshAnsweredAt(db, [1]);
    expect(await answeredAt()).toBe(T0 + hours(3));
    // The escalated state now belongs to sales: the sales row at 5 h answers.
    await insertEvent({ case: 1, when: T0 + hours(5), department: 'sales', toState: STATE.escalated, handoff: false, override: false });
    await refreshAnsweredAt(db, [1]);
    await db('cc_workflow_states').where('id', STATE.escalated).update({ owner_department: 'sales' });
    await refreshAnsweredAtForStates(db, [STATE.escalated]);
    expect(await answeredAt()).toBe(T0 + hours(5));
    await assertAnswersAgree();
    // The row stops being a handoff: its answer time goes.
    await db('cc_case_events').where('id', handoff).update({ is_handoff: false });
    await refreshAnsweredAt(db, [1]);
    expect(await answeredAt()).toBeNull();
    // Whole-table pass (the migration's back-fill) agrees with the per-case one.
    await db('cc_case_events').where('id', handoff).update({ is_handoff: true, answered_at: null });
    await refreshAnsweredAt(db);
    expect(await answeredAt()).toBe(T0 + hours(5));
    await assertAnswersAgree();
  });

  it('is back-filled by the schema 4 migration on a database written by schema 3, once', async () => {
    await db.schema.createTable('cc_installation', (t) => {
      t.integer('id').primary();
      t.integer('schema_version');
    });
    await db('cc_installation').insert({ id: 1, schema_version: 3 });
    await db('cc_cases').insert({ id: 1, workflow: 1, team: 1, opened_at: at(new Date(T0).toISOString()) });
    const handoff = await insertEvent({ case: 1, when: T0 + hours(1), department: 'service', toState: STATE.escalated, handoff: true, override: false });
    await insertEvent({ case: 1, when: T0 + hours(3), department: 'tech', toState: STATE.escalated, handoff: false, override: false });
    const lines = await runMigrationsAfterSchema(db);
    expect(lines[0]).toMatch(/^schema 4: /);
    expect(lines[1]).toBe('  cc_case_events.answered_at: 1 answered handoffs');
    const row = await db('cc_case_events').where('id', handoff).first('answered_at');
    expect(new Date(row.answered_at as string).getTime()).toBe(T0 + hours(3));
    await assertAnswersAgree();
    // Schema 6's back-fill (each case's first closure, tested below) follows it.
    expect(lines.slice(2)).toEqual([expect.stringMatching(/^schema 6: /), '  cc_cases.first_closed_at: 0 closed cases']);
    await db('cc_installation').update({ schema_version: 6 });
    expect(await runMigrationsAfterSchema(db)).toEqual([]);
  });
});

interface Closure {
  first_closed_at: number | null;
  closing_departments: string[] | null;
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

async function assertClosuresAgree(): Promise<void> {
  expect(await stored()).toEqual(await defined());
}

describe("a case's stored first closure", () => {
  it('equals the definition on random histories written one row at a time, refreshed per case as writers do (a transition only when its row may close)', async () => {
    const next = random(20261204);
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
    await assertClosuresAgree();
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
    await assertClosuresAgree();
    await db('cc_workflow_states').where('id', STATE.escalated).update({ is_terminal: false });
    await refreshClosuresForStates(db, [STATE.escalated]);
    await assertClosuresAgree();
    // The whole-table pass (the migration's back-fill) agrees with the per-case one.
    await db('cc_cases').update({ first_closed_at: at(new Date(T0).toISOString()), closing_departments: JSON.stringify(['sales']) });
    await refreshClosures(db);
    await assertClosuresAgree();
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
    await assertClosuresAgree();
    await db('cc_installation').update({ schema_version: 6 });
    expect(await runMigrationsAfterSchema(db)).toEqual([]);
  });
});
