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
