import type { Knex } from 'knex';
import {
  assessComposition,
  firstWorsenedDay,
  headcountOn,
  isoDayOf,
  projectMemberships,
  type CompositionAssessment,
  type CompositionRule,
  type DatedComposition,
  type DatedMember,
  type DayAssessment,
  type DepartmentLabel,
  type MembershipChanges,
  type MembershipRow,
} from './composition.ts';

const NO_CHANGES: MembershipChanges = { create: [], update: [], delete: [] };

export function isoDay(date: Date = new Date()): string {
  return date.toISOString().slice(0, 10);
}

/**
 * One team's memberships (as they are, or as they would be after `changes`) with each person's
 * department, and the rules. It reads only that team's membership rows (a handful) because
 * pending changes must be merged with them before counting; the counting itself is trivial at
 * that size.
 */
export async function loadDatedComposition(
  db: Knex,
  teamId: number | string,
  changes: MembershipChanges = NO_CHANGES,
  withRules?: readonly CompositionRule[],
): Promise<DatedComposition> {
  const [rules, existing] = await Promise.all([withRules ?? loadRules(db), loadMemberships(db, teamId)]);
  const movedIn = await completeMovedInRows(db, existing, changes);
  const projected = projectMemberships(teamId, existing, movedIn).filter((row) => row.user);
  const departmentOf = await departmentsOfUsers(db, projected.map((row) => row.user as string));
  const members: DatedMember[] = projected.map((row) => ({
    user: row.user as string,
    department: departmentOf.get(row.user as string) ?? null,
    since: isoDayOf(row.since),
    until: isoDayOf(row.until),
  }));
  return { rules, members };
}

/** One team's composition on `today`, as it is or as it would be after `changes`. */
export async function assessTeamComposition(
  db: Knex,
  teamId: number | string,
  changes: MembershipChanges = NO_CHANGES,
  today: string = isoDay(),
  withRules?: readonly CompositionRule[],
): Promise<CompositionAssessment> {
  const [composition, labels] = await Promise.all([loadDatedComposition(db, teamId, changes, withRules), loadDepartmentLabels(db)]);
  return assessComposition(composition.rules, headcountOn(composition.members, today), labels);
}

/**
 * The first day from today on on which the team (as it is, or after `changes`) misses a minimum,
 * or null: what activating it is judged on.
 */
export async function firstCompositionGap(db: Knex, teamId: number | string, changes?: MembershipChanges, today: string = isoDay()): Promise<DayAssessment | null> {
  const [composition, labels] = await Promise.all([loadDatedComposition(db, teamId, changes), loadDepartmentLabels(db)]);
  return firstWorsenedDay(null, composition, labels, today);
}

/** Rows moved in from another team arrive as ids; their user and dates come from the database. */
async function completeMovedInRows(db: Knex, existing: readonly MembershipRow[], changes: MembershipChanges): Promise<MembershipChanges> {
  const known = new Set(existing.map((row) => String(row.id)));
  const foreign = changes.update.filter((update) => !known.has(String(update.id))).map((update) => update.id);
  if (foreign.length === 0) return changes;
  const rows: MembershipRow[] = await db('cc_team_members').select('id', 'team', 'user', 'since', 'until').whereIn('id', foreign);
  const byId = new Map(rows.map((row) => [String(row.id), row]));
  return {
    ...changes,
    update: changes.update.map((update) => ({ ...byId.get(String(update.id)), ...update })),
  };
}

export async function loadRules(db: Knex): Promise<CompositionRule[]> {
  const rows = await db('cc_composition_rules').select('department', 'minimum', 'recommended').orderBy('id');
  return rows.map((row: { department: string; minimum: number | string; recommended: number | string | null }) => ({
    department: row.department,
    minimum: Number(row.minimum),
    recommended: row.recommended === null ? null : Number(row.recommended),
  }));
}

export async function loadDepartmentLabels(db: Knex): Promise<Map<string, DepartmentLabel>> {
  const rows: DepartmentLabel[] = await db('cc_departments').select('code', 'name_zh', 'name_en');
  return new Map(rows.map((row) => [row.code, row]));
}

export async function loadMemberships(db: Knex, teamId: number | string): Promise<MembershipRow[]> {
  // A team being created (the create guard's placeholder key) has no rows yet; PostgreSQL, unlike
  // SQLite, refuses to compare the integer key with such a placeholder.
  if (!/^\d+$/.test(String(teamId))) return [];
  return db('cc_team_members').select('id', 'team', 'user', 'since', 'until').where('team', teamId);
}

export async function departmentsOfUsers(db: Knex, userIds: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return new Map();
  const rows: Array<{ id: string; cc_department: string | null }> = await db('directus_users')
    .select('id', 'cc_department')
    .whereIn('id', unique);
  return new Map(rows.filter((row) => row.cc_department).map((row) => [row.id, row.cc_department as string]));
}

export async function teamStatus(db: Knex, teamId: number | string): Promise<{ name: string; status: string } | undefined> {
  return db('cc_teams').select('name', 'status').where('id', teamId).first();
}
