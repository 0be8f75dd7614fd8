/** The companies the benchmarks measure: built once by the demo generator into .data/bench-scale-N. */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bootConcord } from '../../host/boot.ts';
import { connectDatabase } from '../../host/database.ts';
import { freePort } from '../../host/directus.ts';
import { resolveSettings } from '../../host/env.ts';
import { DATA_DIR } from '../../host/paths.ts';
import { seedDemoHistory } from '../../host/seed-demo-history.ts';

export function settingsFor(dataDir: string) {
  return resolveSettings(
    {
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

/** A company N times the demo's, built once into its own folder. */
export async function companyOf(scale: number, fresh = false): Promise<string> {
  const dataDir = join(DATA_DIR, `bench-scale-${scale}`);
  if (fresh) rmSync(dataDir, { recursive: true, force: true });
  if (existsSync(join(dataDir, 'concord.db'))) return dataDir;
  const settings = settingsFor(dataDir);
  settings.directus['PORT'] = String(await freePort());
  const started = Date.now();
  const { server } = await bootConcord(settings, { demoHistory: false });
  const db = connectDatabase(settings.directus);
  try {
    await seedDemoHistory(db, { scale });
  } finally {
    await db.destroy();
    await server.stop();
  }
  console.log(`  built the scale-${scale} company in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return dataDir;
}

