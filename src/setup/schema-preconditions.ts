import type { Knex } from 'knex';
import { SettingError } from './setting-error.ts';
import type { Snapshot } from './schema-snapshot.ts';

/**
 * What a newer snapshot's constraints ask of data written before them, checked before the schema
 * is applied: a unique key added over duplicates would fail half-way through the schema step with
 * the database's own words. Here the start stops first and says which rows to fix.
 */
export async function assertSchemaPreconditions(db: Knex, owned: readonly string[]): Promise<void> {
  await assertNoNameClash(db, owned);
  await assertUniqueTeamNames(db);
}

/** The tables Concord's snapshot brings (folders are collections without one). */
export function ownedTables(snapshot: Snapshot): string[] {
  return snapshot.collections.filter((c) => c['schema'] !== null && c['schema'] !== undefined).map((c) => c.collection);
}

/**
 * A project that already has a table Concord wants (its own `cc_customers`, say) would have its
 * data taken for Concord's. A database Concord has set up records itself in `cc_installation`; one
 * from before that record holds Concord's history tables. Anything else is the host's, and the
 * start stops before writing a thing.
 */
async function assertNoNameClash(db: Knex, owned: readonly string[]): Promise<void> {
  if (await db.schema.hasTable('cc_installation')) return;
  const present: string[] = [];
  for (const table of owned) if (await db.schema.hasTable(table)) present.push(table);
  if (present.length === 0) return;
  const concordBefore = ['cc_cases', 'cc_case_events', 'cc_workflows', 'cc_workflow_states'];
  if (concordBefore.every((table) => present.includes(table))) return;
  throw new SettingError(
    `This project already has ${present.length === 1 ? 'a collection' : 'collections'} named ${present.join(', ')} that Concord did not create and needs the name${present.length === 1 ? '' : 's'} of: rename ${present.length === 1 ? 'it' : 'them'} in the project (or add Concord to another project), then start again. Nothing was changed.`,
  );
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
