import knex, { type Knex } from 'knex';

/**
 * A throw-away database with the columns the metric queries read, laid out as Directus lays them
 * out, so each formula runs its real SQL against a handful of hand-built rows: in-memory SQLite
 * (timestamps and dates as epoch milliseconds, booleans as 0/1) by default, or, with
 * CONCORD_TEST_PG_URL set, a fresh schema in that PostgreSQL database (timestamptz, date, boolean).
 */
const PG_URL = process.env['CONCORD_TEST_PG_URL'];
const onPostgres = Boolean(PG_URL);

export async function metricsDatabase(): Promise<Knex> {
  const db = onPostgres ? await postgresSchema(PG_URL as string) : knex({ client: 'sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
  const stamp = (t: Knex.CreateTableBuilder, name: string) => (onPostgres ? t.timestamp(name, { useTz: true }) : t.bigInteger(name));
  const date = (t: Knex.CreateTableBuilder, name: string) => (onPostgres ? t.date(name) : t.bigInteger(name));

  await db.schema.createTable('directus_users', (t) => {
    t.string('id').primary();
    t.string('status').defaultTo('active');
    t.string('cc_department');
    t.string('first_name');
    t.string('last_name');
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
    date(t, 'since');
    date(t, 'until');
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
    stamp(t, 'opened_at');
    t.integer('state');
    t.integer('customer');
    stamp(t, 'state_entered_at');
    stamp(t, 'first_closed_at');
    t.json('closing_departments');
  });
  await db.schema.createTable('cc_case_events', (t) => {
    t.increments('id');
    t.integer('case');
    t.integer('to_state');
    t.integer('transition');
    t.string('actor_department');
    stamp(t, 'occurred_at');
    t.boolean('is_handoff').defaultTo(false);
    t.boolean('is_override').defaultTo(false);
    stamp(t, 'answered_at');
  });
  await db.schema.createTable('cc_projects', (t) => {
    t.increments('id');
    t.string('name');
    t.integer('team');
  });
  await db.schema.createTable('cc_meetings', (t) => {
    t.increments('id');
    t.integer('team');
    stamp(t, 'starts_at');
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
    t.string('assignee');
    stamp(t, 'due_at');
    stamp(t, 'done_at');
    t.float('logged_hours');
  });
  await db.schema.createTable('cc_surveys', (t) => {
    t.increments('id');
    t.string('kind');
    t.integer('team');
    t.integer('case');
  });
  await db.schema.createTable('cc_products', (t) => {
    t.increments('id');
    t.string('name');
  });
  await db.schema.createTable('cc_purchases', (t) => {
    t.increments('id');
    t.integer('customer');
    t.integer('product');
  });
  await db.schema.createTable('cc_survey_responses', (t) => {
    t.increments('id');
    t.integer('survey');
    t.integer('csat');
    t.integer('nps');
    t.integer('pulse');
    t.string('department');
    stamp(t, 'responded_at');
  });
  await db.schema.createTable('cc_transactions', (t) => {
    t.increments('id');
    t.string('kind');
    t.float('amount');
    t.string('department');
    t.integer('project');
    date(t, 'occurred_on');
  });
  await db.schema.createTable('cc_budgets', (t) => {
    t.increments('id');
    t.string('department');
    t.integer('project');
    date(t, 'period_start');
    date(t, 'period_end');
    t.float('amount');
  });
  await db.schema.createTable('cc_evaluation_cycles', (t) => {
    t.increments('id');
    t.string('period_kind');
    date(t, 'starts_on');
    date(t, 'ends_on');
    t.string('status');
  });
  await db.schema.createTable('cc_evaluation_scores', (t) => {
    t.increments('id');
    t.integer('cycle');
    t.string('scope_kind');
    t.string('department');
    t.integer('team');
    t.string('dimension');
    t.float('score');
  });
  return db;
}

async function postgresSchema(url: string): Promise<Knex> {
  const schema = `metrics_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const setup = knex({ client: 'pg', connection: url });
  await setup.raw(`create schema ${schema}`);
  await setup.destroy();
  const db = knex({ client: 'pg', connection: url, searchPath: [schema], pool: { min: 1, max: 1 } });
  schemas.set(db, schema);
  return db;
}

const schemas = new WeakMap<Knex, string>();

/** Closes the database; on PostgreSQL its schema goes too, so a test leaves nothing behind. */
export async function disposeMetricsDatabase(db: Knex): Promise<void> {
  const schema = schemas.get(db);
  if (schema) await db.raw(`drop schema ${schema} cascade`);
  await db.destroy();
}

/** An instant written with its offset, e.g. `2026-10-31T23:59:59+08:00`, as the database holds it. */
export const at = (text: string): number | Date => {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`not a timestamp: ${text}`);
  return onPostgres ? new Date(ms) : ms;
};

/** A calendar date as Directus stores it (UTC midnight in milliseconds on SQLite). */
export const day = (iso: string): number | string => (onPostgres ? iso : Date.parse(`${iso}T00:00:00Z`));

export const hours = (n: number): number => n * 3_600_000;

/** The one workflow both metric suites use: received (service, 4 h) → escalated (tech, 8 h) → resolved → closed, and a sales state. */
export const STATE = { received: 1, escalated: 2, resolved: 3, closed: 4, sales: 5 };

export async function insertWorkflow(db: Knex): Promise<void> {
  await db('cc_workflows').insert({ id: 1, resolution_sla_hours: 48 });
  await db('cc_workflow_states').insert([
    { id: STATE.received, workflow: 1, owner_department: 'service', response_sla_hours: 4 },
    { id: STATE.escalated, workflow: 1, owner_department: 'tech', response_sla_hours: 8 },
    { id: STATE.resolved, workflow: 1, owner_department: 'service', response_sla_hours: null },
    { id: STATE.closed, workflow: 1, owner_department: 'service', response_sla_hours: 0, is_terminal: true },
    { id: STATE.sales, workflow: 1, owner_department: 'sales', response_sla_hours: 24 },
  ]);
}
