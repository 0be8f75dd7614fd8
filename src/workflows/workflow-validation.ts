import type { WorkflowProblem } from '../errors.ts';
import { MANAGED_CASE_FIELDS } from './transition-rules.ts';
import { parseList } from './workflow-store.ts';

/**
 * What makes a workflow definition valid, as pure functions: exactly one initial state, at least
 * one terminal state, transitions between states of their own workflow, and required fields that
 * are real case fields a person can fill in.
 */

export interface FieldLike {
  field: string;
  type: string;
}

/** Case fields the workflow keeps, or that are not a case's own data, and so cannot be required. */
const NOT_REQUIRABLE = new Set<string>(['id', 'state', 'workflow', 'date_created', 'date_updated', ...MANAGED_CASE_FIELDS]);

/** The cc_cases fields a transition may require: stored columns people fill in (no lists of related rows). */
export function requirableCaseFields(fields: readonly FieldLike[]): string[] {
  return fields.filter((f) => f.type !== 'alias' && !NOT_REQUIRABLE.has(f.field)).map((f) => f.field);
}

export function completenessProblems(states: ReadonlyArray<{ is_initial: unknown; is_terminal: unknown }>): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  const initial = states.filter((s) => truthy(s.is_initial)).length;
  if (initial !== 1) problems.push({ kind: 'initial_states', count: initial });
  if (!states.some((s) => truthy(s.is_terminal))) problems.push({ kind: 'no_terminal_state' });
  return problems;
}

export interface TransitionDraft {
  name: string | null;
  workflow: number | null;
  from_state: number | null;
  to_state: number | null;
  required_fields: unknown;
}

export interface StateLabel {
  workflow: number;
  name: string;
}

export function transitionProblems(transition: TransitionDraft, states: ReadonlyMap<number, StateLabel>, requirable: readonly string[]): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  for (const id of [transition.from_state, transition.to_state]) {
    const state = id === null ? undefined : states.get(id);
    if (state && transition.workflow !== null && state.workflow !== transition.workflow) {
      problems.push({ kind: 'state_of_other_workflow', transition: transition.name, state: state.name });
    }
  }
  for (const field of parseList(transition.required_fields)) {
    if (!requirable.includes(field)) problems.push({ kind: 'unknown_case_field', field });
  }
  return problems;
}

/** Booleans as databases return them (SQLite: 0/1). */
function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 'true';
}
