/**
 * What makes a transition legal, as pure functions over the workflow definition and the case:
 * the transition must leave the case's current state, the actor's department must hold its
 * capability, and its required case fields must be filled.
 */

export interface StateDef {
  id: number;
  workflow: number;
  key: string;
  name_zh: string;
  name_en: string | null;
  owner_department: string;
  response_sla_hours: number | null;
  resolution_sla_hours: number | null;
  is_initial: boolean;
  is_terminal: boolean;
}

export interface TransitionDef {
  id: number;
  workflow: number;
  from_state: number;
  to_state: number;
  name_zh: string;
  name_en: string | null;
  capability: string;
  required_fields: string[];
  is_reopen: boolean;
  is_resolution: boolean;
}

export interface WorkflowDefinition {
  states: StateDef[];
  transitions: TransitionDef[];
}

/** Case fields a transition may require and carry with it. */
export const TRANSITION_FIELDS = ['description', 'resolution_note'] as const;

/** Fields only the workflow writes. */
export const MANAGED_CASE_FIELDS = ['state_entered_at', 'resolved_at', 'closed_at', 'reopened_count', 'opened_at', 'response_due_at', 'resolution_due_at', 'first_closed_at', 'closing_departments'] as const;

export type Refusal =
  | { code: 'MISSING_CAPABILITY'; capability: string }
  | { code: 'MISSING_FIELDS'; fields: string[] };

export function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
}

export function missingFields(required: readonly string[], values: Record<string, unknown>): string[] {
  return required.filter((field) => isBlank(values[field]));
}

/** Why this actor may not take this transition now (empty when they may). */
export function refusalsFor(transition: TransitionDef, capabilities: ReadonlySet<string>, values: Record<string, unknown>): Refusal[] {
  const refusals: Refusal[] = [];
  if (!capabilities.has(transition.capability)) refusals.push({ code: 'MISSING_CAPABILITY', capability: transition.capability });
  const missing = missingFields(transition.required_fields, values);
  if (missing.length > 0) refusals.push({ code: 'MISSING_FIELDS', fields: missing });
  return refusals;
}

/** The transition from `fromState` to `target` (a state id or key) in this workflow, if any. */
export function findTransition(definition: WorkflowDefinition, fromState: number | null, target: number | string): TransitionDef | undefined {
  const state = resolveState(definition, target);
  if (!state || fromState === null) return undefined;
  return definition.transitions.find((t) => t.from_state === fromState && t.to_state === state.id);
}

export function resolveState(definition: WorkflowDefinition, target: number | string): StateDef | undefined {
  return definition.states.find((s) => s.id === Number(target) || s.key === target);
}

/** The case columns a transition sets, besides the fields it carries. */
export function caseChanges(transition: TransitionDef, target: StateDef, reopenedCount: number, now: Date): Record<string, unknown> {
  const changes: Record<string, unknown> = { state: target.id, state_entered_at: now };
  if (transition.is_reopen) {
    changes['reopened_count'] = reopenedCount + 1;
    changes['resolved_at'] = null;
    changes['closed_at'] = null;
  }
  if (transition.is_resolution) changes['resolved_at'] = now;
  if (target.is_terminal) changes['closed_at'] = now;
  return changes;
}

/** Entering a state owned by another department hands the case over. */
export function isHandoff(from: StateDef | undefined, to: StateDef): boolean {
  return from !== undefined && from.owner_department !== to.owner_department;
}
