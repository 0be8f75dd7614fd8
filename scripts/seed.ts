/**
 * `npm run seed -- --scale N [--data-dir DIR] [--plant KINDS]`: builds a demo company N times the size
 * of the default one in its own data folder (default .data/scale-N), for benchmarks; `--plant`
 * (comma-separated, or all: slow_pair, ping_pong, drop, overload, breach) plants known problems for
 * the diagnostics (src/demo/plant.ts). Prints row counts
 * and seconds. The history is bulk-inserted in batches, not row by row over HTTP. On PostgreSQL
 * (DB_CLIENT=pg) it writes into the database the environment names, which must be empty: it
 * refuses any other, the live one included.
 */
import { parseArgs } from 'node:util';
import { isAbsolute, join } from 'node:path';
import { rmSync } from 'node:fs';
import { bootConcord } from '../host/boot.ts';
import { connectDatabase } from '../host/database.ts';
import { freePort } from '../host/directus.ts';
import { SettingError, loadLocalEnv, resolveSettings } from '../host/env.ts';
import { describeFailure } from '../host/failure.ts';
import { DATA_DIR, ROOT } from '../host/paths.ts';
import { seedDemoHistory } from '../src/setup/seed-demo-history.ts';
import { parsePlantKinds } from '../src/demo/plant.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, 'data-dir': { type: 'string' }, fresh: { type: 'boolean', default: true }, plant: { type: 'string' } } });
  const plant = parsePlantKinds(values.plant);
  const scale = Number(values.scale);
  if (!Number.isInteger(scale) || scale < 1 || scale > 1000) throw new SettingError(`--scale must be a whole number from 1 to 1000, not "${values.scale}".`);
  const dataDir = values['data-dir'] ? (isAbsolute(values['data-dir']) ? values['data-dir'] : join(ROOT, values['data-dir'])) : join(DATA_DIR, `scale-${scale}`);
  if (values.fresh) rmSync(dataDir, { recursive: true, force: true });
  const settings = resolveSettings({ ...loadLocalEnv(), PORT: String(await freePort()), LOG_LEVEL: 'error' }, { dataDir });
  await assertEmptyTarget(settings.directus, scale);

  let started = Date.now();
  const { server } = await bootConcord(settings, { demoHistory: false });
  console.log(`Booted Concord on ${dataDir} with the demo organisation in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  const db = connectDatabase(settings.directus);
  try {
    started = Date.now();
    const report = await seedDemoHistory(db, { scale, progress: true, plant });
    if (!report) throw new Error('Nothing to seed: no active teams or workflows.');
    const total = Object.values(report.rows).reduce((a, b) => a + b, 0);
    console.log(`Scale ${scale}: ${total} rows in ${report.seconds.toFixed(1)}s`);
    for (const [table, count] of Object.entries(report.rows)) console.log(`  ${table.padEnd(28)} ${count}`);
    if (report.planted?.pair) console.log(`Planted ${plant.join(', ')}: ${report.planted.pair.from} → ${report.planted.pair.to} into state ${report.planted.pair.state} in ${report.planted.pair.month.starts_on}…${report.planted.pair.month.ends_on}${report.planted.overloaded ? `, overloaded ${report.planted.overloaded}` : ''}`);
  } finally {
    await db.destroy();
    await server.stop();
  }
}

/** A PostgreSQL database is not the seed's to clear: it must come empty. */
async function assertEmptyTarget(directus: Record<string, string>, scale: number): Promise<void> {
  if (directus['DB_CLIENT'] !== 'pg') return;
  const db = connectDatabase(directus);
  try {
    const tables = await db('information_schema.tables').where('table_schema', db.raw('current_schema()')).count({ n: '*' }).first();
    if (Number(tables?.['n'] ?? 0) > 0) {
      throw new SettingError(
        `the database ${directus['DB_DATABASE'] ?? directus['DB_CONNECTION_STRING'] ?? ''} already holds tables, and a scale company is only built in an empty database of its own: create one (createdb concord_scale_${scale}) and set DB_DATABASE to it.`,
      );
    }
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof SettingError ? `Cannot seed: ${error.message}` : `Seeding failed: ${describeFailure(error)}`);
  process.exit(1);
});
