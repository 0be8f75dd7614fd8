import type { Knex } from 'knex';
import { toDbTime } from '../directus/time.ts';
import { refreshHistoryFacts } from './history-facts.ts';
import { HistoryAppendOnlyError, IllegalTransitionError, InvalidPayloadError, ManagedFieldError, MixedTransitionPayloadError } from '../errors.ts';
import { userDepartment } from '../organisation/authority-store.ts';
import { relationKey } from '../directus/relation-key.ts';
import { stateRef, transitionCase, type CaseRow, type TransitionFields, type WorkflowContext } from './case-workflow.ts';
import { claimCase } from './state-audit.ts';
import { MANAGED_CASE_FIELDS, TRANSITION_FIELDS } from './transition-rules.ts';
import { holdState } from './state-moves.ts';
import { usableInitialState } from './workflow-guards.ts';
import { refreshDueTimes } from './sla-due.ts';

/**
 * What Directus's generic item writes may do to cases and their history. The hooks call these
 * for every path (REST, batch, query, GraphQL, import, other extensions' services).
 */

type Payload = Record<string, unknown>;

/** A new case starts in its workflow's initial state; the workflow sets the bookkeeping fields. */
export async function guardCaseCreate(db: Knex, payload: Payload, now: Date = new Date()): Promise<Payload> {
  const managed = MANAGED_CASE_FIELDS.filter((field) => payload[field] !== undefined);
  if (managed.length > 0) throw new ManagedFieldError({ fields: managed });
  const workflow = relationKey(payload['workflow']);
  if (workflow === null) return payload; // Directus refuses the missing required field itself.
  if (!/^\d+$/.test(String(workflow))) throw new InvalidPayloadError({ field: 'workflow', reason: { 'zh-CN': '流程编号须为正整数', 'en-US': 'a workflow id is a positive whole number' } });
  const initial = await usableInitialState(db, Number(workflow));
  // Holding the initial state keeps it in this workflow until the case is written (state-moves.ts).
  if (!initial || !(await holdState(db, initial.id, Number(workflow)))) {
    throw new InvalidPayloadError({ field: 'workflow', reason: { 'zh-CN': `流程 #${workflow} 不存在`, 'en-US': `workflow ${workflow} does not exist` } });
  }
  const requested = payload['state'] === undefined || payload['state'] === null ? null : relationKey(payload['state']);
  if (requested !== null && String(requested) !== String(initial.id) && requested !== initial.key) {
    throw new IllegalTransitionError({ case: 0, from: null, to: requested, allowed: [stateRef(initial)] });
  }
  return { ...payload, state: initial.id, opened_at: now.toISOString(), state_entered_at: now.toISOString() };
}

/** The history row for a case just opened: entering its initial state, by whoever recorded it. */
export async function recordCaseOpened(db: Knex, caseId: number, actor: string | null): Promise<void> {
  await db.transaction(async (trx) => {
    // The state audit may be writing it at this moment, or have written it already (it repairs
    // openings that were never written): claim the case first, as the audit does.
    await claimCase(trx, caseId);
    const row = await trx('cc_cases').select('state', 'opened_at').where('id', caseId).first();
    if (!row?.state) return;
    await refreshDueTimes(trx, [caseId]);
    if (await trx('cc_case_events').first('id').where('case', caseId)) return;
    await trx('cc_case_events').insert({
      case: caseId,
      from_state: null,
      to_state: row.state,
      transition: null,
      actor,
      actor_department: actor ? await userDepartment(trx, actor) : null,
      occurred_at: row.opened_at ?? toDbTime(trx, new Date()),
      note: null,
      is_handoff: false,
      is_override: false,
    });
    await refreshHistoryFacts(trx, [caseId]);
  });
}

/**
 * A generic update that changes `state` becomes a transition (with the same checks as the
 * endpoint), all keys in one transaction; the returned payload is what Directus still applies.
 */
export async function guardCaseUpdate(ctx: WorkflowContext, keys: ReadonlyArray<number | string>, payload: Payload): Promise<Payload> {
  const managed = [...MANAGED_CASE_FIELDS, 'workflow'].filter((field) => payload[field] !== undefined);
  if (managed.length > 0) throw new ManagedFieldError({ fields: managed });
  if (payload['state'] === undefined) return payload;
  const target = relationKey(payload['state']);
  if (target === null) throw new InvalidPayloadError({ field: 'state', reason: { 'zh-CN': '请给出目标状态的编号;事项总有一个状态', 'en-US': 'give the target state id; a case always has a state' } });
  for (const key of keys) {
    if (!/^\d+$/.test(String(key))) throw new InvalidPayloadError({ field: 'id', reason: { 'zh-CN': '事项编号须为正整数', 'en-US': 'a case id is a positive whole number' } });
  }
  const { state: _state, ...rest } = payload;
  const fields: TransitionFields = {};
  for (const field of TRANSITION_FIELDS) if (payload[field] !== undefined) fields[field] = payload[field] as string | null;
  // The guard reads the states it judges in the transaction that writes the transitions.
  const moved = await ctx.db.transaction(async (trx) => {
    // Every column: a transition may require any case field, and reads the row from here.
    const current: CaseRow[] = await trx('cc_cases').select('*').whereIn('id', keys.map(Number));
    const moving = current.filter((row) => String(row.state) !== String(target));
    // Saving a whole record re-sends its unchanged state: then this is an ordinary update.
    if (moving.length === 0) return false;
    const extra = Object.keys(rest).filter((field) => !(TRANSITION_FIELDS as readonly string[]).includes(field) && field !== 'date_updated');
    if (extra.length > 0) throw new MixedTransitionPayloadError({ fields: extra });
    for (const row of moving) {
      await transitionCase({ ...ctx, db: trx }, { caseId: Number(row.id), to: /^\d+$/.test(String(target)) ? Number(target) : target, fields, requireScopeAfter: true, loaded: { ...row, id: Number(row.id) } });
    }
    return true;
  });
  if (!moved) return rest;
  return {};
}

/** History, overrides and breach records are written by Concord only; generic writes are refused. */
export function refuseHistoryWrite(action: 'created' | 'changed' | 'deleted'): never {
  throw new HistoryAppendOnlyError({ action });
}
