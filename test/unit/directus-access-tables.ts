import type { Knex } from 'knex';

/**
 * Directus's access tables as far as Concord reads them (roles, policies, the links between them and
 * people, and the stored permissions), for unit tests on SQLite in memory.
 */
export async function createAccessTables(db: Knex): Promise<void> {
  await db.schema.createTable('directus_roles', (t) => {
    t.string('id').primary();
    t.string('parent');
  });
  await db.schema.createTable('directus_policies', (t) => {
    t.string('id').primary();
    t.text('ip_access');
  });
  await db.schema.createTable('directus_access', (t) => {
    t.increments('id');
    t.string('policy');
    t.string('role');
    t.string('user');
  });
  await db.schema.createTable('directus_permissions', (t) => {
    t.increments('id');
    t.string('policy');
    t.string('collection');
    t.string('action');
    t.json('permissions');
    t.json('validation');
    t.json('presets');
    t.text('fields');
  });
}
