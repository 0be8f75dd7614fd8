import type { Knex } from 'knex';
import { toDbTime } from '../directus/time.ts';
import { WORKFLOWS } from '../workflows/reference-workflows.ts';

/**
 * Seeds each reference workflow whose key is missing, whole (the workflow, its states and its
 * transitions in one transaction); existing workflows are the admins' to change. The workflow is
 * inserted or ignored on its unique key, so instances seeding at once add it once.
 */
export async function seedWorkflows(db: Knex): Promise<void> {
  const existing = new Set((await db('cc_workflows').select('key')).map((w: { key: string }) => w.key));
  for (const workflow of WORKFLOWS) {
    if (existing.has(workflow.key)) continue;
    await db.transaction(async (trx) => {
      const now = toDbTime(trx, new Date());
      const [created] = await trx('cc_workflows')
        .insert({
          key: workflow.key,
          name_zh: workflow.name_zh,
          name_en: workflow.name_en,
          case_type: workflow.case_type,
          resolution_sla_hours: workflow.resolution_sla_hours,
          description: workflow.description,
          date_created: now,
        })
        .onConflict('key')
        .ignore()
        .returning('id');
      if (created === undefined) return;
      const workflowId = idOf(created);
      const states = await trx('cc_workflow_states')
        .insert(
          workflow.states.map((state, sort) => ({
            workflow: workflowId,
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
        )
        .returning(['id', 'key']);
      const stateId = new Map((states as Array<{ id: number; key: string }>).map((s) => [s.key, s.id]));
      await trx('cc_workflow_transitions').insert(
        workflow.transitions.map((transition, sort) => ({
          workflow: workflowId,
          from_state: stateId.get(transition.from),
          to_state: stateId.get(transition.to),
          name_zh: transition.name_zh,
          name_en: transition.name_en,
          capability: transition.capability,
          required_fields: JSON.stringify(transition.required_fields ?? []),
          is_reopen: transition.is_reopen ?? false,
          is_resolution: transition.is_resolution ?? false,
          sort: sort + 1,
        })),
      );
    });
  }
}

function idOf(row: unknown): number {
  return Number(typeof row === 'object' && row !== null ? (row as { id: number }).id : row);
}
