import knex, { type Knex } from 'knex';

/**
 * A throw-away in-memory SQLite database with the columns the metric queries read, laid out as
 * Directus lays them out on SQLite (timestamps and dates as epoch milliseconds, booleans as 0/1), so
 * each formula runs its real SQL against a handful of hand-built rows.
 */
export async function metricsDatabase(): Promise<Knex> {
  const db = knex({ client: 'sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });

  await db.schema.createTable('directus_users', (t) => {
    t.string('id').primary();
    t.string('status').defaultTo('active');
    t.string('cc_department');
  });
  await db.schema.createTable('cc_departments', (t) => {
    t.string('code').primary();
    t.string('name_zh');
    t.string('name_en');
    t.string('head');
    t.integer('sort');
  });
  await db.schema.createTable('cc_teams', (t) => {
    t.increments('id');
    t.string('name');
    t.string('status');
    t.string('lead');
  });
  await db.schema.createTable('cc_team_members', (t) => {
    t.increments('id');
    t.integer('team');
    t.string('user');
    t.bigInteger('since');
    t.bigInteger('until');
  });
  await db.schema.createTable('cc_workflows', (t) => {
    t.increments('id');
    t.float('resolution_sla_hours');
  });
  await db.schema.createTable('cc_workflow_states', (t) => {
    t.increments('id');
    t.integer('workflow');
    t.string('owner_department');
    t.float('response_sla_hours');
    t.boolean('is_terminal').defaultTo(false);
  });
  await db.schema.createTable('cc_workflow_transitions', (t) => {
    t.increments('id');
    t.boolean('is_resolution').defaultTo(false);
    t.boolean('is_reopen').defaultTo(false);
  });
  await db.schema.createTable('cc_cases', (t) => {
    t.increments('id');
    t.integer('workflow');
    t.integer('team');
    t.bigInteger('opened_at');
  });
  await db.schema.createTable('cc_case_events', (t) => {
    t.increments('id');
    t.integer('case');
    t.integer('to_state');
    t.integer('transition');
    t.string('actor_department');
    t.bigInteger('occurred_at');
    t.boolean('is_handoff').defaultTo(false);
    t.boolean('is_override').defaultTo(false);
  });
  await db.schema.createTable('cc_projects', (t) => {
    t.increments('id');
    t.integer('team');
  });
  await db.schema.createTable('cc_meetings', (t) => {
    t.increments('id');
    t.integer('team');
    t.bigInteger('starts_at');
  });
  await db.schema.createTable('cc_meeting_participants', (t) => {
    t.increments('id');
    t.integer('meeting');
    t.string('user');
    t.boolean('attended').defaultTo(false);
  });
  await db.schema.createTable('cc_tasks', (t) => {
    t.increments('id');
    t.integer('project');
    t.integer('meeting');
    t.string('department');
    t.bigInteger('due_at');
    t.bigInteger('done_at');
    t.float('logged_hours');
  });
  await db.schema.createTable('cc_surveys', (t) => {
    t.increments('id');
    t.string('kind');
    t.integer('team');
  });
  await db.schema.createTable('cc_survey_responses', (t) => {
    t.increments('id');
    t.integer('survey');
    t.integer('csat');
    t.integer('nps');
    t.integer('pulse');
    t.string('department');
    t.bigInteger('responded_at');
  });
  await db.schema.createTable('cc_transactions', (t) => {
    t.increments('id');
    t.string('kind');
    t.float('amount');
    t.string('department');
    t.integer('project');
    t.bigInteger('occurred_on');
  });
  await db.schema.createTable('cc_budgets', (t) => {
    t.increments('id');
    t.string('department');
    t.integer('project');
    t.bigInteger('period_start');
    t.bigInteger('period_end');
    t.float('amount');
  });
  return db;
}

/** An instant written with its offset, e.g. `2026-10-31T23:59:59+08:00`, as SQLite holds it. */
export const at = (text: string): number => {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`not a timestamp: ${text}`);
  return ms;
};

/** A calendar date as Directus stores it on SQLite (UTC midnight in milliseconds). */
export const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);

export const hours = (n: number): number => n * 3_600_000;
