import type { Knex } from 'knex';
import type { StateDef, TransitionDef, WorkflowDefinition } from './transition-rules.ts';

/** Workflow definitions are read live on each use: an admin's edit applies to the next request. */
export async function loadWorkflowDefinition(db: Knex, workflowId: number): Promise<WorkflowDefinition> {
  const [states, transitions] = await Promise.all([
    db('cc_workflow_states').select('*').where('workflow', workflowId).orderBy(['sort', 'id']),
    db('cc_workflow_transitions').select('*').where('workflow', workflowId).orderBy(['sort', 'id']),
  ]);
  return {
    states: states.map(toState),
    transitions: transitions.map(toTransition),
  };
}

function toState(row: Record<string, unknown>): StateDef {
  return {
    id: Number(row['id']),
    workflow: Number(row['workflow']),
    key: String(row['key']),
    name_zh: String(row['name_zh']),
    name_en: (row['name_en'] as string | null) ?? null,
    owner_department: String(row['owner_department']),
    response_sla_hours: row['response_sla_hours'] === null ? null : Number(row['response_sla_hours']),
    resolution_sla_hours: row['resolution_sla_hours'] === null ? null : Number(row['resolution_sla_hours']),
    is_initial: Boolean(row['is_initial']),
    is_terminal: Boolean(row['is_terminal']),
  };
}

function toTransition(row: Record<string, unknown>): TransitionDef {
  return {
    id: Number(row['id']),
    workflow: Number(row['workflow']),
    from_state: Number(row['from_state']),
    to_state: Number(row['to_state']),
    name_zh: String(row['name_zh']),
    name_en: (row['name_en'] as string | null) ?? null,
    capability: String(row['capability']),
    required_fields: parseList(row['required_fields']),
    is_reopen: Boolean(row['is_reopen']),
    is_resolution: Boolean(row['is_resolution']),
  };
}

export function parseList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string' && value.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(value);
      return Array.isArray(parsed) ? parsed.map(String) : [];
    } catch {
      return value.split(',').map((s) => s.trim()).filter(Boolean);
    }
  }
  return [];
}
