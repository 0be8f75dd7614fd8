/**
 * The database a benchmark boots Concord on: a throw-away SQLite file by default; with
 * DB_CLIENT=pg, a throw-away PostgreSQL server of its own (Debian's postgresql package, as the
 * test harness starts it), so the figures of both vendors come from the same command.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../../test/harness/postgres.ts';

export interface BenchDatabase {
  vendor: 'sqlite' | 'pg';
  /** Directus settings naming the database (none for SQLite: the data folder holds it). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function benchDatabase(): Promise<BenchDatabase> {
  if (process.env['DB_CLIENT'] !== 'pg') return { vendor: 'sqlite', env: {}, stop: async () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'concord-bench-pg-'));
  const server = await startPostgres(dir);
  await server.createDatabase('concord');
  return {
    vendor: 'pg',
    env: server.directusEnv('concord'),
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
