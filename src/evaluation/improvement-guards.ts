import type { Knex } from 'knex';
import { ActionManagedError } from '../errors.ts';

/**
 * An improvement action is what publishing a cycle proposed for one scope × dimension under the
 * threshold (publishCycle writes it, and the next publication its `score_after`, through the
 * server's own path). Which cycle, scope and dimension it answers and the scores before and after
 * are therefore the server's on every write path, admins included, and so is the diagnosis stored
 * with it at publication (frozen with the cycle: never recomputed), like the scores themselves
 * (`refuseScoreWrite`); people work the rest: title, description, owner, due date, status.
 */
export const ACTION_MANAGED_FIELDS = ['cycle', 'scope_kind', 'department', 'team', 'dimension', 'score_before', 'score_after', 'diagnosis_zh', 'diagnosis_en', 'diagnosis_evidence'] as const;

type Payload = Record<string, unknown>;

export function refuseActionCreate(): never {
  throw new ActionManagedError({ fields: [], action: 'created' });
}

/** Refuses an update that would change a managed field of any of `keys`; the same value again passes. */
export async function guardActionUpdate(db: Knex, keys: ReadonlyArray<number | string>, payload: Payload): Promise<Payload> {
  const sent = ACTION_MANAGED_FIELDS.filter((field) => payload[field] !== undefined);
  if (sent.length === 0) return payload;
  const rows: Array<Record<string, unknown>> = keys.length === 0 ? [] : await db('cc_improvement_actions').select(sent).whereIn('id', keys.map(Number));
  const changed = sent.filter((field) => rows.length < keys.length || rows.some((row) => !sameValue(row[field], payload[field])));
  if (changed.length > 0) throw new ActionManagedError({ fields: changed, action: 'changed' });
  return payload;
}

function sameValue(stored: unknown, sent: unknown): boolean {
  if (stored === null || stored === undefined) return sent === null;
  if (sent === null || typeof sent === 'object') return false;
  if (typeof stored === 'number' || typeof sent === 'number') return typeof sent !== 'boolean' && sent !== '' && Number(sent) === Number(stored);
  return String(sent) === String(stored);
}
