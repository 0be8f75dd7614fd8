import type { Knex } from 'knex';
import { installFreezeTriggers } from './evaluation/freeze-triggers.ts';

/**
 * What a schema snapshot cannot carry, installed on every start right after the snapshot is applied
 * (a SQLite table rebuild drops both): the triggers that freeze published evaluations, and the
 * composite indexes the metric queries look history up by. Installing twice changes nothing.
 */
const COMPOSITE_INDEXES: ReadonlyArray<{ name: string; table: string; columns: readonly string[] }> = [
  // "The earliest later row of this case by department d" (handoff answers, latest resolution, closures).
  { name: 'cc_case_events_case_time', table: 'cc_case_events', columns: ['case', 'occurred_at'] },
];

export async function installDatabaseExtras(db: Knex): Promise<void> {
  await installFreezeTriggers(db);
  for (const index of COMPOSITE_INDEXES) {
    await db.raw(`create index if not exists ?? on ?? (${index.columns.map(() => '??').join(', ')})`, [index.name, index.table, ...index.columns]);
  }
}
