import type { Accountability } from '@directus/types';
import { refreshDueTimes } from './sla-due.ts';
import { refreshHistoryFacts } from './history-facts.ts';
import type { Knex } from 'knex';
import { toDbTime } from '../directus/time.ts';
import { AdminOnlyError, InvalidPayloadError, NotFoundError } from '../errors.ts';
import { validateValues, type FieldSpecs } from '../validation/field-values.ts';
import type { Localized } from '../i18n/language.ts';
import { resolveState } from './transition-rules.ts';
import { loadCase } from './case-workflow.ts';
import { loadWorkflowDefinition } from './workflow-store.ts';

/**
 * The only ways around the workflow rules: an admin sets a case's state, or corrects or removes a
 * history row, always with a reason. Each leaves a cc_overrides record (and, for a state override,
 * a history row marked as an override), so nothing changes silently.
 */

function assertAdmin(accountability: Accountability | null, action: Localized): string {
  if (!accountability?.admin || !accountability.user) throw new AdminOnlyError({ action });
  return accountability.user;
}

function assertReason(reason: unknown): string {
  if (typeof reason !== 'string' || reason.trim().length < 5 || reason.length > 5000) {
    throw new InvalidPayloadError({ field: 'reason', reason: { 'zh-CN': '请用 5 到 5000 字说明原因', 'en-US': 'say why, in 5 to 5000 characters' } });
  }
  return reason.trim();
}

export async function overrideCaseState(
  db: Knex,
  accountability: Accountability | null,
  request: { caseId: number; to: unknown; reason: unknown },
  now: Date = new Date(),
): Promise<{ case: number; from: number | null; to: number; event: number }> {
  const admin = assertAdmin(accountability, { 'zh-CN': '强制设置事项状态', 'en-US': 'override a case state' });
  const reason = assertReason(request.reason);
  if (typeof request.to !== 'number' && typeof request.to !== 'string') throw new InvalidPayloadError({ field: 'to', reason: { 'zh-CN': '请给出目标状态的编号或代码', 'en-US': 'give the target state id or key' } });
  return db.transaction(async (trx) => {
    const row = await loadCase(trx, request.caseId);
    const definition = await loadWorkflowDefinition(trx, row.workflow);
    const target = resolveState(definition, request.to as number | string);
    if (!target) throw new InvalidPayloadError({ field: 'to', reason: { 'zh-CN': `状态“${String(request.to)}”不属于此事项的流程`, 'en-US': `state "${String(request.to)}" is not in this case's workflow` } });
    const from = definition.states.find((s) => s.id === row.state);
    await trx('cc_cases')
      .where('id', row.id)
      .update({
        state: target.id,
        state_entered_at: toDbTime(trx, now),
        closed_at: target.is_terminal ? toDbTime(trx, now) : null,
        date_updated: toDbTime(trx, now),
      });
    await refreshDueTimes(trx, [row.id]);
    const [event] = await trx('cc_case_events')
      .insert({
        case: row.id,
        from_state: row.state,
        to_state: target.id,
        transition: null,
        actor: admin,
        actor_department: null,
        occurred_at: toDbTime(trx, now),
        note: `[override] ${reason}`,
        is_handoff: from !== undefined && from.owner_department !== target.owner_department,
        is_override: true,
      })
      .returning('id');
    const eventId = Number(typeof event === 'object' && event !== null ? (event as { id: number }).id : event);
    await refreshHistoryFacts(trx, [row.id]);
    await trx('cc_overrides').insert({
      kind: 'state_override',
      case: row.id,
      event_id: String(eventId),
      admin,
      occurred_at: toDbTime(trx, now),
      reason,
      before: JSON.stringify({ state: row.state }),
      after: JSON.stringify({ state: target.id }),
    });
    return { case: row.id, from: row.state, to: target.id, event: eventId };
  });
}

const REPAIRABLE_EVENT_FIELDS = ['note', 'actor', 'actor_department', 'occurred_at', 'is_handoff'];

export async function repairCaseEvent(
  db: Knex,
  accountability: Accountability | null,
  request: { eventId: number; action: unknown; changes?: unknown; reason: unknown },
  specs: FieldSpecs,
  now: Date = new Date(),
): Promise<{ event: number; action: 'update' | 'delete' }> {
  const admin = assertAdmin(accountability, { 'zh-CN': '更正事项历史', 'en-US': 'repair case history' });
  const reason = assertReason(request.reason);
  if (request.action !== 'update' && request.action !== 'delete') throw new InvalidPayloadError({ field: 'action', reason: { 'zh-CN': '请用 update(更正)或 delete(删除)', 'en-US': 'use update or delete' } });
  return db.transaction(async (trx) => {
    const before = await trx('cc_case_events').select('*').where('id', request.eventId).first();
    if (!before) throw new NotFoundError({ collection: 'cc_case_events', id: String(request.eventId) });
    let after: Record<string, unknown> | null = null;
    if (request.action === 'update') {
      const changes = request.changes;
      if (typeof changes !== 'object' || changes === null || Array.isArray(changes) || Object.keys(changes).length === 0) {
        throw new InvalidPayloadError({ field: 'changes', reason: { 'zh-CN': `应是包含 ${REPAIRABLE_EVENT_FIELDS.join('、')} 中某些字段的对象`, 'en-US': `an object with some of ${REPAIRABLE_EVENT_FIELDS.join(', ')}` } });
      }
      const unknown = Object.keys(changes).filter((k) => !REPAIRABLE_EVENT_FIELDS.includes(k));
      if (unknown.length > 0) throw new InvalidPayloadError({ field: unknown.join(', '), reason: { 'zh-CN': `只能更正 ${REPAIRABLE_EVENT_FIELDS.join('、')};状态由流程决定`, 'en-US': `only ${REPAIRABLE_EVENT_FIELDS.join(', ')} can be corrected; states follow the workflow` } });
      // The same checks as any write of a history row would get: types, and people and departments that exist.
      after = await validateValues(trx, specs, 'cc_case_events', { ...(changes as Record<string, unknown>) });
      if (after['occurred_at'] === null) throw new InvalidPayloadError({ field: 'occurred_at', reason: { 'zh-CN': '历史记录须保留发生时间', 'en-US': 'a history row keeps when it happened' }, collection: 'cc_case_events' });
      if (typeof after['occurred_at'] === 'string') after['occurred_at'] = toDbTime(trx, new Date(after['occurred_at']));
      await trx('cc_case_events').where('id', request.eventId).update(after);
    } else {
      await trx('cc_case_events').where('id', request.eventId).delete();
    }
    // A corrected time, department or handoff flag, or a removed row, may change who answered which handoff when.
    await refreshHistoryFacts(trx, [before.case as number]);
    await trx('cc_overrides').insert({
      kind: request.action === 'update' ? 'history_update' : 'history_delete',
      case: before.case,
      event_id: String(request.eventId),
      admin,
      occurred_at: toDbTime(trx, now),
      reason,
      before: JSON.stringify(before),
      after: after === null ? null : JSON.stringify(after),
    });
    return { event: request.eventId, action: request.action as 'update' | 'delete' };
  });
}
