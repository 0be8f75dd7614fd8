import type { Knex } from 'knex';
import { SettingError } from './env.ts';

/**
 * What a newer snapshot's constraints ask of data written before them, checked before the schema
 * is applied: a unique key added over duplicates would fail half-way through the schema step with
 * the database's own words. Here the start stops first and says which rows to fix.
 */
export async function assertSchemaPreconditions(db: Knex): Promise<void> {
  await assertUniqueTeamNames(db);
}

/** Team names became unique in schema version 2. */
async function assertUniqueTeamNames(db: Knex): Promise<void> {
  if (!(await db.schema.hasTable('cc_teams'))) return;
  const duplicates = (await db('cc_teams').select('name').count({ teams: '*' }).groupBy('name').havingRaw('count(*) > 1').orderBy('name')) as Array<{
    name: string;
    teams: number | string;
  }>;
  if (duplicates.length === 0) return;
  const listed = duplicates.map((d) => `"${d.name}" (${d.teams} teams)`).join('; ');
  throw new SettingError(
    `Team names must be unique from this version on, and ${duplicates.length === 1 ? 'one name is' : `${duplicates.length} names are`} used more than once: ${listed}. Rename all but one of each in Studio (or with the previous checkout), then start again.`,
  );
}
