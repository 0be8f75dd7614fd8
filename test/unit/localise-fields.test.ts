import knex from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { localiseRelationalFields } from '../../src/setup/migrations.ts';
import type { Snapshot } from '../../src/setup/schema-snapshot.ts';

const db = knex({ client: 'sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
afterAll(() => db.destroy());

const field = (collection: string, name: string, meta: Record<string, unknown>) => ({ collection, field: name, type: 'integer', meta, schema: null });
const snapshot = {
  fields: [
    field('cc_cases', 'workflow', { interface: 'cc-local-m2o', display: 'cc-local-name', display_options: { template: '{{name_zh}}' } }),
    field('cc_cases', 'events', { interface: 'cc-local-o2m', display: 'related-values' }),
    field('cc_evaluation_cycles', 'name', { interface: 'input', display: 'cc-cycle-name', display_options: null }),
    field('cc_improvement_actions', 'cycle', { interface: 'select-dropdown-m2o', display: 'cc-local-name', display_options: { kind: 'cycle' } }),
    field('cc_tasks', 'department', { interface: 'cc-local-m2o', display: 'cc-local-name', display_options: null }),
    field('cc_team_members', 'user', { interface: 'cc-local-m2o', options: { people: true, template: '{{last_name}}{{first_name}}' }, display: 'related-values' }),
  ],
} as unknown as Snapshot;

describe('schema 5: Studio names vocabulary in the user’s language on databases set up before', () => {
  it('moves fields with Directus’s stock relational choices to Concord’s language-aware ones, and keeps what an admin chose', async () => {
    await db.schema.createTable('directus_fields', (t) => {
      t.increments('id');
      t.string('collection');
      t.string('field');
      t.string('interface').nullable();
      t.text('options').nullable();
      t.string('display').nullable();
      t.text('display_options').nullable();
    });
    await db('directus_fields').insert([
      { collection: 'cc_cases', field: 'workflow', interface: 'select-dropdown-m2o', display: 'related-values', display_options: '{"template":"{{name_zh}}"}' },
      { collection: 'cc_cases', field: 'events', interface: 'list-o2m', display: 'related-values' },
      { collection: 'cc_evaluation_cycles', field: 'name', interface: 'input', display: null },
      { collection: 'cc_improvement_actions', field: 'cycle', interface: 'select-dropdown-m2o', display: 'related-values', display_options: '{"template":"{{name}}"}' },
      // An admin chose their own interface and display here: both stay.
      { collection: 'cc_tasks', field: 'department', interface: 'select-radio', display: 'raw' },
      // The stock picker with an admin's own template: it gets the people picker and keeps the template.
      { collection: 'cc_team_members', field: 'user', interface: 'select-dropdown-m2o', options: '{"template":"{{first_name}}"}', display: 'related-values' },
    ]);
    const changes = await localiseRelationalFields(db, snapshot);
    expect(changes).toHaveLength(6);
    const rows = await db('directus_fields').select('collection', 'field', 'interface', 'display', 'display_options').orderBy('id');
    expect(rows).toEqual([
      { collection: 'cc_cases', field: 'workflow', interface: 'cc-local-m2o', display: 'cc-local-name', display_options: '{"template":"{{name_zh}}"}' },
      { collection: 'cc_cases', field: 'events', interface: 'cc-local-o2m', display: 'related-values', display_options: null },
      { collection: 'cc_evaluation_cycles', field: 'name', interface: 'input', display: 'cc-cycle-name', display_options: null },
      { collection: 'cc_improvement_actions', field: 'cycle', interface: 'select-dropdown-m2o', display: 'cc-local-name', display_options: '{"kind":"cycle"}' },
      { collection: 'cc_tasks', field: 'department', interface: 'select-radio', display: 'raw', display_options: null },
      { collection: 'cc_team_members', field: 'user', interface: 'cc-local-m2o', display: 'related-values', display_options: null },
    ]);
    const picker = await db('directus_fields').first('options').where({ collection: 'cc_team_members', field: 'user' });
    expect(JSON.parse(picker.options as string)).toEqual({ people: true, template: '{{first_name}}' });
    // Run again (a start that failed after it): nothing more to change.
    expect(await localiseRelationalFields(db, snapshot)).toEqual([]);
  });
});
