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

export const InvalidPayloadError = createError<{ field: string; reason: string }>(
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

export const MissingCapabilityError = createError<{ case: number; capability: string; department: string | null }>(
  'MISSING_CAPABILITY',
  ({ capability, department }) =>
    `This transition needs the capability "${capability}", which your department (${department ?? 'none'}) does not hold. Ask a department that holds it, or an admin to change the authority matrix.`,
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
