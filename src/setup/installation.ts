import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { toDbTime } from '../directus/time.ts';
import { SettingError } from './setting-error.ts';

/** What the installation check needs of an instance's settings (Directus's environment). */
export interface InstanceSettings {
  /** The SECRET the instance signs tokens with. */
  secret: string;
  /** How many instances serve the database (CONCORD_INSTANCES). */
  instances: number;
  /** Directus's environment: its STORAGE_* locations. */
  directus: Record<string, unknown>;
}

/**
 * What one Concord database knows about itself, in its `cc_installation` row: the schema version
 * that last wrote it, a check value of the SECRET its instances sign tokens with, the marker of the
 * shared upload storage, and whether the demo company was completed. Every instance of a database
 * checks itself against that row before it serves.
 */

/**
 * Bump when snapshots/ changes in a way an older Concord cannot read. An older Concord refuses to
 * start on a database a newer one has written, instead of damaging it.
 * 2: team names unique.
 * 3: money as decimal(14,2), other numbers 8-byte on PostgreSQL too (host/migrations.ts).
 * 4: cc_case_events.answered_at, each handoff's answer time (src/workflows/answered-at.ts).
 * 5: Concord's relational fields named in the user's language in Studio.
 * 6: cc_cases.first_closed_at and closing_departments, each case's first closure (src/workflows/case-closure.ts).
 */
export const SCHEMA_VERSION = 6;

const TABLE = 'cc_installation';
const STORAGE_MARKER_FILE = '.concord-storage';

export interface Installation {
  schema_version: number | null;
  secret_check: string | null;
  storage_marker: string | null;
  demo_completed_at: unknown;
}

/** Runs before the schema is applied: an older snapshot must not be applied over newer data. */
export async function assertDatabaseNotNewer(db: Knex): Promise<void> {
  if (!(await db.schema.hasTable(TABLE))) return;
  const row = (await db(TABLE).first('schema_version')) as Pick<Installation, 'schema_version'> | undefined;
  const stored = Number(row?.schema_version ?? 0);
  if (stored > SCHEMA_VERSION) {
    throw new SettingError(
      `This database was written by a newer Concord (schema ${stored}; this checkout knows ${SCHEMA_VERSION}): update this checkout, or point it at another database.`,
    );
  }
}

/** A value that tells whether two instances hold the same SECRET without storing the SECRET. */
export function secretCheck(secret: string): string {
  return createHmac('sha256', secret).update('concord:instance-secret').digest('hex');
}

/**
 * After the schema is applied: the first start of a database records its row; every later start
 * (a restart, another instance) must hold the same SECRET and, with several instances, see the same
 * upload storage. A database whose history already exists when the row is first written counts as
 * having its demo completed (it was set up before this row existed).
 */
export async function checkInstallation(db: Knex, settings: InstanceSettings): Promise<Installation> {
  const check = secretCheck(settings.secret);
  const row = await db.transaction(async (trx) => {
    const existing = (await trx(TABLE).where('id', 1).first()) as Installation | undefined;
    if (existing) return existing;
    const hasHistory = Number((await trx('cc_cases').count({ n: '*' }).first())?.['n'] ?? 0) > 0;
    const fresh: Installation = {
      schema_version: SCHEMA_VERSION,
      secret_check: check,
      storage_marker: null,
      demo_completed_at: hasHistory ? toDbTime(trx, new Date()) : null,
    };
    // Two first starts racing without the start lock (SQLite has none) settle on one row.
    await trx(TABLE).insert({ id: 1, ...fresh }).onConflict('id').ignore();
    return ((await trx(TABLE).where('id', 1).first()) as Installation | undefined) ?? fresh;
  });
  if (row.secret_check && row.secret_check !== check) {
    throw new SettingError(
      'SECRET is not the one this database was set up with, so tokens signed by the other instances would be refused here: give every instance the same KEY and SECRET (from the environment or their .env).',
    );
  }
  const updates: Partial<Installation> = {};
  if (!row.secret_check) updates.secret_check = check;
  if (Number(row.schema_version ?? 0) < SCHEMA_VERSION) updates.schema_version = SCHEMA_VERSION;
  if (settings.instances > 1) {
    const marker = checkSharedStorage(settings, row.storage_marker);
    if (marker !== row.storage_marker) updates.storage_marker = marker;
  }
  if (Object.keys(updates).length > 0) await db(TABLE).where('id', 1).update(updates);
  return { ...row, ...updates };
}

export async function markDemoCompleted(db: Knex): Promise<void> {
  await db(TABLE).where('id', 1).update({ demo_completed_at: toDbTime(db, new Date()) });
}

/**
 * Several instances must serve uploads from one place. For each local storage location, the first
 * instance leaves a marker file in it and records the marker; every other instance must find the
 * same marker in its own location, or it is looking at a folder the others do not write to.
 */
function checkSharedStorage(settings: InstanceSettings, recorded: string | null): string {
  const marker = recorded ?? randomBytes(16).toString('hex');
  for (const root of localStorageRoots(settings.directus)) {
    const file = join(root, STORAGE_MARKER_FILE);
    if (!recorded) {
      writeFileSync(file, marker);
      continue;
    }
    const found = existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
    if (found !== marker) {
      throw new SettingError(
        `The upload folder ${root} is not the one the other instances of this database use (it lacks their ${STORAGE_MARKER_FILE} marker), so files uploaded through them would be missing here: point its STORAGE_*_ROOT at the shared folder.`,
      );
    }
  }
  return marker;
}

/** The roots of the storage locations that use Directus's `local` driver. */
export function localStorageRoots(directus: Record<string, unknown>): string[] {
  const locations = String(directus['STORAGE_LOCATIONS'] ?? 'local').split(',').map((l) => l.trim()).filter(Boolean);
  return locations
    .filter((location) => (directus[`STORAGE_${location.toUpperCase()}_DRIVER`] ?? 'local') === 'local')
    .map((location) => String(directus[`STORAGE_${location.toUpperCase()}_ROOT`] ?? ''));
}
