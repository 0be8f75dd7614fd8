import type { SchemaOverview } from '@directus/types';
import type { Knex } from 'knex';
import { InvalidCapabilityError, InvalidPayloadError, InvalidWorkflowError, type WorkflowProblem } from '../errors.ts';
import { isCapabilityKey } from '../organisation/capabilities.ts';
import { relationKey } from '../directus/relation-key.ts';
import type { StateDef } from './transition-rules.ts';
import { completenessProblems, requirableCaseFields, transitionProblems, type StateLabel, type TransitionDraft } from './workflow-validation.ts';
import { loadWorkflowDefinition } from './workflow-store.ts';

/**
 * Workflow definitions are checked when they are saved, on every write path the hooks see.
 * Two initial states are always refused. A workflow that cases already use must stay complete
 * (one initial state, at least one terminal state); one not used yet may be built up step by step,
 * and no case can be opened with it until it is complete. Transitions must join states of their
 * own workflow and require only real case fields.
 */

type Key = number | string;
type Payload = Record<string, unknown>;

interface StateRow {
  id: number;
  workflow: number;
  name_zh: string;
  is_initial: unknown;
  is_terminal: unknown;
}

const STATE_COLUMNS = ['id', 'workflow', 'name_zh', 'is_initial', 'is_terminal'];

async function statesOf(db: Knex, workflows: readonly number[]): Promise<StateRow[]> {
  return workflows.length === 0 ? [] : db('cc_workflow_states').select(STATE_COLUMNS).whereIn('workflow', [...workflows]);
}

async function workflowsInUse(db: Knex, workflows: readonly number[]): Promise<Set<number>> {
  if (workflows.length === 0) return new Set();
  const rows: Array<{ workflow: number }> = await db('cc_cases').distinct('workflow').whereIn('workflow', [...workflows]);
  return new Set(rows.map((row) => Number(row.workflow)));
}

async function workflowName(db: Knex, id: number): Promise<string> {
  const row = await db('cc_workflows').first('name_zh', 'key').where('id', id);
  return (row?.name_zh as string | undefined) ?? (row?.key as string | undefined) ?? `#${id}`;
}

function asId(value: unknown, field: string): number | null {
  const key = relationKey(value);
  if (key === null) return null;
  if (!/^\d+$/.test(String(key))) throw new InvalidPayloadError({ field, reason: { 'zh-CN': '应为正整数编号', 'en-US': 'an id is a positive whole number' } });
  return Number(key);
}

/** Each affected workflow as it will be, checked as strictly as its use requires. */
async function assertStatesValid(db: Knex, projected: Map<number, Array<Pick<StateRow, 'is_initial' | 'is_terminal'>>>): Promise<void> {
  const inUse = await workflowsInUse(db, [...projected.keys()]);
  for (const [workflow, states] of projected) {
    const problems = completenessProblems(states);
    const used = inUse.has(workflow);
    const relevant = used ? problems : problems.filter((p) => p.kind === 'initial_states' && p.count > 1);
    if (relevant.length > 0) throw new InvalidWorkflowError({ workflow: await workflowName(db, workflow), problems: relevant, when: used ? 'in_use' : 'saving' });
  }
}

function group(rows: ReadonlyArray<Pick<StateRow, 'workflow' | 'is_initial' | 'is_terminal'>>): Map<number, Array<Pick<StateRow, 'is_initial' | 'is_terminal'>>> {
  const byWorkflow = new Map<number, Array<Pick<StateRow, 'is_initial' | 'is_terminal'>>>();
  for (const row of rows) byWorkflow.set(Number(row.workflow), [...(byWorkflow.get(Number(row.workflow)) ?? []), row]);
  return byWorkflow;
}

export async function guardStateCreate(db: Knex, payload: Payload): Promise<void> {
  const workflow = asId(payload['workflow'], 'workflow');
  if (workflow === null) return; // Directus refuses the missing required field itself.
  const existing = await statesOf(db, [workflow]);
  await assertStatesValid(db, group([...existing, { workflow, is_initial: payload['is_initial'] ?? false, is_terminal: payload['is_terminal'] ?? false }]));
}

export async function guardStateUpdate(db: Knex, keys: readonly Key[], payload: Payload): Promise<void> {
  if (payload['workflow'] === undefined && payload['is_initial'] === undefined && payload['is_terminal'] === undefined) return;
  const changed = new Set(keys.map(String));
  const rows: StateRow[] = await db('cc_workflow_states').select(STATE_COLUMNS).whereIn('id', [...keys]);
  const target = payload['workflow'] === undefined ? null : asId(payload['workflow'], 'workflow');
  const affected = [...new Set([...rows.map((r) => Number(r.workflow)), ...(target === null ? [] : [target])])];
  const projected = (await statesOf(db, affected)).map((row) =>
    changed.has(String(row.id))
      ? {
          ...row,
          workflow: target ?? row.workflow,
          is_initial: payload['is_initial'] === undefined ? row.is_initial : payload['is_initial'],
          is_terminal: payload['is_terminal'] === undefined ? row.is_terminal : payload['is_terminal'],
        }
      : row,
  );
  const byWorkflow = group(projected);
  for (const workflow of affected) if (!byWorkflow.has(workflow)) byWorkflow.set(workflow, []);
  await assertStatesValid(db, byWorkflow);
}

export async function guardStateDelete(db: Knex, keys: readonly Key[]): Promise<void> {
  const removed = new Set(keys.map(String));
  const rows: StateRow[] = await db('cc_workflow_states').select(STATE_COLUMNS).whereIn('id', [...keys]);
  const affected = [...new Set(rows.map((r) => Number(r.workflow)))];
  const remaining = (await statesOf(db, affected)).filter((row) => !removed.has(String(row.id)));
  const byWorkflow = group(remaining);
  for (const workflow of affected) if (!byWorkflow.has(workflow)) byWorkflow.set(workflow, []);
  await assertStatesValid(db, byWorkflow);
}

/** Creates (keys null) and updates of transitions: states of their own workflow, real case fields, a capability key. */
export async function guardTransitionWrite(db: Knex, schema: SchemaOverview, keys: readonly Key[] | null, payload: Payload): Promise<void> {
  if (payload['capability'] !== undefined && !isCapabilityKey(payload['capability'])) throw new InvalidCapabilityError({ capability: payload['capability'] });
  if (keys !== null && ['workflow', 'from_state', 'to_state', 'required_fields'].every((field) => payload[field] === undefined)) return;
  const patch = {
    workflow: payload['workflow'] === undefined ? undefined : asId(payload['workflow'], 'workflow'),
    from_state: payload['from_state'] === undefined ? undefined : asId(payload['from_state'], 'from_state'),
    to_state: payload['to_state'] === undefined ? undefined : asId(payload['to_state'], 'to_state'),
  };
  const existing: Array<TransitionDraft & { name_zh: string | null }> =
    keys === null ? [] : await db('cc_workflow_transitions').select('name_zh', 'workflow', 'from_state', 'to_state', 'required_fields').whereIn('id', [...keys]);
  const drafts: TransitionDraft[] = (keys === null ? [{ name_zh: null, workflow: null, from_state: null, to_state: null, required_fields: [] }] : existing).map((row) => ({
    name: (payload['name_zh'] as string | undefined) ?? row.name_zh ?? null,
    workflow: patch.workflow === undefined ? row.workflow : patch.workflow,
    from_state: patch.from_state === undefined ? row.from_state : patch.from_state,
    to_state: patch.to_state === undefined ? row.to_state : patch.to_state,
    required_fields: payload['required_fields'] === undefined ? row.required_fields : payload['required_fields'],
  }));
  const stateIds = [...new Set(drafts.flatMap((d) => [d.from_state, d.to_state]).filter((id): id is number => id !== null))];
  const stateRows: StateRow[] = stateIds.length === 0 ? [] : await db('cc_workflow_states').select(STATE_COLUMNS).whereIn('id', stateIds);
  const states = new Map<number, StateLabel>(stateRows.map((s) => [Number(s.id), { workflow: Number(s.workflow), name: s.name_zh }]));
  const requirable = requirableCaseFields(Object.values(schema.collections['cc_cases']?.fields ?? {}));
  for (const draft of drafts) {
    const problems: WorkflowProblem[] = transitionProblems(draft, states, requirable);
    if (problems.length > 0) {
      throw new InvalidWorkflowError({ workflow: draft.workflow === null ? '?' : await workflowName(db, draft.workflow), problems, when: 'saving' });
    }
  }
}

/** A case can be opened only with a complete workflow; its initial state, or null when there is no such workflow. */
export async function usableInitialState(db: Knex, workflow: number): Promise<StateDef | null> {
  const { states } = await loadWorkflowDefinition(db, workflow);
  if (states.length === 0 && !(await db('cc_workflows').first('id').where('id', workflow))) return null;
  const problems = completenessProblems(states);
  if (problems.length > 0) throw new InvalidWorkflowError({ workflow: await workflowName(db, workflow), problems, when: 'opening_case' });
  return states.find((s) => s.is_initial) ?? null;
}
