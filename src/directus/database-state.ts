import type { Knex } from 'knex';
import { isSqlite } from './time.ts';

/**
 * A text naming what the database holds as of now, for answers kept between requests: two equal
 * texts mean nothing was committed in between — by this process, another instance, a cascade, a
 * trigger or anyone's SQL — so an answer computed at the first is still the answer at the second
 * (as far as the data goes; the clock is the caller's business). `null` when the vendor gives no
 * such text: then nothing may be kept.
 *
 * - PostgreSQL: the current snapshot (`xmin:xmax:xip`). Every transaction that writes gets an id, and
 *   its end changes every later snapshot (xmax grows, or it leaves the in-progress list); reading
 *   assigns none. The text is global, so instances sharing the database agree on it.
 * - SQLite: per connection, `total_changes()` (rows this connection wrote, triggers included),
 *   `data_version` (changes when another connection or process commits) and `schema_version` (any
 *   DDL), with which connection it was: a new connection counts from zero again.
 *
 * Coarse on purpose: any write anywhere changes it. Watching only the tables an answer reads would
 * need triggers on tables Concord does not own, and a table rebuilt by Directus on SQLite loses its
 * triggers without a word; a text that is sometimes too new is safe, one that is too old is not.
 */
export async function databaseState(db: Knex): Promise<string | null> {
  if (isSqlite(db)) return sqliteState(db);
  if (db.client.config.client === 'pg') {
    const result = (await db.raw('select pg_current_snapshot()::text as snapshot')) as { rows: Array<{ snapshot: string }> };
    const snapshot = result.rows[0]?.snapshot;
    return typeof snapshot === 'string' ? `pg:${snapshot}` : null;
  }
  return null;
}

const connectionIds = new WeakMap<object, number>();
let connectionsSeen = 0;

interface PooledClient {
  acquireConnection(): Promise<object>;
  releaseConnection(connection: object): Promise<unknown>;
}

async function sqliteState(db: Knex): Promise<string | null> {
  // One connection for the identity and the counters: they only mean something together.
  const client = db.client as unknown as PooledClient;
  const connection = await client.acquireConnection();
  try {
    let id = connectionIds.get(connection);
    if (id === undefined) {
      connectionsSeen += 1;
      id = connectionsSeen;
      connectionIds.set(connection, id);
    }
    const rows = (await db
      .raw('select total_changes() as changes, (select data_version from pragma_data_version) as data, (select schema_version from pragma_schema_version) as schema')
      .connection(connection)) as Array<{ changes: number; data: number; schema: number }>;
    const row = rows[0];
    return row === undefined ? null : `sqlite:${process.pid}.${id}:${row.changes}:${row.data}:${row.schema}`;
  } finally {
    await client.releaseConnection(connection);
  }
}
