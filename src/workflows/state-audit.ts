import type { Knex } from 'knex';
import { toDbTime } from '../directus/time.ts';
import { refreshHistoryFacts } from './history-facts.ts';

/**
 * Directus runs no hooks for writes made with events turned off (a Flow's "Update Data" operation
 * with "Emit Events" unchecked, say), so such a write can change a case's state unseen. This audit
 * finds every case whose state differs from where its history ends and records the jump: a history
 * row marked as an override (so the history chains again) and a cc_overrides row saying it
 * happened outside the workflow. Runs with the SLA schedule; idempotent. Several audits may run at
 * once (every instance runs the schedule, admins run it by hand): each case is claimed before it is
 * re-read and recorded, so each drift and each missing opening is recorded once. The rows it
 * records for drift are overrides, which answer no handoff; an opening it writes may, so that case's
 * answer times are recomputed (src/workflows/answered-at.ts).
 */
export async function recordUnrecordedStateChanges(db: Knex, now: Date = new Date()): Promise<number[]> {
  await recordMissingOpenings(db);
  const lastEvent = db('cc_case_events as e2').max('e2.id').whereRaw('?? = ??', ['e2.case', 'c.id']);
  const drifted: Array<{ id: number; state: number; last_state: number }> = await db('cc_cases as c')
    .join('cc_case_events as e', 'e.case', 'c.id')
    .where('e.id', lastEvent)
    .whereRaw('?? <> ??', ['c.state', 'e.to_state'])
    .select('c.id', 'c.state', 'e.to_state as last_state');
  const recorded: number[] = [];
  for (const row of drifted) {
    await db.transaction(async (trx) => {
      // Re-check after the claim: another audit may have recorded it meanwhile.
      await claimCase(trx, row.id);
      const last = await trx('cc_case_events').where('case', row.id).orderBy('id', 'desc').first('to_state');
      const current = await trx('cc_cases').where('id', row.id).first('state');
      if (!last || !current || last.to_state === current.state) return;
      const [event] = await trx('cc_case_events')
        .insert({
          case: row.id,
          from_state: last.to_state,
          to_state: current.state,
          transition: null,
          actor: null,
          actor_department: null,
          occurred_at: toDbTime(trx, now),
          note: '[unrecorded] state changed outside Concord (a write without events); recorded by the audit',
          is_handoff: false,
          is_override: true,
        })
        .returning('id');
      await trx('cc_overrides').insert({
        kind: 'unrecorded_change',
        case: row.id,
        event_id: String(typeof event === 'object' && event !== null ? (event as { id: number }).id : event),
        admin: null,
        occurred_at: toDbTime(trx, now),
        reason: 'State changed by a write that bypassed Directus hooks; found by the state audit.',
        before: JSON.stringify({ state: last.to_state }),
        after: JSON.stringify({ state: current.state }),
      });
      recorded.push(row.id);
    });
  }
  return recorded;
}

/**
 * A case's opening row is written right after the case is created (the case id is only known
 * then); should that step have failed, write it from the case itself.
 */
async function recordMissingOpenings(db: Knex): Promise<void> {
  const orphans: Array<{ id: number; state: number; reporter: string | null; opened_at: unknown; cc_department: string | null }> = await db('cc_cases as c')
    .leftJoin('directus_users as u', 'u.id', 'c.reporter')
    .whereNotExists(db('cc_case_events as e').select('e.id').whereRaw('?? = ??', ['e.case', 'c.id']))
    .whereNotNull('c.state')
    .select('c.id', 'c.state', 'c.reporter', 'c.opened_at', 'u.cc_department');
  for (const orphan of orphans) {
    await db.transaction(async (trx) => {
      await claimCase(trx, orphan.id);
      if (await trx('cc_case_events').where('case', orphan.id).first('id')) return;
      await trx('cc_case_events').insert({
        case: orphan.id,
        from_state: null,
        to_state: orphan.state,
        transition: null,
        actor: orphan.reporter,
        actor_department: orphan.cc_department,
        occurred_at: orphan.opened_at ?? toDbTime(trx, new Date()),
        note: '[audit] opening recorded afterwards',
        is_handoff: false,
        is_override: false,
      });
      await refreshHistoryFacts(trx, [orphan.id]);
    });
  }
}

/**
 * Takes the case's row lock for the rest of the transaction with a write that changes nothing: on
 * PostgreSQL a second audit (or a transition) waits here and then reads what the first committed;
 * on SQLite the write takes the database's write lock, which serialises the same way.
 */
export async function claimCase(trx: Knex.Transaction, id: number): Promise<void> {
  await trx('cc_cases').where('id', id).update({ state: trx.ref('state') });
}
