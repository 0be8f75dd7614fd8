import type { Knex } from 'knex';
import { StateInUseError } from '../errors.ts';
import type { Key, UpdateJudge, UpdateRequest } from '../integrity/judged-updates.ts';
import { lockRows } from '../directus/row-locks.ts';
import { isSqlite } from '../directus/time.ts';

/**
 * A state moved to another workflow takes its cases with it into a workflow they do not follow.
 * Refused while any case sits in it; transitions into a state hold a share lock on it, so a case
 * cannot enter it while it moves.
 */
export const stateMoveJudge: UpdateJudge<Key[]> = {
  reads: { cc_workflow_states: ['workflow'] },
  async before(trx: Knex, { keys }: UpdateRequest) {
    await lockRows(trx, 'cc_workflow_states', 'id', keys);
    return [...keys];
  },
  async after(trx: Knex, keys: Key[]) {
    const stranded: Array<{ state: Key; n: number | string }> = await trx('cc_cases as c')
      .join('cc_workflow_states as s', 's.id', 'c.state')
      .whereIn('c.state', keys)
      .whereRaw('?? <> ??', ['c.workflow', 's.workflow'])
      .groupBy('c.state')
      .select('c.state as state')
      .count({ n: '*' });
    const [first] = stranded;
    if (first) throw new StateInUseError({ state: String(first.state), cases: Number(first.n) });
  },
};

/**
 * Inside a transition's transaction: the target state is held, and still belongs to the case's
 * workflow. Answers that workflow's resolution SLA (the transition writes the case's due times with
 * its own update, src/workflows/sla-due.ts), or null when the state is not the workflow's.
 */
export async function holdState(trx: Knex, state: Key, workflow: Key): Promise<{ resolutionSlaHours: number | null } | null> {
  // The share lock and the reads in one statement: a transition's statements are most of its cost.
  // SQLite has no row locks (its one writer at a time serialises instead; see lockRows).
  const read = trx('cc_workflow_states as s').join('cc_workflows as w', 'w.id', 's.workflow').first('s.workflow as workflow', 'w.resolution_sla_hours as hours').where('s.id', state);
  const row = await (isSqlite(trx) ? read : read.forShare('s'));
  if (row === undefined || String(row.workflow) !== String(workflow)) return null;
  return { resolutionSlaHours: row.hours === null || row.hours === undefined ? null : Number(row.hours) };
}
