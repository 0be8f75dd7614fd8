import type { Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handoffAnsweredAt } from '../../src/evaluation/dimensions/communication.ts';
import { refreshAnsweredAt, refreshAnsweredAtForStates, storedAnsweredAt } from '../../src/workflows/answered-at.ts';
import { rows } from '../../src/evaluation/sql.ts';
import { runMigrationsAfterSchema } from '../../src/setup/migrations.ts';
import { at, disposeMetricsDatabase, hours, insertWorkflow, metricsDatabase, STATE } from './evaluation-fixture.ts';
import { Random } from '../../src/demo/random.ts';

/**
 * The stored answer time (`cc_case_events.answered_at`, bounded by a period's end) against the
 * definition the communication dimension was written with (`handoffAnsweredAt`), for every handoff,
 * at several period ends, on SQLite in memory (PostgreSQL with CONCORD_TEST_PG_URL).
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

async function insertEvent(row: { case: number; when: number; department: string | null; toState: number; handoff: boolean; override: boolean }): Promise<number> {
  const [id] = await db('cc_case_events')
    .insert({ case: row.case, to_state: row.toState, transition: null, actor_department: row.department, occurred_at: at(new Date(row.when).toISOString()), is_handoff: row.handoff, is_override: row.override })
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

async function assertAgrees(): Promise<void> {
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
    await assertAgrees();
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
    await assertAgrees();
    // The row stops being a handoff: its answer time goes.
    await db('cc_case_events').where('id', handoff).update({ is_handoff: false });
    await refreshAnsweredAt(db, [1]);
    expect(await answeredAt()).toBeNull();
    // Whole-table pass (the migration's back-fill) agrees with the per-case one.
    await db('cc_case_events').where('id', handoff).update({ is_handoff: true, answered_at: null });
    await refreshAnsweredAt(db);
    expect(await answeredAt()).toBe(T0 + hours(5));
    await assertAgrees();
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
    await assertAgrees();
    // Schema 6's back-fill (each case's first closure, test/unit/case-closure.test.ts) follows it.
    expect(lines.slice(2)).toEqual([expect.stringMatching(/^schema 6: /), '  cc_cases.first_closed_at: 0 closed cases']);
    await db('cc_installation').update({ schema_version: 6 });
    expect(await runMigrationsAfterSchema(db)).toEqual([]);
  });
});
