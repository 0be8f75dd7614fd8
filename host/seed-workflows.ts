import type { AdminApi } from './admin-api.ts';
import { WORKFLOWS } from '../src/workflows/reference-workflows.ts';

/** Seeds each reference workflow whose key is missing; existing workflows are the admins' to change. */
export async function seedWorkflows(api: AdminApi): Promise<void> {
  const existing = new Set((await api.get<Array<{ key: string }>>('/items/cc_workflows', { fields: 'key', limit: -1 })).map((w) => w.key));
  for (const workflow of WORKFLOWS) {
    if (existing.has(workflow.key)) continue;
    const created = await api.post<{ id: number }>('/items/cc_workflows', {
      key: workflow.key,
      name_zh: workflow.name_zh,
      name_en: workflow.name_en,
      case_type: workflow.case_type,
      resolution_sla_hours: workflow.resolution_sla_hours,
      description: workflow.description,
    });
    const states = await api.post<Array<{ id: number; key: string }>>(
      '/items/cc_workflow_states',
      workflow.states.map((state, sort) => ({
        workflow: created.id,
        key: state.key,
        name_zh: state.name_zh,
        name_en: state.name_en,
        owner_department: state.owner,
        response_sla_hours: state.response_sla_hours,
        resolution_sla_hours: state.resolution_sla_hours,
        is_initial: state.is_initial ?? false,
        is_terminal: state.is_terminal ?? false,
        sort: sort + 1,
      })),
    );
    const stateId = new Map(states.map((s) => [s.key, s.id]));
    await api.post(
      '/items/cc_workflow_transitions',
      workflow.transitions.map((transition, sort) => ({
        workflow: created.id,
        from_state: stateId.get(transition.from),
        to_state: stateId.get(transition.to),
        name_zh: transition.name_zh,
        name_en: transition.name_en,
        capability: transition.capability,
        required_fields: transition.required_fields ?? [],
        is_reopen: transition.is_reopen ?? false,
        is_resolution: transition.is_resolution ?? false,
        sort: sort + 1,
      })),
    );
  }
}
