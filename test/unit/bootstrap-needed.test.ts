import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootstrapNeeded } from '../../host/boot.ts';
import { connectDatabase } from '../../host/database.ts';
import { ROOT } from '../../host/paths.ts';

/**
 * Whether `directus bootstrap` is run on a start: only when it has something to do, decided as
 * Directus's migration runner decides (its own migrations and the project's MIGRATIONS_PATH ones
 * against `directus_migrations`).
 */

const OWN = readdirSync(join(ROOT, 'node_modules', '@directus', 'api', 'dist', 'database', 'migrations'))
  .filter((file) => /^[0-9]+[A-Z]-[^.]+\.(?:js|ts)$/.test(file))
  .map((file) => file.split('-')[0] as string);

let dir: string;
let db: Knex;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'concord-bootstrap-'));
  db = connectDatabase({ DB_CLIENT: 'sqlite3', DB_FILENAME: join(dir, 'data.db') });
});

afterEach(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function installed(versions: readonly string[]): Promise<void> {
  await db.schema.createTable('directus_collections', (t) => t.string('collection').primary());
  await db.schema.createTable('directus_migrations', (t) => {
    t.string('version').primary();
    t.string('name');
  });
  for (const version of versions) await db('directus_migrations').insert({ version, name: version });
}

describe('bootstrapNeeded', () => {
  it('is needed on an empty database, and on one whose Directus migrations are not all run', async () => {
    expect(OWN.length).toBeGreaterThan(50);
    expect(await bootstrapNeeded(db, {}, dir)).toBe(true);
    await installed(OWN.slice(0, -1));
    expect(await bootstrapNeeded(db, {}, dir)).toBe(true);
  });

  it('is not needed when every migration is recorded; a project migration not yet run makes it needed again', async () => {
    await installed(OWN);
    expect(await bootstrapNeeded(db, {}, dir)).toBe(false);
    mkdirSync(join(dir, 'migrations'));
    writeFileSync(join(dir, 'migrations', '20991231A-add-something.js'), 'export async function up() {}\n');
    expect(await bootstrapNeeded(db, {}, dir)).toBe(true);
    await db('directus_migrations').insert({ version: '20991231A', name: 'Add Something' });
    expect(await bootstrapNeeded(db, {}, dir)).toBe(false);
    // MIGRATIONS_PATH names another folder, resolved in the project folder.
    mkdirSync(join(dir, 'custom'));
    writeFileSync(join(dir, 'custom', '20991231B-more.mjs'), 'export async function up() {}\n');
    expect(await bootstrapNeeded(db, { MIGRATIONS_PATH: './custom' }, dir)).toBe(true);
  });
});
