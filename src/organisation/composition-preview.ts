import type { Knex } from 'knex';
import { InvalidPayloadError } from '../errors.ts';
import { NEW_TEAM, nestedMembershipChanges, type CompositionAssessment } from './composition.ts';
import { assessTeamComposition, firstCompositionGap, loadMemberships } from './composition-store.ts';

/**
 * The composition a team form shows while the team is being built: the stored members with the
 * form's staged additions, changes and removals (its unsaved `members` value, in any of the forms
 * Directus accepts), or, for a team not saved yet, the staged members alone. The same rules the
 * guard applies when the form is saved; `firstGapOn` is the first day from today on that misses a
 * minimum (activating is judged on every such day), null when none.
 */
export async function previewTeamComposition(db: Knex, team: number | null, members: unknown): Promise<CompositionAssessment & { firstGapOn: string | null }> {
  if (members !== undefined && members !== null && typeof members !== 'object') {
    throw new InvalidPayloadError({ field: 'members', reason: { 'zh-CN': '应为团队表单中成员字段的值', 'en-US': "the value of the team form's members field" } });
  }
  if (countEntries(members) > 1000) throw new InvalidPayloadError({ field: 'members', reason: { 'zh-CN': '最多 1000 条成员变更', 'en-US': 'at most 1000 member changes' } });
  const teamId = team ?? NEW_TEAM;
  const existing = team === null ? [] : (await loadMemberships(db, team)).map((row) => row.id as number | string);
  const changes = nestedMembershipChanges(members, existing, teamId) ?? undefined;
  const [assessment, gap] = await Promise.all([assessTeamComposition(db, teamId, changes), firstCompositionGap(db, teamId, changes)]);
  return { ...assessment, firstGapOn: gap?.day ?? null };
}

function countEntries(members: unknown): number {
  if (Array.isArray(members)) return members.length;
  if (typeof members !== 'object' || members === null) return 0;
  return ['create', 'update', 'delete'].reduce((sum, key) => sum + (Array.isArray((members as Record<string, unknown>)[key]) ? ((members as Record<string, unknown[]>)[key] as unknown[]).length : 0), 0);
}
