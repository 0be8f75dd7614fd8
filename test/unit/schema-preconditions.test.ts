import knex, { type Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertSchemaPreconditions } from '../../src/setup/schema-preconditions.ts';

/** A database written before team names were unique, as an upgrade finds it. */
describe('the start before applying a newer schema', () => {
  let db: Knex;
  beforeEach(async () => {
    db = knex({ client: 'sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
    // A database Concord set up (it records itself there).
    await db.schema.createTable('cc_installation', (t) => t.increments('id'));
  });
  afterEach(async () => db.destroy());

  it('passes a database without teams, and one whose team names differ', async () => {
    await expect(assertSchemaPreconditions(db, [])).resolves.toBeUndefined();
    await db.schema.createTable('cc_teams', (t) => {
      t.increments('id');
      t.string('name');
    });
    await db('cc_teams').insert([{ name: '华东大客户团队' }, { name: '华东大客户团队 二组' }]);
    await expect(assertSchemaPreconditions(db, [])).resolves.toBeUndefined();
  });

  it('stops before the schema step when team names repeat, naming each and what to do', async () => {
    await db.schema.createTable('cc_teams', (t) => {
      t.increments('id');
      t.string('name');
    });
    await db('cc_teams').insert([{ name: '华东大客户团队' }, { name: '华东大客户团队' }, { name: 'B' }, { name: 'B' }, { name: 'B' }, { name: 'C' }]);
    await expect(assertSchemaPreconditions(db, [])).rejects.toThrow(
      'Team names must be unique from this version on, and 2 names are used more than once: "B" (3 teams); "华东大客户团队" (2 teams). Rename all but one of each in Studio (or with the previous checkout), then start again.',
    );
  });

  it("refuses a project's own collection under a name Concord brings, naming it, and passes Concord's own databases", async () => {
    const owned = ['cc_customers', 'cc_cases', 'cc_case_events', 'cc_workflows', 'cc_workflow_states', 'cc_installation'];
    await db.schema.dropTable('cc_installation');
    await db.schema.createTable('cc_customers', (t) => t.increments('id'));
    await expect(assertSchemaPreconditions(db, owned)).rejects.toThrow(
      'This project already has a collection named cc_customers that Concord did not create and needs the name of: rename it in the project (or add Concord to another project), then start again. Nothing was changed.',
    );
    // A database Concord set up before it recorded itself: its history tables are there.
    for (const table of ['cc_cases', 'cc_case_events', 'cc_workflows', 'cc_workflow_states']) await db.schema.createTable(table, (t) => t.increments('id'));
    await expect(assertSchemaPreconditions(db, owned)).resolves.toBeUndefined();
    await db.schema.dropTable('cc_cases');
    await db.schema.createTable('cc_installation', (t) => t.increments('id'));
    await expect(assertSchemaPreconditions(db, owned)).resolves.toBeUndefined();
  });
});
