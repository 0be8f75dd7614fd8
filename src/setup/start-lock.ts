import type { Knex } from 'knex';
import { SettingError } from './setting-error.ts';

/**
 * Instances started together must not install, migrate, apply the schema, configure or seed one
 * database at the same time (Directus's bootstrap and the seeding are not safe to race). On
 * PostgreSQL the whole start holds a session advisory lock on a connection of its own: the others
 * wait their turn, and a start that dies releases it with its connection. The lock is held outside
 * any transaction: Directus's migrations build indexes CONCURRENTLY, which wait for every open
 * transaction to end, the lock's own included. SQLite is served by one instance (several are
 * refused by the settings), so it needs none.
 */

// Any fixed 64-bit number: the key of Concord's start lock among the database's advisory locks.
const START_LOCK = String(0x636f6e636f7264n);
const WAIT_MINUTES = 15;
const POLL_MS = 500;

export async function withStartLock<T>(db: Knex, work: () => Promise<T>, onWait: (message: string) => void = () => undefined): Promise<T> {
  if (db.client.config.client !== 'pg') return work();
  const connection: unknown = await db.client.acquireConnection();
  const onLockConnection = (sql: string) => db.raw(sql, [START_LOCK]).connection(connection);
  try {
    // Waiting is polling, not pg_advisory_lock: a statement blocked on the lock would itself hold
    // up the CONCURRENTLY index builds of the instance that holds it.
    const deadline = Date.now() + WAIT_MINUTES * 60_000;
    for (let attempt = 0; ; attempt += 1) {
      const [{ locked }] = (await onLockConnection('select pg_try_advisory_lock(?::bigint) as locked')).rows as [{ locked: boolean }];
      if (locked) break;
      if (attempt === 0) onWait('Another instance is starting on this database; waiting for it to finish…');
      if (Date.now() > deadline) {
        throw new SettingError(
          `Another instance has been starting on this database for ${WAIT_MINUTES} minutes and still holds the start lock: look at that instance (or stop it) and start this one again.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    try {
      return await work();
    } finally {
      await onLockConnection('select pg_advisory_unlock(?::bigint)');
    }
  } finally {
    await db.client.releaseConnection(connection);
  }
}
