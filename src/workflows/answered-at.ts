import type { Knex } from 'knex';
import { inIdChunks } from '../directus/id-chunks.ts';

/**
 * `cc_case_events.answered_at`: when a handoff was answered, stored with the history so the
 * communication dimension and the handoff flow read one column instead of probing the history per
 * handoff. It is the definition in `handoffAnsweredAt` (src/evaluation/dimensions/communication.ts)
 * without the period's end: the earliest strictly later history row of the same case written by the
 * department that owns the handoff's `to_state`, not an override; null while there is none, and
 * null on every row that is not a handoff or is an override. A reader takes
 * `case when answered_at < end then answered_at else end end`, which equals the definition for any
 * period end.
 *
 * Every path that writes history keeps it right by recomputing the column for the cases it touched
 * (a later row may answer an earlier handoff; a repaired time, department or handoff flag may change
 * who answered when), through `refreshHistoryFacts` (history-facts.ts), and a change of a state's
 * owning department through `refreshAnsweredAtForStates`.
 */

/** The answer time of the handoff row of `cc_case_events` being updated (correlated on the table's own name). */
const ANSWER = `(
  select min(r.occurred_at) from cc_case_events r, cc_workflow_states st
  where st.id = cc_case_events.to_state and r."case" = cc_case_events."case"
    and r.occurred_at > cc_case_events.occurred_at
    and r.actor_department = st.owner_department and r.is_override is not true
)`;

const HANDOFF = 'cc_case_events.is_handoff is true and cc_case_events.is_override is not true';

/**
 * Recomputes `answered_at` on the history of the given cases (every case when `cases` is omitted:
 * one SQL pass over the table, the migration's back-fill and the bulk generators'). Run it in the
 * transaction that wrote the history, after the write. `added: true` says the write only added rows
 * (a transition): no row stopped being a handoff, and a new row has no answer yet, so no row needs
 * its answer cleared.
 */
export async function refreshAnsweredAt(db: Knex, cases?: ReadonlyArray<number | string>, options: { added?: boolean } = {}): Promise<void> {
  if (cases === undefined) {
    await db.raw(`update cc_case_events set answered_at = ${ANSWER} where ${HANDOFF}`);
    await db.raw(`update cc_case_events set answered_at = null where answered_at is not null and not (${HANDOFF})`);
    return;
  }
  await inIdChunks(cases, async (chunk, list) => {
    await db.raw(`update cc_case_events set answered_at = ${ANSWER} where "case" in (${list}) and ${HANDOFF}`, chunk);
    if (options.added) return;
    await db.raw(`update cc_case_events set answered_at = null where "case" in (${list}) and answered_at is not null and not (${HANDOFF})`, chunk);
  });
}

/**
 * Recomputes `answered_at` on the history that entered the given states (their owning department
 * decides who answers).
 */
export async function refreshAnsweredAtForStates(db: Knex, states: ReadonlyArray<number | string>): Promise<void> {
  await inIdChunks(states, async (chunk, list) => {
    await db.raw(`update cc_case_events set answered_at = ${ANSWER} where to_state in (${list}) and ${HANDOFF}`, chunk);
  });
}

/**
 * The stored answer time bounded by the period's end, as the definition gives it: binds the end
 * twice. `event` is the alias of the handoff row.
 */
export function storedAnsweredAt(event: string): string {
  return `(case when ${event}.answered_at < ? then ${event}.answered_at else ? end)`;
}
