import type { Knex } from 'knex';
import { inIdChunks } from '../directus/id-chunks.ts';
import { fromDbTime, isSqlite } from '../directus/time.ts';

/**
 * `cc_cases.first_closed_at` and `cc_cases.closing_departments`: the cohesion dimension's closure of a
 * case (metrics.md §5), stored with the case so a period's closed cases are read from the cases by
 * date instead of grouping the whole history before the period's end and probing each closed case's
 * rows (the largest statement of an evaluation: 57 ms of 166 at scale 100, 665 ms at scale 1000 on
 * SQLite).
 *
 * - `first_closed_at`: the `occurred_at` of the case's first history row into a terminal state
 *   (`to_state.is_terminal`), override rows ignored; null while there is none. It differs from
 *   `closed_at`, the latest closure, which a reopen clears.
 * - `closing_departments`: the distinct `actor_department`s (non-null) of the case's non-override rows
 *   up to and including that row, as a JSON array of department codes in code order; null while the
 *   case is not closed. Two or more make the case cross-department.
 *
 * Every path that writes history keeps them right, as for `answered_at` (src/workflows/history-facts.ts),
 * and a change of a state's `is_terminal` recomputes the cases that entered it.
 */

const FIRST_CLOSED = `(
  select min(e.occurred_at) from cc_case_events e, cc_workflow_states st
  where e."case" = cc_cases.id and st.id = e.to_state and st.is_terminal is true and e.is_override is not true
)`;

const ACTORS = `select distinct e.actor_department as department from cc_case_events e
  where e."case" = cc_cases.id and e.occurred_at <= cc_cases.first_closed_at and e.is_override is not true and e.actor_department is not null`;

/** The departments as a JSON array, read against the row's stored `first_closed_at` (a second statement: SET sees the old row). */
function departmentsOf(db: Knex): string {
  return isSqlite(db)
    ? `(select json_group_array(a.department) from (${ACTORS} order by 1) a)`
    : `(select coalesce(json_agg(a.department order by a.department), '[]'::json) from (${ACTORS}) a)`;
}

/**
 * Both columns of the cases `where` picks (every case without it): the first closure, then the
 * departments against it. A case that is not closed and holds no departments is not written again.
 */
async function refreshWhere(db: Knex, where: string | null, bindings: unknown[] = []): Promise<void> {
  await db.raw(`update cc_cases set first_closed_at = ${FIRST_CLOSED}${where === null ? '' : ` where ${where}`}`, bindings);
  await db.raw(
    `update cc_cases set closing_departments = case when first_closed_at is null then null else ${departmentsOf(db)} end
      where ${where === null ? '' : `(${where}) and `}(first_closed_at is not null or closing_departments is not null)`,
    bindings,
  );
}

/**
 * Recomputes the closure of the given cases (every case when `cases` is omitted: the migration's
 * back-fill and the bulk generators'). Run it in the transaction that wrote the history, after the write.
 */
export async function refreshClosures(db: Knex, cases?: ReadonlyArray<number | string>): Promise<void> {
  if (cases === undefined) return refreshWhere(db, null);
  await inIdChunks(cases, (chunk, list) => refreshWhere(db, `id in (${list})`, chunk));
}

/** Recomputes the closure of the cases with history into the given states (a state that became, or stopped being, terminal). */
export async function refreshClosuresForStates(db: Knex, states: ReadonlyArray<number | string>): Promise<void> {
  await inIdChunks(states, (chunk, list) => refreshWhere(db, `id in (select e."case" from cc_case_events e where e.to_state in (${list}))`, chunk));
}

/**
 * Whether a history row just added at `at` to a case may change its closure: a row into a terminal
 * state, or any row at or before a first closure already stored (history is written at the time it
 * happens, so that is a first closure in the future, which only a repaired time makes).
 */
export function addedRowMayClose(toTerminal: boolean, firstClosedAt: unknown, at: Date): boolean {
  if (toTerminal) return true;
  const stored = fromDbTime(firstClosedAt);
  return stored !== null && !(stored.getTime() < at.getTime());
}
