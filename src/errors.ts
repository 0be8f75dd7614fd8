import { createError } from '@directus/errors';
import type { CompositionLine } from './organisation/composition.ts';

/**
 * Every refusal Concord makes, with a stable code. Messages say what to do; extensions carry
 * the machine-readable details (which department, which capability).
 */

export const CompositionBelowMinimumError = createError<{ team: string; gaps: CompositionLine[] }>(
  'COMPOSITION_BELOW_MINIMUM',
  ({ team, gaps }) =>
    `Team "${team}" cannot be active: ${gaps
      .map((g) => `${g.name_zh}${g.name_en ? ` (${g.name_en})` : ''} has ${g.members} of the minimum ${g.minimum} representatives`)
      .join('; ')}. Add members from these departments first, or keep the team forming.`,
  422,
);

export const InvalidCapabilityError = createError<{ capability: unknown }>(
  'INVALID_CAPABILITY',
  ({ capability }) =>
    `"${String(capability)}" is not a capability key. Use lower-case dotted keys such as "complaint.handle".`,
  400,
);

export const DuplicateCapabilityError = createError<{ department: string; capability: string }>(
  'DUPLICATE_CAPABILITY',
  ({ department, capability }) => `Department "${department}" already holds capability "${capability}".`,
  409,
);

export const DepartmentScopeError = createError<{ department: string | null; collection: string }>(
  'DEPARTMENT_SCOPE',
  ({ department, collection }) =>
    `You can change ${collection} only for a department you head; "${department ?? 'none'}" is not yours.`,
  403,
);

export const TeamScopeError = createError<{ team: string }>(
  'TEAM_SCOPE',
  ({ team }) => `You can change the members only of a team you lead (or with the team.build capability); team ${team} is not yours.`,
  403,
);

export const InvalidPayloadError = createError<{ field: string; reason: string; collection?: string }>(
  'INVALID_PAYLOAD',
  ({ field, reason }) => `Invalid value for "${field}": ${reason}.`,
  400,
);

export const NotFoundError = createError<{ collection: string; id: string }>(
  'NOT_FOUND',
  ({ collection, id }) => `No ${collection} item with id "${id}" exists, or you may not see it.`,
  404,
);

export interface StateRef {
  id: number;
  key: string;
  name_zh: string;
}

export const IllegalTransitionError = createError<{ case: number; from: StateRef | null; to: unknown; allowed: StateRef[] }>(
  'ILLEGAL_TRANSITION',
  ({ case: caseId, from, to, allowed }) =>
    `Case #${caseId} cannot move from "${from?.name_zh ?? from?.key ?? 'none'}" to "${String(to)}" in its workflow. ` +
    (allowed.length > 0 ? `From here it can move to: ${allowed.map((s) => `${s.name_zh} (${s.id})`).join(', ')}.` : 'No transition leaves this state.'),
  422,
);

export const MissingCapabilityError = createError<{ case?: number; capability: string; department: string | null; action?: string }>(
  'MISSING_CAPABILITY',
  ({ capability, department, action }) =>
    `${action ?? 'This transition'} needs the capability "${capability}", which your department (${department ?? 'none'}) does not hold. Ask a department that holds it, or an admin to change the authority matrix.`,
  403,
);

export const MissingFieldsError = createError<{ case: number; fields: string[] }>(
  'MISSING_FIELDS',
  ({ fields }) => `Fill in ${fields.map((f) => `"${f}"`).join(', ')} before taking this transition.`,
  422,
);

export const TransitionConflictError = createError<{ case: number; expected: number; actual: number | null }>(
  'TRANSITION_CONFLICT',
  ({ case: caseId }) => `Case #${caseId} changed state while you were acting on it; reload it and try again.`,
  409,
);

export const TransitionLeavesScopeError = createError<{ case: number; to: string; owner: string }>(
  'TRANSITION_LEAVES_SCOPE',
  ({ case: caseId, to, owner }) =>
    `Moving case #${caseId} to "${to}" hands it to ${owner}, after which you could no longer edit it, so a plain item update cannot make this change. Use POST /concord/cases/${caseId}/transitions (or the state control in Studio).`,
  403,
);

export const MixedTransitionPayloadError = createError<{ fields: string[] }>(
  'MIXED_TRANSITION_PAYLOAD',
  ({ fields }) =>
    `A state change may only carry the transition's own fields (description, resolution_note); send ${fields.map((f) => `"${f}"`).join(', ')} in a separate update.`,
  400,
);

export const ManagedFieldError = createError<{ fields: string[] }>(
  'MANAGED_FIELD',
  ({ fields }) => `${fields.map((f) => `"${f}"`).join(', ')} ${fields.length === 1 ? 'is' : 'are'} kept by the workflow and cannot be written directly.`,
  400,
);

export const HistoryAppendOnlyError = createError<{ action: string }>(
  'HISTORY_APPEND_ONLY',
  ({ action }) =>
    `Case history is append-only: it cannot be ${action} here. Concord writes it with each transition; an admin may repair it through POST /concord/case-events/:id/repair with a reason.`,
  403,
);

export const AdminOnlyError = createError<{ action: string }>(
  'ADMIN_ONLY',
  ({ action }) => `Only an administrator may ${action}.`,
  403,
);

export const InvalidPeriodError = createError<{ field: string; reason: string }>(
  'INVALID_PERIOD',
  ({ field, reason }) => `Invalid evaluation period (${field}): ${reason}.`,
  400,
);

export const InvalidWeightsError = createError<{ reason: string }>(
  'INVALID_WEIGHTS',
  ({ reason }) =>
    `Invalid weights: ${reason}. Give a number of at least 0 for each of communication, execution, satisfaction, utilisation and cohesion, not all 0 (or leave weights empty for equal weights).`,
  400,
);

export const DuplicateCycleError = createError<{ period_key: string; cycle: number | null }>(
  'DUPLICATE_CYCLE',
  ({ period_key, cycle }) => `There is already an evaluation cycle for ${period_key}${cycle === null ? '' : ` (cycle ${cycle})`}; run or edit that one instead.`,
  409,
);

export const CyclePublishedError = createError<{ cycle: number | null; action: string }>(
  'CYCLE_PUBLISHED',
  ({ cycle, action }) =>
    `Evaluation cycle${cycle === null ? '' : ` ${cycle}`} is published, so it cannot ${action}: its scores are frozen and were fed back to the departments. Create a new cycle for another period instead.`,
  409,
);

export const CycleNotRunError = createError<{ cycle: number }>(
  'CYCLE_NOT_RUN',
  ({ cycle }) => `Evaluation cycle ${cycle} has no current scores to publish; run it first (POST /concord/evaluation/cycles/${cycle}/run) and review the draft.`,
  409,
);

export const CycleChangedError = createError<{ cycle: number }>(
  'CYCLE_CHANGED',
  ({ cycle }) => `Evaluation cycle ${cycle} changed (period, weights or targets) while it was being computed; run it again.`,
  409,
);

export const ScoreFrozenError = createError<{ cycle: number | null }>(
  'SCORE_FROZEN',
  ({ cycle }) => `These scores belong to published evaluation cycle ${cycle ?? '?'} and are frozen; nobody can change or delete them.`,
  409,
);

export const ScoreManagedError = createError<{ action: string }>(
  'SCORE_MANAGED',
  ({ action }) =>
    `Evaluation scores are computed, not ${action} by hand: change the cycle's weights or the underlying records, then run the cycle again (POST /concord/evaluation/cycles/:id/run).`,
  403,
);

export const InvalidSurveyLinkError = createError<Record<string, never>>(
  'INVALID_SURVEY_LINK',
  () => 'This survey link is not valid. Use the link exactly as it was sent to you, or ask the company for a new one.',
  400,
);

export const SurveyLinkExpiredError = createError<{ expired_at: string }>(
  'SURVEY_LINK_EXPIRED',
  ({ expired_at }) => `This survey link expired on ${expired_at}. Ask the company for a new link if you still want to answer.`,
  410,
);

export const SurveyAnsweredError = createError<{ survey: number | null }>(
  'SURVEY_ANSWERED',
  ({ survey }) => `${survey === null ? 'This survey' : `Survey ${survey}`} has already been answered; each survey takes one answer (one per person for a team pulse survey).`,
  409,
);

export const NotTeamMemberError = createError<{ team: number | null }>(
  'NOT_TEAM_MEMBER',
  ({ team }) => `Only current members of team ${team ?? '?'} answer its pulse survey.`,
  403,
);

export const RestrictedQueryError = createError<{ collection: string; path: string; use: string }>(
  'RESTRICTED_QUERY_FIELD',
  ({ collection, path, use }) =>
    `You may read "${path}" of ${collection} only on some rows, so you cannot ${use} by it: the result would reveal values you may not see. Leave it out of the ${use}${use === 'filter' ? '' : ', or filter by it instead (a filter only matches where you may read the value)'}.`,
  403,
);

export const InUseError = createError<{ collection: string; id: string; referenced_by: string; field: string; count: number; instead: string }>(
  'IN_USE',
  ({ collection, id, referenced_by, field, count, instead }) =>
    `${collection} ${id} cannot be deleted: ${count} ${referenced_by} item${count === 1 ? '' : 's'} still refer${count === 1 ? 's' : ''} to it (${field}). ${instead}`,
  409,
);

export const UpdateLeavesScopeError = createError<{ collection: string; id: string }>(
  'UPDATE_LEAVES_SCOPE',
  ({ collection, id }) =>
    `After this change you could no longer edit ${collection} ${id}, so it is not made. Make it in two steps (the part that moves the item out of your hands last), or ask someone whose scope covers the result.`,
  403,
);

export const StateInUseError = createError<{ state: string; cases: number }>(
  'STATE_IN_USE',
  ({ state, cases }) =>
    `Workflow state ${state} holds ${cases} case${cases === 1 ? '' : 's'} of its workflow, so it cannot move to another workflow. Move those cases on (or override them) first, or add a new state to the other workflow.`,
  409,
);

export const WriterFieldError = createError<{ collection: string; field: string }>(
  'SET_BY_SERVER',
  ({ collection, field }) =>
    `"${field}" of ${collection} records who wrote it and is set by the server from whoever writes; leave it out (it cannot name someone else, or be changed later).`,
  400,
);

export const CreateOutOfScopeError = createError<{ collection: string }>(
  'CREATE_OUT_OF_SCOPE',
  ({ collection }) =>
    `You may add ${collection} items only where you could also edit them (a team lead: for their own teams; a notice's audience: for their own notices); this one would be outside that, so it was not created.`,
  403,
);

export const SelfAppointmentError = createError<{ collection: string; field: string }>(
  'SELF_APPOINTMENT',
  ({ collection, field }) =>
    `You cannot appoint yourself (${collection}.${field}): leading a team brings a manager's rights, so someone else appoints its lead — another member of HR or an administrator.`,
  403,
);
