import type { Knex } from 'knex';
import { isSqlite } from './time.ts';

/**
 * Locks rows for the rest of the transaction, in key order so two writers cannot deadlock:
 * `update` to change what depends on them, `share` to rely on them staying as they are. SQLite
 * runs one write transaction at a time (and Directus gives it one connection), so there it is a no-op.
 */
export async function lockRows(db: Knex, table: string, column: string, keys: ReadonlyArray<number | string>, mode: 'update' | 'share' = 'update'): Promise<void> {
  if (keys.length === 0 || isSqlite(db)) return;
  const query = db(table).select(column).whereIn(column, [...new Set(keys)]).orderBy(column);
  await (mode === 'update' ? query.forUpdate() : query.forShare());
}
