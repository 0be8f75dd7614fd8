import { relationKey } from '../directus/relation-key.ts';

/**
 * Table 1 as a rule: a cross-department team may be *active* only while every department with a
 * composition rule has at least its minimum number of current members in the team.
 * Pure functions; the SQL that feeds them lives in composition-store.ts.
 */

export interface CompositionRule {
  department: string;
  minimum: number;
  recommended: number | null;
}

export interface DepartmentLabel {
  code: string;
  name_zh: string;
  name_en: string | null;
}

export interface CompositionLine {
  department: string;
  name_zh: string;
  name_en: string | null;
  minimum: number;
  recommended: number | null;
  members: number;
  /** Representatives still needed to reach the minimum (0 when met). */
  shortfall: number;
  /** Representatives still needed to reach the recommendation (0 when met or none set). */
  belowRecommended: number;
}

/** Stands for the id of a team that is not saved yet. */
export const NEW_TEAM = '__new__';

export interface CompositionAssessment {
  lines: CompositionLine[];
  gaps: CompositionLine[];
  satisfied: boolean;
}

export function assessComposition(
  rules: readonly CompositionRule[],
  headcount: ReadonlyMap<string, number>,
  labels: ReadonlyMap<string, DepartmentLabel>,
): CompositionAssessment {
  const lines = rules.map((rule): CompositionLine => {
    const members = headcount.get(rule.department) ?? 0;
    const label = labels.get(rule.department);
    return {
      department: rule.department,
      name_zh: label?.name_zh ?? rule.department,
      name_en: label?.name_en ?? null,
      minimum: rule.minimum,
      recommended: rule.recommended,
      members,
      shortfall: Math.max(0, rule.minimum - members),
      belowRecommended: rule.recommended === null ? 0 : Math.max(0, rule.recommended - members),
    };
  });
  const gaps = lines.filter((line) => line.shortfall > 0);
  return { lines, gaps, satisfied: gaps.length === 0 };
}

/** One sentence per gap, bilingual so the refusal is readable whatever the user's language. */
export function describeGaps(gaps: readonly CompositionLine[]): string {
  return gaps
    .map((g) => `${g.name_zh}${g.name_en ? ` (${g.name_en})` : ''} ${g.members}/${g.minimum}`)
    .join('; ');
}

/**
 * A membership row as far as composition cares. `since` is the first day of membership and `until`
 * the last, both inclusive (an empty bound is open) — the meaning metrics.md gives it everywhere.
 */
export interface MembershipRow {
  id?: number | string;
  team: number | string | null;
  user: string | null;
  since: string | null;
  until: string | null;
}

/** Is the membership current on `day` (ISO date, YYYY-MM-DD)? `until` is its last day. */
export function isCurrentMembership(row: Pick<MembershipRow, 'since' | 'until'>, day: string): boolean {
  const since = isoDayOf(row.since);
  const until = isoDayOf(row.until);
  return (since === null || since <= day) && (until === null || until >= day);
}

/** The calendar day after `day` (YYYY-MM-DD). */
export function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** A membership with the department its person counts for. */
export interface DatedMember {
  user: string;
  department: string | null;
  since: string | null;
  until: string | null;
}

/** What a team's composition depends on: the rules, and its memberships with their dates. */
export interface DatedComposition {
  rules: readonly CompositionRule[];
  members: readonly DatedMember[];
}

export interface DayAssessment extends CompositionAssessment {
  day: string;
}

/**
 * The days from `today` on on which headcounts can change: today, every later first day, and
 * every day after a last day that is today or later. Between two of them nothing changes, so
 * judging these days judges every future day.
 */
export function boundaryDays(members: Iterable<Pick<DatedMember, 'since' | 'until'>>, today: string): string[] {
  const days = new Set([today]);
  for (const member of members) {
    const since = isoDayOf(member.since);
    const until = isoDayOf(member.until);
    if (since !== null && since > today) days.add(since);
    if (until !== null && until >= today) days.add(dayAfter(until));
  }
  return [...days].sort();
}

/** People per department on `day`, each counted once however many rows they have. */
export function headcountOn(members: readonly DatedMember[], day: string): Map<string, number> {
  const users = new Map<string, Set<string>>();
  for (const member of members) {
    if (!member.department || !isCurrentMembership(member, day)) continue;
    const set = users.get(member.department) ?? new Set<string>();
    set.add(member.user);
    users.set(member.department, set);
  }
  return new Map([...users].map(([department, set]) => [department, set.size]));
}

export function assessOn(composition: DatedComposition, labels: ReadonlyMap<string, DepartmentLabel>, day: string): DayAssessment {
  return { day, ...assessComposition(composition.rules, headcountOn(composition.members, day), labels) };
}

/**
 * The first day from `today` on on which `after` leaves a department further below its minimum
 * than `before` leaves it that day — or, with no `before` (a team becoming active), below its
 * minimum at all. Null when no day is worse: a change is judged on every future day it affects.
 */
export function firstWorsenedDay(
  before: DatedComposition | null,
  after: DatedComposition,
  labels: ReadonlyMap<string, DepartmentLabel>,
  today: string,
): DayAssessment | null {
  for (const day of boundaryDays([...(before?.members ?? []), ...after.members], today)) {
    const assessment = assessOn(after, labels, day);
    if (assessment.satisfied) continue;
    if (!before) return assessment;
    const previously = new Map(assessOn(before, labels, day).lines.map((line) => [line.department, line.shortfall]));
    if (assessment.gaps.some((line) => line.shortfall > (previously.get(line.department) ?? 0))) return assessment;
  }
  return null;
}

export interface MembershipChanges {
  create: Array<Partial<MembershipRow>>;
  update: Array<Partial<MembershipRow> & { id: number | string }>;
  delete: Array<number | string>;
}

/**
 * The team's memberships as they will be after `changes`: the rows of other teams moved in, the
 * deleted and moved-away rows gone, the updated rows merged.
 */
export function projectMemberships(
  teamId: number | string,
  existing: readonly MembershipRow[],
  changes: MembershipChanges,
): MembershipRow[] {
  const deleted = new Set(changes.delete.map(String));
  const updates = new Map(changes.update.map((u) => [String(u.id), u]));
  const result: MembershipRow[] = [];
  const seen = new Set<string>();
  for (const row of existing) {
    const key = String(row.id);
    seen.add(key);
    if (deleted.has(key)) continue;
    const merged = { ...row, ...updates.get(key) };
    if (String(merged.team) === String(teamId)) result.push(merged);
  }
  for (const [key, update] of updates) {
    if (seen.has(key) || deleted.has(key)) continue;
    // A row of another team moved into this one: only the updated fields are known here.
    if (update.team !== undefined && String(update.team) === String(teamId)) {
      result.push({ team: teamId, user: update.user ?? null, since: update.since ?? null, until: update.until ?? null, id: update.id });
    }
  }
  for (const row of changes.create) {
    const team = row.team ?? teamId;
    if (String(team) !== String(teamId)) continue;
    result.push({ team, user: row.user ?? null, since: row.since ?? null, until: row.until ?? null });
  }
  return result;
}

/**
 * Reads Directus's nested O2M payload (`members` on a team) into changes, as Directus will apply
 * them: the detailed form `{ create, update, delete }`, the replacing array form (ids or objects;
 * current rows left out are deleted) and `null` (every row removed). Every created or listed row
 * ends up in this team, wherever it was before.
 */
export function nestedMembershipChanges(
  nested: unknown,
  existingIds: ReadonlyArray<number | string>,
  teamId: number | string,
): MembershipChanges | null {
  const changes: MembershipChanges = { create: [], update: [], delete: [] };
  const intoTeam = (entry: Record<string, unknown>) => ({ ...toMembershipPatch(entry), team: teamId });
  if (nested === undefined) return null;
  if (nested === null) return { ...changes, delete: [...existingIds] };
  if (Array.isArray(nested)) {
    const kept = new Set<string>();
    const current = new Set(existingIds.map(String));
    for (const entry of nested) {
      if (typeof entry === 'number' || typeof entry === 'string') {
        kept.add(String(entry));
        if (!current.has(String(entry))) changes.update.push({ id: entry, team: teamId });
      } else if (isRecord(entry) && (typeof entry['id'] === 'number' || typeof entry['id'] === 'string')) {
        kept.add(String(entry['id']));
        changes.update.push({ ...intoTeam(entry), id: entry['id'] });
      } else if (isRecord(entry)) changes.create.push(intoTeam(entry));
    }
    changes.delete = existingIds.filter((id) => !kept.has(String(id)));
    return changes;
  }
  if (isRecord(nested)) {
    for (const entry of asArray(nested['create'])) if (isRecord(entry)) changes.create.push(intoTeam(entry));
    for (const entry of asArray(nested['update'])) {
      if (isRecord(entry) && (typeof entry['id'] === 'number' || typeof entry['id'] === 'string')) {
        changes.update.push({ ...intoTeam(entry), id: entry['id'] });
      }
    }
    for (const id of asArray(nested['delete'])) if (typeof id === 'number' || typeof id === 'string') changes.delete.push(id);
    return changes;
  }
  return null;
}

export function toMembershipPatch(entry: Record<string, unknown>): Partial<MembershipRow> {
  const patch: Partial<MembershipRow> = {};
  if ('id' in entry) patch.id = entry['id'] as number | string;
  if ('team' in entry) patch.team = relationKey(entry['team']);
  if ('user' in entry) patch.user = relationKey(entry['user']) as string | null;
  if ('since' in entry) patch.since = isoDayOf(entry['since']);
  if ('until' in entry) patch.until = isoDayOf(entry['until']);
  return patch;
}

/**
 * A date as YYYY-MM-DD. Drivers differ: SQLite hands back what was stored (text, or epoch
 * milliseconds for values Directus wrote as numbers), PostgreSQL a Date.
 */
export function isoDayOf(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'number') return new Date(value).toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
