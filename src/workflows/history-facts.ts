import type { Knex } from 'knex';
import { refreshAnsweredAt } from './answered-at.ts';
import { refreshClosures } from './case-closure.ts';

/**
 * What Concord stores beside the history because the metrics would otherwise derive it from the whole
 * history on every read: each handoff's answer time (`cc_case_events.answered_at`, answered-at.ts) and
 * each case's first closure (`cc_cases.first_closed_at`, `closing_departments`, case-closure.ts).
 * Every path that writes history calls this for the cases it touched, in the transaction that wrote
 * the history and after the write: `transitionCase`, the opening row, the state audit, admin repairs,
 * the demo and bench generator and the migrations that add them. With no cases, every case (one SQL
 * pass each).
 *
 * `added: true` says the write only added rows (a transition): no row stopped being a handoff, and a
 * new row has no answer yet. `closes: false` says the added row cannot change the closure (see
 * `addedRowMayClose`), which saves a transition that closes nothing two statements.
 */
export async function refreshHistoryFacts(db: Knex, cases?: ReadonlyArray<number | string>, options: { added?: boolean; closes?: boolean } = {}): Promise<void> {
  await refreshAnsweredAt(db, cases, { added: options.added === true });
  if (options.closes !== false) await refreshClosures(db, cases);
}
