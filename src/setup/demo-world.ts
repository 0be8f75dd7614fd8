import type { Knex } from 'knex';
import type { DemoWorld } from '../demo/plan.ts';
import { isCurrentMembership, isoDayOf } from '../organisation/composition.ts';
import { loadWorkflowDefinition } from '../workflows/workflow-store.ts';

/** Reads what the generator builds on: people, the live matrix, teams and workflow definitions. */
export async function readDemoWorld(db: Knex, now: Date): Promise<DemoWorld> {
  const departments = (await db('cc_departments').select('code').orderBy('code')).map((row: { code: string }) => row.code);
  const users: Array<{ id: string; cc_department: string }> = await db('directus_users')
    .select('id', 'cc_department')
    .whereNotNull('cc_department')
    .andWhere('status', 'active')
    .orderBy('email');
  const staff: Record<string, string[]> = Object.fromEntries(departments.map((d: string) => [d, []]));
  for (const user of users) staff[user.cc_department]?.push(user.id);
  const capabilities: Record<string, string[]> = Object.fromEntries(departments.map((d: string) => [d, []]));
  for (const row of await db('cc_authorities').select('department', 'capability').orderBy('id')) capabilities[row.department]?.push(row.capability);
  const today = isoDayOf(now) as string;
  const teams = await db('cc_teams').select('id', 'lead').where('status', 'active').orderBy('id');
  const memberships: Array<{ team: number; user: string; since: unknown; until: unknown }> = await db('cc_team_members').select('team', 'user', 'since', 'until');
  const workflows: Array<{ id: number; key: string; case_type: string; resolution_sla_hours: number | string }> = await db('cc_workflows')
    .select('id', 'key', 'case_type', 'resolution_sla_hours')
    .orderBy('id');
  const definitions = await Promise.all(workflows.map((w) => loadWorkflowDefinition(db, w.id)));
  return {
    now,
    departments,
    staff,
    capabilities,
    teams: teams.map((team: { id: number; lead: string | null }) => ({
      id: team.id,
      lead: team.lead,
      members: [
        ...new Set(
          memberships
            .filter((m) => m.team === team.id && isCurrentMembership({ since: isoDayOf(m.since), until: isoDayOf(m.until) }, today))
            .map((m) => m.user),
        ),
      ],
    })),
    workflows: workflows.map((w, index) => ({
      id: w.id,
      key: w.key,
      case_type: w.case_type,
      resolution_sla_hours: Number(w.resolution_sla_hours),
      states: definitions[index]!.states.map((s) => ({ ...s, response_sla_hours: s.response_sla_hours ?? 0 })),
      transitions: definitions[index]!.transitions,
    })),
  };
}
