import type { Knex } from 'knex';
import { SettingError } from './env.ts';

/**
 * Instances started together must not install, migrate, apply the schema, configure or seed one
 * database at the same time (Directus's bootstrap and the seeding are not safe to race). On
 * PostgreSQL the whole start holds a transaction-scoped advisory lock on a connection of its own:
 * the others wait their turn, and a start that dies releases it with its connection. SQLite is
 * served by one instance (several are refused by the settings), so it needs none.
 */

// Any fixed 64-bit number: the key of Concord's start lock among the database's advisory locks.
const START_LOCK = 0x636f6e636f7264n;
const WAIT_MINUTES = 15;

export async function withStartLock<T>(db: Knex, work: () => Promise<T>, onWait: (message: string) => void = () => undefined): Promise<T> {
  if (db.client.config.client !== 'pg') return work();
  return db.transaction(async (trx) => {
    const [{ locked }] = (await trx.raw('select pg_try_advisory_xact_lock(?::bigint) as locked', [START_LOCK.toString()])).rows as [{ locked: boolean }];
    if (!locked) {
      onWait('Another instance is starting on this database; waiting for it to finish…');
      await trx.raw(`set local lock_timeout = '${WAIT_MINUTES}min'`);
      try {
        await trx.raw('select pg_advisory_xact_lock(?::bigint)', [START_LOCK.toString()]);
      } catch (error) {
        if ((error as { code?: string }).code !== '55P03') throw error;
        throw new SettingError(
          `Another instance has been starting on this database for ${WAIT_MINUTES} minutes and still holds the start lock: look at that instance (or stop it) and start this one again.`,
        );
      }
    }
    return work();
  });
}
