/**
 * The companies the benchmarks measure, built once by the demo generator and kept between runs:
 * on SQLite in .data/bench-scale-N, on PostgreSQL (DB_CLIENT=pg) in database bench_scale_N of the
 * benchmarks' own cluster (scripts/bench/database.ts).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootConcord } from '../../host/boot.ts';
import { connectDatabase } from '../../host/database.ts';
import { freePort } from '../../host/directus.ts';
import { resolveSettings, type ConcordSettings } from '../../host/env.ts';
import { DATA_DIR } from '../../host/paths.ts';
import { installDatabaseExtras } from '../../src/directus/database-extras.ts';
import { SCHEMA_VERSION } from '../../src/setup/installation.ts';
import { seedDemoHistory } from '../../src/setup/seed-demo-history.ts';
import type { PlantKind, Planted } from '../../src/demo/plant.ts';
import { benchVendor, companyDatabases, type BenchVendor } from './database.ts';

function settingsFor(dataDir: string, database: Record<string, string>): ConcordSettings {
  return resolveSettings(
    {
      ...database,
      PATH: process.env['PATH'] ?? '',
      // Fixed, because a benchmark company is booted again later (the admin token is set once, at bootstrap).
      KEY: 'concord-bench-key',
      SECRET: 'concord-bench-secret-only-for-throw-away-data',
      ADMIN_TOKEN: 'concord-bench-admin-token',
      RATE_LIMITER_ENABLED: 'false',
      PRESSURE_LIMITER_ENABLED: 'false',
      PORT: '8055',
      LOG_LEVEL: 'error',
      CONCORD_SLA_ENABLED: 'false',
      CONCORD_EVALUATION_ENABLED: 'false',
    },
    { dataDir },
  );
}

export interface BenchCompany {
  vendor: BenchVendor;
  settings: ConcordSettings;
  /** Stops what holds the company's database (PostgreSQL's server); the company stays. */
  close(): Promise<void>;
  /** What was planted into it (`plant` companies only). */
  planted?: Planted;
}

/**
 * A company N times the demo's, built the first time it is asked for (again with `fresh`). With
 * `plant`, a company of its own with those problems planted (SQLite only), and what was planted
 * kept beside it in planted.json.
 */
export async function companyOf(scale: number, fresh = false, plant: readonly PlantKind[] = []): Promise<BenchCompany> {
  const vendor = benchVendor();
  if (vendor === 'sqlite') {
    const dataDir = join(DATA_DIR, plant.length > 0 ? `bench-planted-scale-${scale}` : `bench-scale-${scale}`);
    if (fresh) rmSync(dataDir, { recursive: true, force: true });
    const settings = settingsFor(dataDir, {});
    if (!existsSync(join(dataDir, 'concord.db'))) {
      const planted = await build(settings, scale, plant);
      if (plant.length > 0) writeFileSync(join(dataDir, 'planted.json'), JSON.stringify(planted));
    }
    const planted = plant.length > 0 ? (JSON.parse(readFileSync(join(dataDir, 'planted.json'), 'utf8')) as Planted) : undefined;
    await withCurrentExtras(settings);
    return { vendor, settings, close: async () => undefined, ...(planted ? { planted } : {}) };
  }
  if (plant.length > 0) throw new Error('companies with planted problems are built on SQLite only');
  const databases = await companyDatabases();
  try {
    const { env, built } = await databases.open(scale, fresh);
    const settings = settingsFor(join(DATA_DIR, `bench-pg-scale-${scale}`), env);
    if (!built) {
      await build(settings, scale);
      await databases.built(scale);
    }
    await withCurrentExtras(settings);
    return { vendor, settings, close: () => databases.stop() };
  } catch (error) {
    await databases.stop();
    throw error;
  }
}

/**
 * A kept company gets the schema, indexes and triggers today's Concord installs at every start, as a
 * booted Concord would give it: a benchmark of a company built by an older Concord measures today's.
 * A company whose schema is older than this checkout's is started once, which migrates it.
 */
async function withCurrentExtras(settings: ConcordSettings): Promise<void> {
  const db = connectDatabase(settings.directus);
  try {
    const row = (await db('cc_installation').first('schema_version')) as { schema_version?: unknown } | undefined;
    if (Number(row?.schema_version ?? 0) < SCHEMA_VERSION) {
      console.log(`  migrating the kept company (schema ${String(row?.schema_version ?? '?')} → ${SCHEMA_VERSION}) by starting it once`);
      const { server } = await bootConcord({ ...settings, directus: { ...settings.directus, PORT: String(await freePort()) } }, { demoHistory: false });
      await server.stop();
    }
    await installDatabaseExtras(db);
  } finally {
    await db.destroy();
  }
}

async function build(settings: ConcordSettings, scale: number, plant: readonly PlantKind[] = []): Promise<Planted | undefined> {
  const started = Date.now();
  const { server } = await bootConcord({ ...settings, directus: { ...settings.directus, PORT: String(await freePort()) } }, { demoHistory: false });
  const db = connectDatabase(settings.directus);
  try {
    const report = await seedDemoHistory(db, { scale, plant });
    // What autovacuum would have done for a live database before anyone measured it: statistics for
    // the planner (without them PostgreSQL guessed 38 transitions for 6 and scanned the whole history
    // for a quarter's resolutions) and the visibility map its index-only scans need.
    if (settings.directus.DB_CLIENT === 'pg') await db.raw('vacuum analyze');
    console.log(`  built the scale-${scale} company in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return report?.planted;
  } finally {
    await db.destroy();
    await server.stop();
  }
}
