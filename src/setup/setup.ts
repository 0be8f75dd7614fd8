import type { SchemaOverview } from '@directus/types';
import type { Knex } from 'knex';
import { installDatabaseExtras } from '../directus/database-extras.ts';
import type { DirectusServices } from '../directus/services.ts';
import { publishCycle, runCycle } from '../evaluation/cycles.ts';
import { evaluationSettings } from '../evaluation/settings.ts';
import { applyAccess } from './apply-access.ts';
import { applyPresentation } from './apply-presentation.ts';
import { assertDatabaseNotNewer, checkInstallation, markDemoCompleted } from './installation.ts';
import { runMigrations, runMigrationsAfterSchema, widenNumberColumns } from './migrations.ts';
import { assertSchemaPreconditions, ownedTables } from './schema-preconditions.ts';
import { alignSnapshot, describeDiff, ownedDiff, type SchemaDiff, type Snapshot } from './schema-snapshot.ts';
import { seedDemoHistory } from './seed-demo-history.ts';
import { seedEvaluatedHistory } from './seed-evaluations.ts';
import { seedDemoOrganisation, seedReferenceData } from './seed-organisation.ts';
import { seedWorkflows } from './seed-workflows.ts';
import { serviceApi } from './service-api.ts';
import { SettingError } from './setting-error.ts';
import { withStartLock } from './start-lock.ts';

/**
 * Concord's whole setup, run by the bundle inside Directus as it starts, before it serves a request
 * (an `init('app.before')` hook, which Directus's createApp awaits): the schema Concord owns
 * (preconditions, migrations, the owned part of the snapshot diff, database extras), the
 * installation record, reference data, the access model, the presentation, and the demo company
 * when CONCORD_SEED_DEMO=true. Every step is idempotent; on PostgreSQL the whole setup holds the
 * cross-instance start lock, so instances started together take turns.
 */
export interface SetupContext {
  database: Knex;
  services: Record<string, unknown>;
  getSchema: () => Promise<SchemaOverview>;
  /** Directus's environment (values already typed by Directus: "true" may arrive as true). */
  env: Record<string, unknown>;
  /** The schema Concord owns (the bundle's schema.json). */
  snapshot: Snapshot;
  /** One line per change the setup made, and its waits. */
  print: (line: string) => void;
}

export interface SetupReport {
  migrated: string[];
  schemaChanges: string[];
  demoSeeded: boolean;
}

/** Directus's admin accountability: SchemaService only answers an admin. */
const SYSTEM_ADMIN = { user: null, role: null, roles: [], admin: true, app: false, ip: null };

export async function setUpConcord(ctx: SetupContext): Promise<SetupReport> {
  const { database: db, env, snapshot } = ctx;
  return withStartLock(
    db,
    async () => {
      await assertDatabaseNotNewer(db);
      await assertSchemaPreconditions(db, ownedTables(snapshot));
      // Explicit migrations first: the schema step then finds Concord's columns already in their new form.
      const migrated = await runMigrations(db, snapshot);
      for (const line of migrated) ctx.print(`Concord migrated this database: ${line}`);
      const schemaChanges = await applyOwnedSchema(ctx);
      // Columns the schema step has just created in Directus's own types (float is `real` on PostgreSQL).
      const widened = await widenNumberColumns(db, snapshot);
      for (const line of widened) ctx.print(`Concord changed the schema: ${line}`);
      // Migrations' back-fills of columns the schema step has just created.
      const filled = await runMigrationsAfterSchema(db);
      for (const line of filled) ctx.print(`Concord migrated this database: ${line}`);
      // Snapshots carry no triggers or composite indexes, and a SQLite table rebuild drops them.
      await installDatabaseExtras(db);
      // The project's own settings are touched on Concord's first setup only (see applyPresentation).
      const firstSetup = !(await db('cc_installation').where('id', 1).first());
      const installation = await checkInstallation(db, { secret: String(env['SECRET'] ?? ''), instances: Number(env['CONCORD_INSTANCES'] ?? 1) || 1, directus: env });
      await seedReferenceData(db);
      await seedWorkflows(db);

      const evaluation = evaluationSettings(env);
      const api = serviceApi(ctx.services, ctx.getSchema, {
        async post(path, body) {
          const run = /^\/evaluation\/cycles\/(\d+)\/run$/.exec(path);
          if (run) return runCycle({ db, settings: evaluation }, Number(run[1]));
          const publish = /^\/evaluation\/cycles\/(\d+)\/publish$/.exec(path);
          if (publish) {
            const notify = (body as { notify?: boolean } | undefined)?.notify !== false;
            const services = ctx.services as unknown as DirectusServices;
            return publishCycle({ db, settings: evaluation, services, schema: await ctx.getSchema(), publicUrl: String(env['PUBLIC_URL'] ?? '') }, Number(publish[1]), { notify });
          }
          throw new Error(`The setup has no route for /concord${path}`);
        },
      });
      await applyAccess(api);
      const adminEmail = typeof env['ADMIN_EMAIL'] === 'string' && env['ADMIN_EMAIL'] !== '' ? env['ADMIN_EMAIL'] : null;
      const demo = String(env['CONCORD_SEED_DEMO'] ?? 'false') === 'true';
      await applyPresentation(api, adminEmail, { moduleBar: firstSetup, languageAndOwner: firstSetup && demo });

      let demoSeeded = false;
      if (demo && !installation.demo_completed_at) {
        const staffPassword = String(env['CONCORD_STAFF_PASSWORD'] ?? '');
        if (staffPassword === '') throw new SettingError('CONCORD_SEED_DEMO is true but CONCORD_STAFF_PASSWORD is not set: the demo staff need a password to sign in with.');
        await seedDemoOrganisation(api, staffPassword);
        if (String(env['CONCORD_SEED_DEMO_HISTORY'] ?? 'true') !== 'false') {
          const nowText = env['CONCORD_DEMO_NOW'];
          const now = typeof nowText === 'string' && nowText !== '' ? new Date(nowText) : new Date();
          await seedDemoHistory(db, { scale: 1, onlyIfEmpty: true, now });
          await seedEvaluatedHistory(api, evaluation.timeZone, now);
        }
        await markDemoCompleted(db);
        demoSeeded = true;
      }
      return { migrated: [...migrated, ...filled], schemaChanges: [...migrated, ...schemaChanges, ...widened, ...filled], demoSeeded };
    },
    ctx.print,
  );
}

/**
 * Brings what Concord owns in the database to its snapshot, through Directus's SchemaService: the
 * snapshot in the database vendor's terms, the diff limited to what Concord owns (nothing the
 * project or its admins added is deleted or altered), applied against the hash of the schema it
 * was computed from. Prints and returns one line per change.
 */
async function applyOwnedSchema(ctx: SetupContext): Promise<string[]> {
  const SchemaService = ctx.services['SchemaService'] as new (options: unknown) => {
    snapshot(): Promise<Snapshot>;
    diff(snapshot: Snapshot, options: { currentSnapshot: Snapshot; force: boolean }): Promise<SchemaDiff | null>;
    apply(payload: { hash: string; diff: SchemaDiff }): Promise<void>;
    getHashedSnapshot(snapshot: Snapshot): { hash: string };
  };
  const service = new SchemaService({ knex: ctx.database, accountability: SYSTEM_ADMIN });
  const current = await service.snapshot();
  const wanted = alignSnapshot(ctx.snapshot, current);
  // force: the snapshot may come from another Directus version or vendor; alignSnapshot took care of the vendor's words.
  const diff = await service.diff(wanted, { currentSnapshot: current, force: true });
  if (!diff) return [];
  // Only what Concord owns: whatever else the database holds (an admin's collections and fields, the host project's) stays.
  const owned = ownedDiff(diff, wanted);
  const changes = describeDiff(owned);
  if (changes.length === 0) return [];
  for (const line of changes) ctx.print(`Concord changed the schema: ${line}`);
  await service.apply({ hash: service.getHashedSnapshot(current).hash, diff: owned });
  return changes;
}
