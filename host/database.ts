import knex, { type Knex } from 'knex';

/** A knex connection to the same database Directus uses, for bulk seeding and benchmarks. */
export function connectDatabase(directusEnv: Record<string, string>): Knex {
  if (directusEnv['DB_CLIENT'] === 'pg') {
    return knex({
      client: 'pg',
      connection: directusEnv['DB_CONNECTION_STRING'] ?? {
        host: directusEnv['DB_HOST'],
        port: Number(directusEnv['DB_PORT'] ?? 5432),
        database: directusEnv['DB_DATABASE'],
        user: directusEnv['DB_USER'],
        password: directusEnv['DB_PASSWORD'],
      },
      pool: { min: 0, max: 4 },
    });
  }
  return knex({
    client: 'sqlite3',
    connection: { filename: directusEnv['DB_FILENAME'] as string },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      // The server holds the same file: wait for its locks instead of failing. Enforce foreign
      // keys as Directus does, so bulk writes obey the same constraints.
      afterCreate: (conn: { exec: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) =>
        conn.exec('PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;', (err) => done(err, conn)),
    },
  });
}
