import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Knex } from 'knex';
import { adminApi, type AdminApi } from './admin-api.ts';
import { applyAccess } from './apply-access.ts';
import { applyPresentation } from './apply-presentation.ts';
import { issueConfigurationToken, revokeConfigurationToken } from './configuration-user.ts';
import { runDirectusCli, startDirectus, syncSchema, type RunningDirectus } from './directus.ts';
import type { ConcordSettings } from './env.ts';
import { assertDatabaseNotNewer, checkInstallation, localStorageRoots, markDemoCompleted, type Installation } from './installation.ts';
import type { SchemaSyncResult } from './schema-snapshot.ts';
import { demoLogins, seedDemoOrganisation, seedReferenceData, type DemoLogin } from './seed-organisation.ts';
import { seedWorkflows } from './seed-workflows.ts';
import { seedDemoHistory } from './seed-demo-history.ts';
import { connectDatabase } from './database.ts';
import { withStartLock } from './start-lock.ts';
import { assertSchemaPreconditions } from './schema-preconditions.ts';
import { installDatabaseExtras } from '../src/directus/database-extras.ts';
import { evaluationSettings } from '../src/evaluation/settings.ts';
import { seedEvaluatedHistory } from './seed-evaluations.ts';
import { readSnapshot, runMigrations, widenNumberColumns } from './migrations.ts';

/**
 * Creates or migrates the database and brings its schema to snapshots/ (idempotent), checks this
 * instance against what the database recorded about itself (host/installation.ts), and inserts the
 * reference data (departments, workflows) that are missing.
 */
export async function prepareDatabase(settings: ConcordSettings, db: Knex): Promise<{ schema: SchemaSyncResult; migrated: string[]; installation: Installation }> {
  await assertDatabaseNotNewer(db);
  await assertSchemaPreconditions(db);
  await runDirectusCli(['bootstrap'], settings.directus);
  const snapshot = readSnapshot();
  // Explicit migrations first: the schema step then finds Concord's columns already in their new form.
  const migrated = await runMigrations(db, snapshot);
  const schema = await syncSchema(settings.directus);
  // Columns the schema step has just created in Directus's own types (float is `real` on PostgreSQL).
  const widened = await widenNumberColumns(db, snapshot);
  // Snapshots carry no triggers or composite indexes, and a SQLite table rebuild drops them.
  await installDatabaseExtras(db);
  const installation = await checkInstallation(db, settings);
  // Before the server starts: its schedules must never see a database without its departments.
  await seedReferenceData(db);
  await seedWorkflows(db);
  return { schema: { ...schema, changes: [...migrated, ...schema.changes, ...widened] }, migrated, installation };
}

/** Access, presentation and the demo company, applied through the running server's API. */
export interface ConfigureOptions {
  /** Seed the demo company's generated history at scale 1 when there are no cases yet (default true). */
  demoHistory?: boolean;
}

export async function configure(api: AdminApi, db: Knex, settings: ConcordSettings, installation: Installation, options: ConfigureOptions = {}): Promise<DemoLogin[]> {
  await applyAccess(api);
  await applyPresentation(api, settings.adminEmail);
  if (!settings.seedDemo) return [];
  if (!installation.demo_completed_at) {
    await seedDemoOrganisation(api, settings.staffPassword);
    if (options.demoHistory !== false) {
      const now = settings.demoNow ?? new Date();
      await seedDemoHistory(db, { scale: 1, onlyIfEmpty: true, now });
      await seedEvaluatedHistory(api, evaluationSettings(settings.directus).timeZone, now);
    }
    await markDemoCompleted(db);
  }
  return demoLogins();
}

export interface BootedConcord {
  server: RunningDirectus;
  logins: DemoLogin[];
  /** What the schema step changed on this start (nothing on a restart of the same version). */
  schemaChanges: string[];
}

/**
 * The whole start: database, server, configuration, under the start lock so that instances
 * started together take turns (host/start-lock.ts). Used by `npm start` and by the test suites.
 */
export async function bootConcord(settings: ConcordSettings, options: { echo?: boolean } & ConfigureOptions = {}): Promise<BootedConcord> {
  const file = settings.directus['DB_FILENAME'];
  if (settings.directus['DB_CLIENT'] === 'sqlite3' && file) mkdirSync(dirname(file), { recursive: true });
  for (const root of localStorageRoots(settings.directus)) if (root) mkdirSync(root, { recursive: true });
  const db = connectDatabase(settings.directus);
  try {
    return await withStartLock(
      db,
      async () => {
        const { schema, migrated, installation } = await prepareDatabase(settings, db);
        if (options.echo) for (const line of migrated) console.log(`Concord migrated this database: ${line}`);
        const server = await startDirectus(settings.directus, options);
        try {
          const token = await issueConfigurationToken(db);
          try {
            const logins = await configure(adminApi(server.url, token), db, settings, installation, options);
            return { server, logins, schemaChanges: schema.changes };
          } finally {
            await revokeConfigurationToken(db);
          }
        } catch (error) {
          await server.stop();
          throw error;
        }
      },
      (message) => options.echo && console.log(message),
    );
  } finally {
    await db.destroy();
  }
}
