import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { adminApi, type AdminApi } from './admin-api.ts';
import { applyAccess } from './apply-access.ts';
import { applyPresentation } from './apply-presentation.ts';
import { runDirectusCli, startDirectus, type RunningDirectus } from './directus.ts';
import { SettingError, type ConcordSettings } from './env.ts';
import { SNAPSHOT_FILE } from './paths.ts';
import { seedDemoOrganisation, seedReferenceData, type DemoLogin } from './seed-organisation.ts';
import { seedWorkflows } from './seed-workflows.ts';
import { seedDemoHistory } from './seed-demo-history.ts';
import { connectDatabase } from './database.ts';
import { installDatabaseExtras } from '../src/database-extras.ts';
import { evaluationSettings } from '../src/evaluation/settings.ts';
import { seedEvaluatedHistory } from './seed-evaluations.ts';

/**
 * Bump when snapshots/ changes in a way an older Concord cannot read. A data folder records the
 * version that last wrote it; an older Concord refuses to start on it instead of damaging it.
 */
export const SCHEMA_VERSION = 1;
const VERSION_FILE = 'concord-schema.json';

function dataDirOf(settings: ConcordSettings): string | null {
  const file = settings.directus['DB_FILENAME'];
  return settings.directus['DB_CLIENT'] === 'sqlite3' && file ? dirname(file) : null;
}

export function assertDataNotNewer(settings: ConcordSettings): void {
  const dir = dataDirOf(settings);
  if (!dir || !existsSync(join(dir, VERSION_FILE))) return;
  const stored = Number((JSON.parse(readFileSync(join(dir, VERSION_FILE), 'utf8')) as { schemaVersion?: unknown }).schemaVersion);
  if (stored > SCHEMA_VERSION) {
    throw new SettingError(
      `The data folder ${dir} was written by a newer Concord (schema ${stored}; this one knows ${SCHEMA_VERSION}); update this checkout or point CONCORD_DATA_DIR elsewhere.`,
    );
  }
}

/** Creates or migrates the database and brings its schema to snapshots/ (idempotent). */
export async function prepareDatabase(settings: ConcordSettings): Promise<void> {
  const dir = dataDirOf(settings);
  if (dir) mkdirSync(dir, { recursive: true });
  mkdirSync(settings.directus['STORAGE_LOCAL_ROOT'] as string, { recursive: true });
  assertDataNotNewer(settings);
  await runDirectusCli(['bootstrap'], settings.directus);
  await runDirectusCli(['schema', 'apply', '--yes', SNAPSHOT_FILE], settings.directus);
  // Snapshots carry no triggers or composite indexes, and a SQLite table rebuild drops them.
  const db = connectDatabase(settings.directus);
  try {
    await installDatabaseExtras(db);
  } finally {
    await db.destroy();
  }
}

/** Access, presentation and seed data, applied through the running server's API. */
export interface ConfigureOptions {
  /** Seed the demo company's generated history at scale 1 when there are no cases yet (default true). */
  demoHistory?: boolean;
}

export async function configure(api: AdminApi, settings: ConcordSettings, options: ConfigureOptions = {}): Promise<DemoLogin[]> {
  await seedReferenceData(api);
  await seedWorkflows(api);
  await applyAccess(api);
  await applyPresentation(api);
  const logins = settings.seedDemo ? await seedDemoOrganisation(api, settings.staffPassword) : [];
  if (settings.seedDemo && options.demoHistory !== false) {
    const db = connectDatabase(settings.directus);
    let seeded = null;
    try {
      seeded = await seedDemoHistory(db, { scale: 1, onlyIfEmpty: true });
    } finally {
      await db.destroy();
    }
    if (seeded) await seedEvaluatedHistory(api, evaluationSettings(settings.directus).timeZone);
  }
  const dir = dataDirOf(settings);
  if (dir) writeFileSync(join(dir, VERSION_FILE), JSON.stringify({ schemaVersion: SCHEMA_VERSION }) + '\n');
  return logins;
}

export interface BootedConcord {
  server: RunningDirectus;
  api: AdminApi;
  logins: DemoLogin[];
}

/** The whole start: database, server, configuration. Used by `npm start` and by the test suite. */
export async function bootConcord(settings: ConcordSettings, options: { echo?: boolean } & ConfigureOptions = {}): Promise<BootedConcord> {
  await prepareDatabase(settings);
  const server = await startDirectus(settings.directus, options);
  try {
    const api = adminApi(server.url, settings.adminToken);
    const logins = await configure(api, settings, options);
    return { server, api, logins };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
