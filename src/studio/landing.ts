import type { Knex } from 'knex';
import { relationKey } from '../directus/relation-key.ts';
import { ROLE_IDS } from '../access/model.ts';
import { executiveLanding } from '../insights/dashboards.ts';

/** Fixed preset ids of the bookmarks people land on (applied by host/apply-presentation.ts). */
export const BOOKMARKS = {
  myDepartmentOpenCases: 900011,
  myTasks: 900015,
} as const;

/**
 * Where a person first lands in Studio: Studio opens a person's `last_page` after sign-in, so a new
 * person gets their work as that page — their department's open cases when the department owns a
 * step of some workflow, else their open tasks. From then on Studio keeps `last_page` itself.
 */
export async function landingPage(db: Knex, department: string): Promise<string> {
  const ownsCases = await db('cc_workflow_states').first('id').where('owner_department', department);
  return ownsCases ? `/content/cc_cases?bookmark=${BOOKMARKS.myDepartmentOpenCases}` : `/content/cc_tasks?bookmark=${BOOKMARKS.myTasks}`;
}

/**
 * A new person of a department starts on their work, an executive (who belongs to no department) on
 * 协同总览, unless whoever creates them says otherwise.
 */
export async function withLandingPage(db: Knex, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (payload['last_page'] !== undefined && payload['last_page'] !== null) return payload;
  if (relationKey(payload['role']) === ROLE_IDS.executive) return { ...payload, last_page: executiveLanding() };
  const department = relationKey(payload['cc_department']);
  if (department === null) return payload;
  return { ...payload, last_page: await landingPage(db, String(department)) };
}
