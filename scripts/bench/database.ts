/**
 * The database a benchmark boots Concord on: a throw-away SQLite file by default; with
 * DB_CLIENT=pg, a PostgreSQL server of its own (Debian's postgresql package, as the test harness
 * starts it), so the figures of both vendors come from the same command.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex, { type Knex } from 'knex';
import { startPostgres, type PostgresServer } from '../../test/harness/postgres.ts';

export type BenchVendor = 'sqlite' | 'pg';

export function benchVendor(): BenchVendor {
  return process.env['DB_CLIENT'] === 'pg' ? 'pg' : 'sqlite';
}

export const VENDOR_NAMES: Record<BenchVendor, string> = { sqlite: 'SQLite', pg: 'PostgreSQL' };

export interface BenchDatabase {
  vendor: BenchVendor;
  /** Directus settings naming the database (none for SQLite: the data folder holds it). */
  env: Record<string, string>;
  /** Settings naming a second empty database of the same vendor, on the same server (none for SQLite). */
  another(name: string): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/** One empty database for one run, gone when it stops. */
export async function benchDatabase(): Promise<BenchDatabase> {
  if (benchVendor() !== 'pg') return { vendor: 'sqlite', env: {}, another: async () => ({}), stop: async () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'concord-bench-pg-'));
  const server = await startPostgres(dir);
  await server.createDatabase('concord');
  return {
    vendor: 'pg',
    env: server.directusEnv('concord'),
    another: async (name) => {
      await server.createDatabase(name);
      return server.directusEnv(name);
    },
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The PostgreSQL cluster that keeps the benchmark companies between runs, as .data/bench-scale-N
 * keeps SQLite's (outside the checkout: as root the server runs as the postgres user, who may not
 * enter it). One database per company, `bench_scale_N`.
 */
export const COMPANY_CLUSTER = join(tmpdir(), 'concord-bench-companies-pg');

export interface CompanyDatabases {
  /** Directus settings for company `scale`'s database, and whether the company is built in it (fresh: dropped first). */
  open(scale: number, fresh: boolean): Promise<{ env: Record<string, string>; built: boolean }>;
  /** Marks company `scale` as built, once its history is in: a build stopped half-way is built again. */
  built(scale: number): Promise<void>;
  stop(): Promise<void>;
}

const BUILT = 'concord benchmark company, built';

export async function companyDatabases(): Promise<CompanyDatabases> {
  let server: PostgresServer | null = null;
  const withAdmin = async <T>(work: (admin: Knex, server: PostgresServer) => Promise<T>): Promise<T> => {
    server ??= await startPostgres(COMPANY_CLUSTER);
    const admin = knex({ client: 'pg', connection: server.url('postgres'), pool: { min: 0, max: 1 } });
    try {
      return await work(admin, server);
    } finally {
      await admin.destroy();
    }
  };
  return {
    open: (scale, fresh) =>
      withAdmin(async (admin, pg) => {
        const name = `bench_scale_${scale}`;
        if (fresh) await admin.raw('drop database if exists ?? with (force)', [name]);
        const row = (await admin.raw("select shobj_description(oid, 'pg_database') as note from pg_database where datname = ?", [name])).rows[0] as { note: string | null } | undefined;
        if (row === undefined) await pg.createDatabase(name);
        else if (row.note !== BUILT) {
          // Half-built: start over on an empty database.
          await admin.raw('drop database ?? with (force)', [name]);
          await pg.createDatabase(name);
        }
        return { env: pg.directusEnv(name), built: row?.note === BUILT };
      }),
    built: (scale) => withAdmin(async (admin) => void (await admin.raw(`comment on database ?? is '${BUILT}'`, [`bench_scale_${scale}`]))),
    stop: async () => {
      await server?.stop();
    },
  };
}
