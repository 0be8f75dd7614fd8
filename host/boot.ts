import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Knex } from 'knex';
import { runDirectusCli, startDirectus, type RunningDirectus } from './directus.ts';
import { SettingError, type ConcordSettings } from './env.ts';
import { assertDatabaseNotNewer, localStorageRoots } from '../src/setup/installation.ts';
import { demoLogins, type DemoLogin } from '../src/setup/seed-organisation.ts';
import { connectDatabase } from './database.ts';
import { withStartLock } from '../src/setup/start-lock.ts';
import { assertSchemaPreconditions, ownedTables } from '../src/setup/schema-preconditions.ts';
import { readSnapshot } from './snapshot-file.ts';
import { BUNDLE_DIR, ROOT } from './paths.ts';

/**
 * `npm start` and the test suites run Concord the way any Directus project with the bundle
 * installed runs it: a Directus project in CONCORD_DATA_DIR (settings.projectDir), the built bundle
 * (dist/concord) copied into its extensions/, `directus bootstrap` (when it has something to do), then `directus start`, in which
 * the bundle sets Concord up before serving (src/setup/setup.ts). The project's settings are handed
 * to Directus as its environment.
 */
export interface BootOptions {
  echo?: boolean;
  /** Seed the demo company's generated history when there are no cases yet (default true). */
  demoHistory?: boolean;
}

export interface BootedConcord {
  server: RunningDirectus;
  logins: DemoLogin[];
  /** What the setup changed in the schema on this start (nothing on a restart of the same version). */
  schemaChanges: string[];
}

/** Copies the built bundle into the project's extensions folder, replacing the one installed before. */
export function installBundle(extensionsDir: string): void {
  if (!existsSync(join(BUNDLE_DIR, 'package.json'))) throw new SettingError('The Concord bundle is not built: run npm run build first.');
  mkdirSync(extensionsDir, { recursive: true });
  const target = join(extensionsDir, 'concord');
  rmSync(target, { recursive: true, force: true });
  cpSync(BUNDLE_DIR, target, { recursive: true });
}

const SCHEMA_LINE = /^Concord (?:changed the schema|migrated this database): (.*)$/;

/** Where Directus keeps its own migrations (the folder its migration runner reads). */
const DIRECTUS_MIGRATIONS = join(ROOT, 'node_modules', '@directus', 'api', 'dist', 'database', 'migrations');

/**
 * Whether `directus bootstrap` has anything to do: install an empty database, or run a migration
 * not yet recorded in `directus_migrations` — Directus's own or the project's (MIGRATIONS_PATH,
 * resolved in the project folder), listed as its migration runner lists them
 * (api/dist/database/migrations/run.js). On a restart of the same version it has nothing to do, and
 * skipping it saves starting Directus once more (about 4 s). When in doubt (a folder not where it
 * was), it runs.
 */
export async function bootstrapNeeded(db: Knex, env: Record<string, string>, projectDir: string): Promise<boolean> {
  if (!(await db.schema.hasTable('directus_collections')) || !(await db.schema.hasTable('directus_migrations'))) return true;
  let files: string[];
  try {
    const custom = resolve(projectDir, env['MIGRATIONS_PATH'] || './migrations');
    files = [
      ...readdirSync(DIRECTUS_MIGRATIONS).filter((file) => /^[0-9]+[A-Z]-[^.]+\.(?:js|ts)$/.test(file)),
      ...(existsSync(custom) ? readdirSync(custom).filter((file) => file.includes('-') && /\.(c|m)?js$/.test(file)) : []),
    ];
  } catch {
    return true;
  }
  if (files.length === 0) return true;
  const done = new Set((await db('directus_migrations').select('version')).map((row: { version: unknown }) => String(row.version)));
  return files.some((file) => !done.has(file.split('-')[0] as string));
}

export async function bootConcord(settings: ConcordSettings, options: BootOptions = {}): Promise<BootedConcord> {
  const env = settings.directus;
  const file = env['DB_FILENAME'];
  if (env['DB_CLIENT'] === 'sqlite3' && file) mkdirSync(dirname(file), { recursive: true });
  for (const root of localStorageRoots(env)) if (root) mkdirSync(root, { recursive: true });
  mkdirSync(settings.projectDir, { recursive: true });
  // A Directus project is a folder with a package.json (Directus reads it for extensions installed as packages).
  const manifest = join(settings.projectDir, 'package.json');
  if (!existsSync(manifest)) writeFileSync(manifest, JSON.stringify({ name: 'concord-project', private: true, type: 'module' }, null, 2) + '\n');
  installBundle(env['EXTENSIONS_PATH'] as string);

  // Directus's bootstrap installs or migrates Directus itself; instances started together take turns.
  // The checks the bundle makes again inside come first here, so that a refused project gets no Directus tables either.
  const db = connectDatabase(env);
  try {
    await withStartLock(
      db,
      async () => {
        await assertDatabaseNotNewer(db);
        await assertSchemaPreconditions(db, ownedTables(readSnapshot()));
        if (await bootstrapNeeded(db, env, settings.projectDir)) await runDirectusCli(['bootstrap'], env, settings.projectDir);
      },
      (message) => options.echo && console.log(message),
    );
  } finally {
    await db.destroy();
  }

  let server: RunningDirectus;
  try {
    server = await startDirectus({ ...env, ...(options.demoHistory === false ? { CONCORD_SEED_DEMO_HISTORY: 'false' } : {}) }, { cwd: settings.projectDir, ...(options.echo ? { echo: true } : {}) });
  } catch (error) {
    const refusal = /Concord cannot start: (.*)/.exec(error instanceof Error ? error.message : '');
    if (refusal?.[1]) throw new SettingError(refusal[1]);
    throw error;
  }
  const schemaChanges = server
    .output()
    .split('\n')
    .map((line) => SCHEMA_LINE.exec(line)?.[1])
    .filter((line): line is string => line !== undefined);
  return { server, logins: settings.seedDemo ? demoLogins() : [], schemaChanges };
}
