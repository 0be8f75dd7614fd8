import { ForbiddenError } from '@directus/errors';
import type { Knex } from 'knex';
import { mayUpdateRow } from '../access/update-scope.ts';
import { fromDbTime, toDbTime } from '../directus/time.ts';
import type { ServiceContext } from '../directus/services.ts';
import {
  IllegalTransitionError,
  InvalidPayloadError,
  MissingCapabilityError,
  MissingFieldsError,
  NotFoundError,
  type StateRef,
  TransitionConflictError,
  TransitionLeavesScopeError,
} from '../errors.ts';
import { userAuthority, userCapabilities } from '../organisation/authority-store.ts';
import { markdownText as md, notifyUsersInTheirLanguage, type NotificationContent } from '../notifications.ts';
import type { Language, Localized } from '../i18n/language.ts';
import { loadDepartmentLabels } from '../organisation/composition-store.ts';
import { listCapabilities } from '../organisation/capability-catalogue.ts';
import {
  TRANSITION_FIELDS,
  caseChanges,
  findTransition,
  isHandoff,
  refusalsFor,
  resolveState,
  type Refusal,
  type StateDef,
  type TransitionDef,
  type WorkflowDefinition,
} from './transition-rules.ts';
import { loadWorkflowDefinition } from './workflow-store.ts';
import { holdState } from './state-moves.ts';
import { openResolutionSurvey } from '../surveys/invitations.ts';
import { dueTimes } from './sla-due.ts';
import { refreshHistoryFacts } from './history-facts.ts';
import { addedRowMayClose } from './case-closure.ts';

/**
 * Moving a case through its workflow. Every path — the transitions endpoint, Directus's own item
 * updates (REST single, batch and query, GraphQL, import, other extensions' services) — ends in
 * `transitionCase`, which checks the rules and writes the state change, its history row and the
 * handoff notifications in one transaction, guarded by a compare-and-set on the current state.
 */

export interface CaseRow {
  id: number;
  workflow: number;
  state: number | null;
  team: number | null;
  title: string;
  reopened_count: number;
  description: string | null;
  resolution_note: string | null;
  /** The case's first closure, as the database holds it (src/workflows/case-closure.ts). */
  first_closed_at?: unknown;
  /** As the database holds them (epoch milliseconds on SQLite); its due times are reckoned from them. */
  opened_at?: unknown;
  resolved_at?: unknown;
}

export type TransitionFields = Partial<Record<(typeof TRANSITION_FIELDS)[number], string | null>>;

export interface TransitionRequest {
  caseId: number;
  /** Target state id or key. */
  to: number | string;
  /**
   * The state the caller saw the case in. When given and the case has moved on meanwhile, the
   * request fails with TRANSITION_CONFLICT instead of being judged against the new state.
   */
  from?: number | string | null;
  fields?: TransitionFields;
  note?: string | null;
  /**
   * Generic item writes (not the endpoint) are followed by Directus's own update check on the
   * case as it is afterwards; refuse up front, inside the transaction, what that check would refuse.
   */
  requireScopeAfter?: boolean;
  /** Answer NOT_FOUND for a case the caller cannot see, as reading it does (the endpoint); item writes keep Directus's FORBIDDEN. */
  hiddenIsMissing?: boolean;
  /** The case's row as this transaction has just read it (every column), so it is not read again. */
  loaded?: CaseRow;
}

export interface TransitionResult {
  case: number;
  from: { id: number; key: string; name_zh: string };
  to: { id: number; key: string; name_zh: string; owner_department: string };
  transition: number;
  event: number;
  handoff: boolean;
  notified: string[];
  /** The CSAT survey a resolution opened, if any. */
  survey: number | null;
}

export interface WorkflowContext extends ServiceContext {
  /** A connection or an open transaction (then the work joins it). */
  db: Knex;
  now?: () => Date;
  /** How long a resolution's survey link stays valid (CONCORD_SURVEY_LINK_DAYS). */
  surveyLinkDays?: number;
}

export async function transitionCase(ctx: WorkflowContext, request: TransitionRequest): Promise<TransitionResult> {
  validateRequest(request);
  return ctx.db.transaction(async (trx) => {
    if (request.hiddenIsMissing) await assertCaseVisible(ctx, trx, request.caseId);
    // A generic item write records its own activity once the hook hands Directus the empty change.
    await assertMayUpdateCase(ctx, trx, request.caseId, { track: !request.requireScopeAfter });
    const row = request.loaded?.id === request.caseId ? request.loaded : await loadCase(trx, request.caseId);
    const definition = await loadWorkflowDefinition(trx, row.workflow);
    const from = definition.states.find((s) => s.id === row.state);
    if (request.from !== undefined && request.from !== null) {
      const expected = resolveState(definition, request.from);
      if (!expected) throw new InvalidPayloadError({ field: 'from', reason: { 'zh-CN': `状态“${String(request.from)}”不属于此事项的流程`, 'en-US': `state "${String(request.from)}" is not in this case's workflow` } });
      if (expected.id !== row.state) throw new TransitionConflictError({ case: row.id, expected: expected.id, actual: row.state });
    }
    const transition = findTransition(definition, row.state, request.to);
    const target = resolveState(definition, request.to);
    if (!transition || !target || !from) throw illegal(row, from, request.to, definition);
    // A state moved to another workflow meanwhile is no longer this case's to enter.
    const held = await holdState(trx, target.id, row.workflow);
    if (!held) throw illegal(row, from, request.to, definition);

    const actor = ctx.accountability?.user ?? null;
    const { department, capabilities } = actor ? await userAuthority(trx, actor) : { department: null, capabilities: new Set<string>() };
    const fields = request.fields ?? {};
    const refusals = refusalsFor(transition, capabilities, { ...row, ...fields });
    throwFirst(row.id, refusals, department);

    const now = ctx.now?.() ?? new Date();
    const changes = caseChanges(transition, target, Number(row.reopened_count ?? 0), now);
    // The due times from what this transaction holds (the case as read, the target state, its
    // workflow's SLA), in the same update: reading them back and writing them again were two statements.
    const due = dueTimes({
      openedAt: fromDbTime(row.opened_at),
      stateEnteredAt: now,
      resolvedAt: 'resolved_at' in changes ? (changes['resolved_at'] as Date | null) : fromDbTime(row.resolved_at),
      isTerminal: target.is_terminal,
      responseSlaHours: target.response_sla_hours,
      resolutionSlaHours: held.resolutionSlaHours,
    });
    const written = await trx('cc_cases')
      .where({ id: row.id, state: from.id })
      .update(withDbTimes(trx, { ...fields, ...changes, ...due, date_updated: now }));
    if (written !== 1) {
      const current = await trx('cc_cases').select('state').where('id', row.id).first();
      throw new TransitionConflictError({ case: row.id, expected: from.id, actual: (current?.state as number | undefined) ?? null });
    }
    const handoff = isHandoff(from, target);
    const [event] = await trx('cc_case_events')
      .insert({
        case: row.id,
        from_state: from.id,
        to_state: target.id,
        transition: transition.id,
        actor,
        actor_department: department,
        occurred_at: toDbTime(trx, now),
        note: request.note ?? null,
        is_handoff: handoff,
        is_override: false,
      })
      .returning('id');
    // This row may answer an earlier handoff of the case (and a handoff is unanswered when written);
    // it only adds a row, so no earlier row stopped being a handoff, and only a closing row (or one
    // before a stored first closure) can change the case's closure.
    await refreshHistoryFacts(trx, [row.id], { added: true, closes: addedRowMayClose(target.is_terminal, row.first_closed_at, now) });
    if (request.requireScopeAfter) await assertStillInScope(ctx, trx, row.id, target);
    const notified = handoff ? await notifyHandoff(ctx, trx, row, target, transition) : [];
    // A resolution asks the customer how it went; the invitation is e-mailed after commit.
    const survey = transition.is_resolution ? await openResolutionSurvey(trx, row, now, ctx.surveyLinkDays) : null;
    return {
      case: row.id,
      from: { id: from.id, key: from.key, name_zh: from.name_zh },
      to: { id: target.id, key: target.key, name_zh: target.name_zh, owner_department: target.owner_department },
      transition: transition.id,
      event: Number(typeof event === 'object' && event !== null ? (event as { id: number }).id : event),
      handoff,
      notified,
      survey,
    };
  });
}

export interface TransitionOption {
  id: number;
  name_zh: string;
  name_en: string | null;
  to: { id: number; key: string; name_zh: string; name_en: string | null; owner_department: string; owner_name: Localized };
  capability: string;
  capability_name: Localized;
  required_fields: string[];
  allowed: boolean;
  reasons: Refusal[];
}

export interface CaseTransitions {
  case: number;
  state: (StateDef & { owner_name: Localized }) | null;
  transitions: TransitionOption[];
}

/**
 * The transitions leaving the case's current state, each with whether this user may take it and
 * why not, with department and capability names in both languages for the Studio control.
 */
export async function availableTransitions(ctx: WorkflowContext, caseId: number): Promise<CaseTransitions> {
  const visible = await new ctx.services.ItemsService('cc_cases', { schema: ctx.schema, accountability: ctx.accountability, knex: ctx.db }).readByQuery({
    filter: { id: { _eq: caseId } },
    fields: ['id'],
    limit: 1,
  });
  if (visible.length === 0) throw new NotFoundError({ collection: 'cc_cases', id: String(caseId) });
  const row = await loadCase(ctx.db, caseId);
  const definition = await loadWorkflowDefinition(ctx.db, row.workflow);
  const actor = ctx.accountability?.user ?? null;
  const capabilities = actor ? await userCapabilities(ctx.db, actor) : new Set<string>();
  const [departments, catalogue] = await Promise.all([loadDepartmentLabels(ctx.db), listCapabilities(ctx.db)]);
  const ownerName = (code: string): Localized => {
    const label = departments.get(code);
    return { 'zh-CN': label?.name_zh ?? code, 'en-US': label?.name_en ?? label?.name_zh ?? code };
  };
  const capabilityName = (key: string): Localized => {
    const entry = catalogue.find((c) => c.key === key);
    return { 'zh-CN': entry?.zh ?? key, 'en-US': entry?.en ?? entry?.zh ?? key };
  };
  const current = definition.states.find((s) => s.id === row.state);
  const state = current ? { ...current, owner_name: ownerName(current.owner_department) } : null;
  const transitions = definition.transitions
    .filter((t) => t.from_state === row.state)
    .map((t): TransitionOption => {
      const to = definition.states.find((s) => s.id === t.to_state) as StateDef;
      const reasons = refusalsFor(t, capabilities, row as unknown as Record<string, unknown>);
      return {
        id: t.id,
        name_zh: t.name_zh,
        name_en: t.name_en,
        to: { id: to.id, key: to.key, name_zh: to.name_zh, name_en: to.name_en, owner_department: to.owner_department, owner_name: ownerName(to.owner_department) },
        capability: t.capability,
        capability_name: capabilityName(t.capability),
        required_fields: t.required_fields,
        // Missing fields can be supplied with the transition itself, so only capability blocks it.
        allowed: !reasons.some((r) => r.code === 'MISSING_CAPABILITY'),
        reasons,
      };
    });
  return { case: caseId, state, transitions };
}

/** A case the caller may not see is, to them, not there: the same NOT_FOUND as reading it gives. */
async function assertCaseVisible(ctx: WorkflowContext, trx: Knex, caseId: number): Promise<void> {
  if (!ctx.accountability || ctx.accountability.admin) return;
  const service = new ctx.services.ItemsService('cc_cases', { schema: ctx.schema, accountability: ctx.accountability, knex: trx });
  const visible = await service.readByQuery({ filter: { id: { _eq: caseId } }, fields: ['id'], limit: 1 });
  if (visible.length === 0) throw new NotFoundError({ collection: 'cc_cases', id: String(caseId) });
}

/**
 * Directus's update check (item scope, collection rights) inside our transaction. The endpoint's
 * check is Directus's own empty change, which records the transition's one activity row; a
 * generic item write (`track: false`) gets its activity from Directus's own write after the hook,
 * so its checks are the same rule read without the write (src/access/update-scope.ts).
 */
async function assertMayUpdateCase(ctx: WorkflowContext, trx: Knex, caseId: number, { track }: { track: boolean }): Promise<void> {
  if (!ctx.accountability || ctx.accountability.admin) {
    const exists = await trx('cc_cases').first('id').where('id', caseId);
    if (!exists) throw new NotFoundError({ collection: 'cc_cases', id: String(caseId) });
    return;
  }
  if (track) {
    const service = new ctx.services.ItemsService('cc_cases', { schema: ctx.schema, accountability: ctx.accountability, knex: trx });
    await service.updateOne(caseId, {}, { emitEvents: false });
    return;
  }
  // The same check without the empty write: one read under the caller's update rules, resolved once per request.
  if (!(await mayUpdateRow({ db: trx, schema: ctx.schema, services: ctx.services }, ctx.accountability, 'cc_cases', caseId))) {
    throw new ForbiddenError({ reason: `You don't have permission to perform "update" for collection "cc_cases" or it does not exist.` });
  }
}

async function assertStillInScope(ctx: WorkflowContext, trx: Knex, caseId: number, target: StateDef): Promise<void> {
  try {
    await assertMayUpdateCase(ctx, trx, caseId, { track: false });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'FORBIDDEN') throw new TransitionLeavesScopeError({ case: caseId, to: stateRef(target), owner: target.owner_department });
    throw error;
  }
}

export async function loadCase(db: Knex, caseId: number): Promise<CaseRow> {
  // Every column: a transition may require any case field, not only the ones it carries.
  const row = await db('cc_cases').select('*').where('id', caseId).first();
  if (!row) throw new NotFoundError({ collection: 'cc_cases', id: String(caseId) });
  return row as CaseRow;
}

function validateRequest(request: TransitionRequest): void {
  if (!Number.isInteger(request.caseId) || request.caseId <= 0) throw new InvalidPayloadError({ field: 'case', reason: { 'zh-CN': '事项编号须为正整数', 'en-US': 'a case id is a positive whole number' } });
  if (typeof request.to !== 'number' && typeof request.to !== 'string') throw new InvalidPayloadError({ field: 'to', reason: { 'zh-CN': '请给出目标状态的编号或代码', 'en-US': 'give the target state as its id or key' } });
  for (const [field, value] of Object.entries(request.fields ?? {})) {
    if (!(TRANSITION_FIELDS as readonly string[]).includes(field)) throw new InvalidPayloadError({ field, reason: { 'zh-CN': `转换只能携带 ${TRANSITION_FIELDS.join('、')}`, 'en-US': `a transition carries only ${TRANSITION_FIELDS.join(', ')}` } });
    if (value !== null && (typeof value !== 'string' || value.length > 20_000)) throw new InvalidPayloadError({ field, reason: { 'zh-CN': '应为不超过 20000 字的文本', 'en-US': 'text of at most 20000 characters' } });
  }
  if (request.note !== undefined && request.note !== null && (typeof request.note !== 'string' || request.note.length > 5_000)) {
    throw new InvalidPayloadError({ field: 'note', reason: { 'zh-CN': '应为不超过 5000 字的文本', 'en-US': 'text of at most 5000 characters' } });
  }
}

function illegal(row: CaseRow, from: StateDef | undefined, to: number | string, definition: WorkflowDefinition): Error {
  const allowed = definition.transitions
    .filter((t) => t.from_state === row.state)
    .map((t) => definition.states.find((s) => s.id === t.to_state))
    .filter((s): s is StateDef => s !== undefined)
    .map(stateRef);
  const target = resolveState(definition, to);
  return new IllegalTransitionError({ case: row.id, from: from ? stateRef(from) : null, to: target ? stateRef(target) : to, allowed });
}

export function stateRef(state: StateDef): StateRef {
  return { id: state.id, key: state.key, name_zh: state.name_zh, name_en: state.name_en };
}

function throwFirst(caseId: number, refusals: Refusal[], department: string | null): void {
  for (const refusal of refusals) {
    if (refusal.code === 'MISSING_CAPABILITY') throw new MissingCapabilityError({ case: caseId, capability: refusal.capability, department });
  }
  for (const refusal of refusals) {
    if (refusal.code === 'MISSING_FIELDS') throw new MissingFieldsError({ case: caseId, fields: refusal.fields });
  }
}

function withDbTimes(db: Knex, values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v instanceof Date ? toDbTime(db, v) : v]));
}

/** The receiving department's members on the case's team hear of the handoff; without any, its head. */
async function notifyHandoff(ctx: WorkflowContext, trx: Knex, row: CaseRow, target: StateDef, transition: TransitionDef): Promise<string[]> {
  let recipients: string[] = [];
  if (row.team !== null) {
    const members: Array<{ user: string }> = await trx('cc_team_members as m')
      .join('directus_users as u', 'u.id', 'm.user')
      .where('m.team', row.team)
      .andWhere('u.cc_department', target.owner_department)
      .andWhere('u.status', 'active')
      .distinct('m.user as user');
    recipients = members.map((m) => m.user);
  }
  const owner: { head: string | null; name_zh: string; name_en: string | null } | undefined = await trx('cc_departments')
    .first('head', 'name_zh', 'name_en')
    .where('code', target.owner_department);
  if (recipients.length === 0 && owner?.head) recipients = [owner.head];
  const sender = ctx.accountability?.user ?? null;
  recipients = recipients.filter((r) => r !== sender);
  if (recipients.length === 0) return recipients;
  await notifyUsersInTheirLanguage(ctx, trx, recipients, (language) => ({ ...handoffNotice(language, row, target, transition, owner), collection: 'cc_cases', item: String(row.id), sender }));
  return recipients;
}

/** "事项 #90 已转交技术部:…" — the whole notice in the recipient's language. */
export function handoffNotice(
  language: Language,
  row: Pick<CaseRow, 'id' | 'title'>,
  target: Pick<StateDef, 'name_zh' | 'name_en' | 'key' | 'owner_department'>,
  transition: Pick<TransitionDef, 'name_zh' | 'name_en'>,
  owner: { name_zh: string; name_en: string | null } | undefined,
): Pick<NotificationContent, 'subject' | 'message'> {
  if (language === 'zh-CN') {
    const department = owner?.name_zh ?? target.owner_department;
    return {
      subject: `事项 #${row.id} 已转交${department}:${row.title}`,
      message: `「${md(row.title)}」经「${md(transition.name_zh)}」进入「${md(target.name_zh)}」,现由${md(department)}负责。`,
    };
  }
  const department = owner?.name_en ?? owner?.name_zh ?? target.owner_department;
  return {
    subject: `Case #${row.id} handed over to ${department}: ${row.title}`,
    message: `"${md(row.title)}" moved to "${md(target.name_en ?? target.name_zh)}" by "${md(transition.name_en ?? transition.name_zh)}"; ${md(department)} now owns it.`,
  };
}
