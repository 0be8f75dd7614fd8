import type { Accountability } from '@directus/types';
import type { Knex } from 'knex';
import { isCapabilityKey } from './capabilities.ts';
import { NEW_TEAM, nestedMembershipChanges, type MembershipChanges } from './composition.ts';
import { firstCompositionGap, isoDay } from './composition-store.ts';
import { judgeTeam, noteMembershipRemovals, teamState } from './composition-judge.ts';
import { relationKey } from '../directus/relation-key.ts';
import { departmentsHeadedBy, teamsLedBy, userCapabilities, userDepartment } from './authority-store.ts';
import { assertTeamNameFree } from './team-names.ts';
import {
  CompositionBelowMinimumError,
  DepartmentScopeError,
  DuplicateCapabilityError,
  InvalidCapabilityError,
  InvalidPayloadError,
  MissingCapabilityError,
  SelfAppointmentError,
  TeamScopeError,
} from '../errors.ts';

/**
 * Write guards for the organisation collections. Each runs inside the write's own transaction
 * (`db` is the transaction Directus hands the filter), before anything is written, so a refusal
 * leaves nothing behind. Business rules apply to everyone; scope rules skip admins and the system.
 */

type Key = number | string;
type Payload = Record<string, unknown>;

function isPrivileged(accountability: Accountability | null): boolean {
  return accountability === null || accountability.admin === true || accountability.user === null;
}

/** A team created active meets every minimum today and on every later day its members' dates reach. */
async function assertComposition(db: Knex, teamId: Key, teamName: string, changes?: MembershipChanges): Promise<void> {
  const today = isoDay();
  const gap = await firstCompositionGap(db, teamId, changes, today);
  if (gap) throw new CompositionBelowMinimumError({ team: teamName, gaps: gap.gaps, ...(gap.day > today ? { from: gap.day } : {}) });
}

export async function guardTeamCreate(db: Knex, payload: Payload): Promise<void> {
  validateTeamStatus(payload['status']);
  await assertTeamNameFree(db, payload['name']);
  if (payload['status'] !== 'active') return;
  const changes = nestedMembershipChanges(payload['members'] ?? [], [], NEW_TEAM) ?? undefined;
  await assertComposition(db, NEW_TEAM, String(payload['name'] ?? ''), changes);
}

function validateTeamStatus(status: unknown): void {
  if (status === undefined) return;
  if (status !== 'forming' && status !== 'active' && status !== 'archived') {
    throw new InvalidPayloadError({ field: 'status', reason: { 'zh-CN': '请用 forming(组建中)、active(运行中)或 archived(已归档)', 'en-US': 'use one of forming, active, archived' } });
  }
}

export async function guardMemberCreate(db: Knex, accountability: Accountability | null, payload: Payload): Promise<void> {
  const team = relationKey(payload['team']);
  if (team === null) return; // Directus itself refuses the missing required field.
  // Adding a member can only raise a department's count, so no composition check is needed here.
  // That matters: Directus creates a team's nested members one by one, after the team-level guard
  // has already checked the final composition.
  await assertMayManageMembers(db, accountability, [team]);
}

/** Moving a membership into a team is the target team's lead's (or HR's) to do; composition is judged on the result (composition-judge.ts). */
export async function guardMemberUpdate(db: Knex, accountability: Accountability | null, payload: Payload): Promise<void> {
  const target = relationKey(payload['team']);
  if (target !== null) await assertMayManageMembers(db, accountability, [target]);
}

/**
 * Removing members, checked before Directus deletes them for a refusal that names the gaps; the
 * same judgement runs again inside the delete's transaction, with the team locked (races).
 */
export async function guardMemberDelete(db: Knex, keys: readonly Key[]): Promise<void> {
  const rows: Array<{ team: Key }> = await db('cc_team_members').distinct('team').whereIn('id', [...keys]);
  for (const { team } of rows) {
    judgeTeam(await teamState(db, team), await teamState(db, team, { create: [], update: [], delete: [...keys] }));
  }
  await noteMembershipRemovals(db, keys);
}

/**
 * A team's status (forming, active, archived) is the team builders' to change: HR (`team.build`)
 * and admins. A lead edits their team but does not archive or activate it.
 */
export async function guardTeamStatus(db: Knex, accountability: Accountability | null, keys: readonly Key[], payload: Payload): Promise<void> {
  if (payload['status'] === undefined || isPrivileged(accountability)) return;
  const user = accountability?.user as string;
  if ((await userCapabilities(db, user)).has('team.build')) return;
  const rows: Array<{ status: string }> = await db('cc_teams').select('status').whereIn('id', [...keys]);
  if (rows.every((row) => row.status === payload['status'])) return;
  throw new MissingCapabilityError({
    capability: 'team.build',
    department: await userDepartment(db, user),
    action: { 'zh-CN': '启用、归档或重新组建团队(更改团队状态)', 'en-US': "Activating, archiving or re-forming a team (changing its status)" },
  });
}

/** Native permissions already limit update/delete to the lead's own teams; creation needs this check. */
async function assertMayManageMembers(db: Knex, accountability: Accountability | null, teams: readonly Key[]): Promise<void> {
  if (isPrivileged(accountability)) return;
  const user = accountability?.user as string;
  if ((await userCapabilities(db, user)).has('team.build')) return;
  const led = await teamsLedBy(db, user);
  for (const team of teams) if (!led.has(String(team))) throw new TeamScopeError({ team: String(team) });
}

/** Duties and authorities: a non-admin writer may only place rows in a department they head. */
export async function guardDepartmentScope(
  db: Knex,
  accountability: Accountability | null,
  collection: string,
  payload: Payload,
): Promise<void> {
  if (isPrivileged(accountability) || payload['department'] === undefined) return;
  const department = relationKey(payload['department']);
  const headed = await departmentsHeadedBy(db, accountability?.user as string);
  if (department === null || !headed.has(String(department))) {
    throw new DepartmentScopeError({ department: department === null ? null : String(department), collection });
  }
}

export async function guardAuthorityCreate(db: Knex, payload: Payload): Promise<void> {
  const capability = payload['capability'];
  if (!isCapabilityKey(capability)) throw new InvalidCapabilityError({ capability });
  const department = relationKey(payload['department']);
  if (department !== null) await assertCapabilityNotHeld(db, String(department), capability, []);
}

export async function guardAuthorityUpdate(db: Knex, keys: readonly Key[], payload: Payload): Promise<void> {
  if (payload['capability'] === undefined && payload['department'] === undefined) return;
  if (payload['capability'] !== undefined && !isCapabilityKey(payload['capability'])) {
    throw new InvalidCapabilityError({ capability: payload['capability'] });
  }
  const rows: Array<{ id: Key; department: string; capability: string }> = await db('cc_authorities')
    .select('id', 'department', 'capability')
    .whereIn('id', [...keys]);
  const planned = new Set<string>();
  for (const row of rows) {
    const department = String(relationKey(payload['department']) ?? row.department);
    const capability = (payload['capability'] as string | undefined) ?? row.capability;
    // One payload applied to several rows can itself give a department the same capability twice.
    if (planned.has(`${department}|${capability}`)) throw new DuplicateCapabilityError({ department, capability });
    planned.add(`${department}|${capability}`);
    await assertCapabilityNotHeld(db, department, capability, keys);
  }
}

/** Table 1 numbers must be whole and not negative (SQLite would otherwise store anything). */
export function guardCompositionRule(payload: Payload): void {
  for (const field of ['minimum', 'recommended']) {
    const raw = payload[field];
    if (raw === undefined || (raw === null && field === 'recommended')) continue;
    // CSV imports deliver numbers as text.
    const value = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1000) {
      throw new InvalidPayloadError({ field, reason: { 'zh-CN': '请填写 0 到 1000 之间的整数', 'en-US': 'use a whole number from 0 to 1000' } });
    }
  }
}

async function assertCapabilityNotHeld(db: Knex, department: string, capability: string, except: readonly Key[]): Promise<void> {
  const clash = await db('cc_authorities')
    .first('id')
    .where({ department, capability })
    .whereNotIn('id', [...except]);
  if (clash) throw new DuplicateCapabilityError({ department, capability });
}

/**
 * Nobody makes themselves a team's lead: leading brings the manager policy (people-sync.ts), so
 * HR (team.build) could otherwise give itself a manager's rights over any team. Someone else
 * appoints a lead — another member of HR or an administrator. Joining a team as a member is HR's
 * everyday work (its own representative included) and brings no policy, so it stays open.
 */
export function guardSelfAppointment(accountability: Accountability | null, payload: Payload): void {
  if (isPrivileged(accountability) || payload['lead'] === undefined || payload['lead'] === null) return;
  if (String(relationKey(payload['lead'])) === accountability?.user) throw new SelfAppointmentError({ collection: 'cc_teams', field: 'lead' });
}
