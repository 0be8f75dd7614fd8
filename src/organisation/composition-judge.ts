import type { Knex } from 'knex';
import { CompositionBelowMinimumError } from '../errors.ts';
import type { UpdateJudge, UpdateRequest } from '../integrity/judged-updates.ts';
import { relationKey } from '../directus/relation-key.ts';
import { lockRows } from '../directus/row-locks.ts';
import { firstWorsenedDay, type CompositionRule, type DatedComposition, type DepartmentLabel, type MembershipChanges, type MembershipRow } from './composition.ts';
import { isoDay, loadDatedComposition, loadDepartmentLabels, loadRules, teamStatus } from './composition-store.ts';

/**
 * Table 1 as an invariant every write keeps: a team becomes active only when every department meets
 * its minimum, and while it is active no change — removing or ending a membership, moving a member
 * to another team or department, raising a minimum — may widen a department's shortfall. A change
 * that narrows a shortfall an active team already has (a membership that ended, a minimum raised
 * before) is allowed. Every day from today on that the change affects is judged, not only today:
 * ending a membership tomorrow is refused as ending it today is. Judged with the affected teams
 * locked, on the state the write leaves.
 */

type Key = number | string;

export interface TeamState {
  id: string;
  name: string;
  status: string;
  composition: DatedComposition;
  labels: ReadonlyMap<string, DepartmentLabel>;
  today: string;
}

export async function teamState(db: Knex, team: Key, changes?: MembershipChanges, rules?: readonly CompositionRule[]): Promise<TeamState | null> {
  const current = await teamStatus(db, team);
  if (!current) return null;
  const [composition, labels] = await Promise.all([loadDatedComposition(db, team, changes, rules), loadDepartmentLabels(db)]);
  return { id: String(team), name: current.name, status: current.status, composition, labels, today: isoDay() };
}

/**
 * Refuses `after` if it activates a team that is, or is scheduled to be, below a minimum, or if it
 * widens an active team's shortfall on any day from today on (a membership ending tomorrow counts
 * the day after tomorrow).
 */
export function judgeTeam(before: TeamState | null, after: TeamState | null): void {
  if (!after || after.status !== 'active') return;
  const wasActive = before !== null && before.status === 'active';
  const worse = firstWorsenedDay(wasActive ? before.composition : null, after.composition, after.labels, after.today);
  if (worse) throw new CompositionBelowMinimumError({ team: after.name, gaps: worse.gaps, ...(worse.day > after.today ? { from: worse.day } : {}) });
}

/** Locks the teams and notes their state; `judge` then compares with the state after the change. */
export async function noteTeams(db: Knex, teams: readonly Key[]): Promise<Map<string, TeamState | null>> {
  const ids = [...new Set(teams.map(String))];
  await lockRows(db, 'cc_teams', 'id', ids);
  const noted = new Map<string, TeamState | null>();
  for (const id of ids) noted.set(id, await teamState(db, id));
  return noted;
}

export async function judgeNotedTeams(db: Knex, noted: ReadonlyMap<string, TeamState | null>): Promise<void> {
  for (const [id, before] of noted) judgeTeam(before, await teamState(db, id));
}

/** An update of teams, memberships, rules or people's departments, judged on the state it leaves. */
export const compositionJudge: UpdateJudge<Map<string, TeamState | null>> = {
  reads: {
    cc_teams: ['status', 'members'],
    cc_team_members: ['team', 'user', 'since', 'until'],
    cc_composition_rules: ['minimum', 'department'],
    directus_users: ['cc_department'],
  },
  async before(trx: Knex, request: UpdateRequest) {
    return noteTeams(trx, await teamsConcerned(trx, request));
  },
  async after(trx: Knex, noted) {
    await judgeNotedTeams(trx, noted);
  },
};

async function teamsConcerned(db: Knex, { collection, keys, payload }: UpdateRequest): Promise<Key[]> {
  switch (collection) {
    case 'cc_teams':
      return [...keys];
    case 'cc_team_members': {
      const rows: Array<{ team: Key }> = await db('cc_team_members').distinct('team').whereIn('id', [...keys]);
      const target = relationKey(payload['team']);
      return [...rows.map((row) => row.team), ...(target === null ? [] : [target])];
    }
    case 'directus_users': {
      const rows: Array<{ team: Key }> = await db('cc_team_members').distinct('team').whereIn('user', [...keys]);
      return rows.map((row) => row.team);
    }
    case 'cc_composition_rules':
      return activeTeams(db);
    default:
      return [];
  }
}

async function activeTeams(db: Knex): Promise<Key[]> {
  const rows: Array<{ id: Key }> = await db('cc_teams').select('id').where('status', 'active');
  return rows.map((row) => row.id);
}

/** A new rule may not open a shortfall in an active team. Runs in the create's own transaction, before the insert. */
export async function judgeNewRule(db: Knex, rule: Record<string, unknown>): Promise<void> {
  const department = relationKey(rule['department']);
  const minimum = Number(rule['minimum']);
  if (department === null || !Number.isFinite(minimum)) return;
  const existing = await loadRules(db);
  const added: CompositionRule = { department: String(department), minimum, recommended: rule['recommended'] === undefined || rule['recommended'] === null ? null : Number(rule['recommended']) };
  const noted = await noteTeams(db, await activeTeams(db));
  for (const [id, before] of noted) judgeTeam(before, await teamState(db, id, undefined, [...existing, added]));
}

/**
 * Deleted memberships, as they were, for the judgement Directus's delete transaction reaches after
 * the rows are gone (its activity record). Kept briefly; one entry per row.
 */
const removals = new Map<string, { row: MembershipRow; at: number }>();

export async function noteMembershipRemovals(db: Knex, keys: readonly Key[]): Promise<void> {
  const rows: MembershipRow[] = await db('cc_team_members').select('id', 'team', 'user', 'since', 'until').whereIn('id', [...keys]);
  const now = Date.now();
  for (const [key, entry] of removals) if (now - entry.at > 60_000) removals.delete(key);
  for (const row of rows) removals.set(String(row.id), { row, at: now });
}

/** Inside the delete's transaction, after the row is gone: the team without it, against the team with it. */
export async function judgeMembershipRemoval(db: Knex, key: Key): Promise<void> {
  const entry = removals.get(String(key));
  if (!entry || entry.row.team === null) return;
  removals.delete(String(key));
  const team = entry.row.team;
  await lockRows(db, 'cc_teams', 'id', [team]);
  const after = await teamState(db, team);
  const before = await teamState(db, team, { create: [entry.row], update: [], delete: [] });
  judgeTeam(before, after);
}
