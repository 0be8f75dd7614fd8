import type { Knex } from 'knex';
import { installFreezeTriggers } from '../evaluation/freeze-triggers.ts';
import { isSqlite } from './time.ts';

/**
 * What a schema snapshot cannot carry, installed on every start right after the snapshot is applied
 * (a SQLite table rebuild drops both): the triggers that freeze published evaluations, and the
 * composite indexes the metric queries look history up by. Installing twice changes nothing.
 * `include`: columns an index carries for reading only, so a query reads them from the index: a
 * PostgreSQL INCLUDE (any type, json too, which has no btree order), trailing key columns on SQLite.
 */
const COMPOSITE_INDEXES: ReadonlyArray<{ name: string; table: string; columns: readonly string[]; include?: readonly string[]; where?: string; only?: 'pg' }> = [
  // "The rows of this case before or after t" (handoff answers, latest resolution, closures, a case's
  // handoffs). The columns after occurred_at let cohesion's closure probes and the CSAT diagnosis's
  // handoff counts and paths answer from the index alone, without a table read per row (cohesion at
  // scale 1000 on SQLite: 2.5 s → 2.3 s; CSAT groups of this month's first days 56 → 48 ms). It
  // replaced cc_case_events_case_history, which lacked is_handoff: one index either way, so a
  // history insert updates one index as before.
  { name: 'cc_case_events_case_rows', table: 'cc_case_events', columns: ['case', 'occurred_at', 'to_state', 'is_override', 'actor_department', 'is_handoff'] },
  // "The handoffs of a period" (the communication score, the handoff flow, the diagnostics): only
  // handoff rows, with every column those read, so a period's handoffs come from the index alone
  // instead of a scan of the whole history (the flow's scan at scale 1000 on SQLite: 333 → 141 ms;
  // a department's diagnosis at scale 100: 191 → 177 ms). A query uses it when its where clause says
  // `is_handoff is true` as written here.
  {
    name: 'cc_case_events_handoffs',
    table: 'cc_case_events',
    columns: ['occurred_at', 'to_state', 'from_state', 'case', 'answered_at', 'is_override', 'is_handoff', 'actor_department', 'id'],
    where: 'is_handoff is true',
  },
  // "The resolutions and reopens of a period" (execution, the reopen diagnosis): a query names the
  // few resolving or reopening transitions as `e.transition in (select id …)` and reads each one's
  // rows of the period from the index alone, not from a scan of the whole history (the reopen
  // diagnosis of this month's first days at scale 1000 on SQLite: 70 → 6 ms).
  { name: 'cc_case_events_transitions', table: 'cc_case_events', columns: ['transition', 'occurred_at', 'is_override', 'case', 'actor_department'] },
  // "The cases of a team" (every team scope), narrow enough to read where a case row is wide: a team
  // lead's handoff flow at scale 1000 on SQLite reads its cases here, then their history by case
  // (0.52–0.67 → 0.30–0.36 s for the query).
  { name: 'cc_cases_team', table: 'cc_cases', columns: ['team', 'id'] },
  // "The cases first closed in a period" (cohesion's cross-department participation): read by date
  // from the index alone, not found by grouping the whole history (src/workflows/case-closure.ts).
  // Without the departments in it, each of a quarter's 15,000 closed cases at scale 100 was a read
  // of a wide case row (SQLite: 38 → 16 ms for the query).
  { name: 'cc_cases_closures', table: 'cc_cases', columns: ['first_closed_at', 'team'], include: ['closing_departments'] },
  // "A case's team, opening and workflow by its id" (execution's resolutions within SLA): PostgreSQL
  // joins a period's resolutions to the cases by hashing them, and reads them for it from this
  // narrow index instead of the wide table (scale 100: the query 20 → 17 ms). SQLite looks each case
  // up by its rowid and would never read it, so it is not built there (`only`).
  { name: 'cc_cases_outcomes', table: 'cc_cases', columns: ['id'], include: ['team', 'opened_at', 'workflow'], only: 'pg' },
  // "The open cases" (at risk, the SLA board, the SLA escalation): the cases of the few states that
  // are not terminal, found by state instead of a scan of every case ever opened (at risk's open
  // cases at scale 1000 on SQLite: 36 → 0.2 ms).
  { name: 'cc_cases_state', table: 'cc_cases', columns: ['state', 'state_entered_at'] },
  // "The products a customer bought" (the CSAT-by-product diagnosis, a customer's page): the
  // diagnosis of this month's first days at scale 1000 on SQLite, CSAT groups 108 → 56 ms.
  { name: 'cc_purchases_customer', table: 'cc_purchases', columns: ['customer', 'product'] },
  // "The tasks due in a period" (execution and utilisation, the late-task and load diagnoses), with
  // every column those read, so a period's tasks come from the index alone instead of a scan of every
  // task (scale 1000 on SQLite: a diagnosis of this month's first days 48 → 3 ms for late tasks;
  // the evaluation's tasks of a quarter 325 → 285 ms).
  { name: 'cc_tasks_due', table: 'cc_tasks', columns: ['due_at', 'department', 'project', 'meeting', 'assignee', 'done_at', 'logged_hours', 'id'] },
];

/**
 * Indexes an earlier Concord installed, replaced by one above or found to cost more than they save:
 * dropped, so writes do not keep them and no query is planned through them.
 */
// cc_survey_responses_answered (responded_at, survey, csat, nps, pulse, department) was tried on
// 2026-12-04: a few days' responses came faster (the diagnosis's CSAT 11 → 4 ms at scale 1000), but
// SQLite then read half a year of them through it too, and the CSAT trend went 99 → 164 ms for an
// executive and 145 → 418 ms for a team lead (Directus's own count among them).
const REPLACED_INDEXES: readonly string[] = ['cc_case_events_case_time', 'cc_case_events_case_history', 'cc_survey_responses_answered'];

export async function installDatabaseExtras(db: Knex): Promise<void> {
  await installFreezeTriggers(db);
  for (const name of REPLACED_INDEXES) await db.raw('drop index if exists ??', [name]);
  for (const index of COMPOSITE_INDEXES) {
    if (index.only === 'pg' && isSqlite(db)) continue;
    const where = index.where ? ` where ${index.where}` : '';
    const included = index.include ?? [];
    const keys = isSqlite(db) ? [...index.columns, ...included] : index.columns;
    const include = !isSqlite(db) && included.length > 0 ? ` include (${included.map(() => '??').join(', ')})` : '';
    await db.raw(`create index if not exists ?? on ?? (${keys.map(() => '??').join(', ')})${include}${where}`, [index.name, index.table, ...keys, ...(include ? included : [])]);
  }
  await preferNoJit(db);
}

/**
 * PostgreSQL compiles a query to machine code (JIT) once its estimated cost passes jit_above_cost.
 * The metric and Insights queries pass it yet finish in tens of milliseconds, so compiling costs
 * more than it saves (the handoff flow at scale 100: 130 ms with JIT, 73 ms without). Turned off for
 * this database's sessions unless someone already chose a value for it; a role that may not alter
 * the database keeps the server's setting.
 */
async function preferNoJit(db: Knex): Promise<void> {
  if (db.client.config.client !== 'pg') return;
  const chosen = await db.raw(
    `select 1 from pg_db_role_setting s join pg_database d on d.oid = s.setdatabase
      where d.datname = current_database() and s.setrole = 0 and exists (select 1 from unnest(s.setconfig) c where c like 'jit=%')`,
  );
  if (chosen.rows.length > 0) return;
  try {
    await db.raw(`do $$ begin execute format('alter database %I set jit = off', current_database()); end $$`);
  } catch (error) {
    // 42501: not the database's owner. The queries still answer, only slower.
    if ((error as { code?: string }).code !== '42501') throw error;
  }
}
