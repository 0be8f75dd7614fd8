import type { Knex } from 'knex';
import type { Snapshot } from './schema-snapshot.ts';
import { refreshAnsweredAt } from '../workflows/answered-at.ts';
import { refreshClosures } from '../workflows/case-closure.ts';

/**
 * Explicit, ordered changes to Concord's own tables between schema versions (the version a database
 * was last written with is `cc_installation.schema_version`). They run before the schema step, so
 * that the snapshot finds the columns already in their new form and changes nothing: a blind diff
 * would convert data the way Directus's column alteration does, which is not always the way that
 * keeps it. Each migration is idempotent (a start that fails after it runs it again).
 */
export interface Migration {
  /** The schema version this migration brings a database to. */
  version: number;
  /** One line, printed when the migration changes something. */
  title: string;
  up(db: Knex, snapshot: Snapshot): Promise<string[]>;
  /**
   * What must wait until the schema step has created the snapshot's new columns (a back-fill of a
   * column this version adds). Runs right after that step, on a database the schema version still
   * names as older, so a start that fails after it runs it again; idempotent as `up` is.
   */
  afterSchema?(db: Knex): Promise<string[]>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 3,
    title: 'numbers keep their precision on PostgreSQL: money as decimal(14,2), scores, shares and hours as double precision',
    up: (db, snapshot) => widenNumberColumns(db, snapshot),
  },
  {
    version: 4,
    title: "each handoff's answer time stored with the history (cc_case_events.answered_at), back-filled from the definition",
    up: async () => [],
    afterSchema: async (db) => {
      await refreshAnsweredAt(db);
      const row = await db('cc_case_events').whereNotNull('answered_at').count({ n: '*' }).first();
      return [`cc_case_events.answered_at: ${Number(row?.['n'] ?? 0)} answered handoffs`];
    },
  },
  {
    version: 5,
    title: 'English means English: departments, states, workflows and cycles named in the user’s language in Studio',
    up: (db, snapshot) => localiseRelationalFields(db, snapshot),
  },
  {
    version: 6,
    title: "each case's first closure stored with the case (cc_cases.first_closed_at, closing_departments), back-filled from the history",
    up: async () => [],
    afterSchema: async (db) => {
      await refreshClosures(db);
      // PostgreSQL plans the period's closed cases by the new column's statistics (without them it
      // guessed 150 of 15,000 rows at scale 100); its autovacuum would gather them only later.
      if (db.client.config.client === 'pg') await db.raw('analyze cc_cases');
      const row = await db('cc_cases').whereNotNull('first_closed_at').count({ n: '*' }).first();
      return [`cc_cases.first_closed_at: ${Number(row?.['n'] ?? 0)} closed cases`];
    },
  },
];

/** The stock Directus choice each of Concord's language-aware interfaces and displays replaces. */
const LOCALISED: Record<string, { column: 'interface' | 'display'; stock: ReadonlyArray<string | null> }> = {
  'cc-local-m2o': { column: 'interface', stock: ['select-dropdown-m2o'] },
  'cc-local-o2m': { column: 'interface', stock: ['list-o2m'] },
  'cc-local-name': { column: 'display', stock: ['related-values'] },
  'cc-cycle-name': { column: 'display', stock: [null] },
};

/**
 * Studio settings are the admin's once Concord has created a field (the schema step restores only
 * what its rules need), so a database set up before schema 5 keeps Directus's stock relational
 * interface and display on Concord's fields, which name everything by name_zh. This moves each of
 * those fields that still has the stock choice to the language-aware one the snapshot names; a
 * field whose interface or display an admin changed keeps it.
 */
export async function localiseRelationalFields(db: Knex, snapshot: Snapshot): Promise<string[]> {
  if (!(await db.schema.hasTable('directus_fields'))) return [];
  const changes: string[] = [];
  for (const field of snapshot.fields) {
    const meta = (field.meta ?? {}) as { interface?: string | null; options?: Record<string, unknown> | null; display?: string | null; display_options?: Record<string, unknown> | null };
    for (const chosen of [meta.interface, meta.display]) {
      const change = chosen ? LOCALISED[chosen] : undefined;
      if (!chosen || !change) continue;
      const row = (await db('directus_fields').first('id', change.column, 'options').where({ collection: field.collection, field: field.field })) as Record<string, unknown> | undefined;
      if (!row || !change.stock.includes((row[change.column] as string | null) ?? null)) continue;
      const update: Record<string, unknown> = { [change.column]: chosen };
      if (change.column === 'display') update['display_options'] = meta.display_options ? JSON.stringify(meta.display_options) : null;
      // The new interface's own options (the people picker) join the options the field has; those win.
      if (change.column === 'interface' && meta.options) update['options'] = JSON.stringify({ ...meta.options, ...parsedOptions(row['options']) });
      await db('directus_fields').update(update).where({ id: row['id'] });
      changes.push(`${field.collection}.${field.field}: ${change.column} ${String(row[change.column] ?? '—')} → ${chosen}`);
    }
  }
  return changes;
}

/**
 * Runs the migrations newer than the version the database records, oldest first, and returns one
 * line per change made. A database without Concord's tables yet (a first start) has nothing to move.
 */
export async function runMigrations(db: Knex, snapshot: Snapshot): Promise<string[]> {
  const stored = await storedSchemaVersion(db);
  if (stored === null) return [];
  const lines: string[] = [];
  for (const migration of MIGRATIONS) {
    if (migration.version <= stored) continue;
    const changes = await migration.up(db, snapshot);
    if (changes.length > 0) lines.push(`schema ${migration.version}: ${migration.title}`, ...changes.map((change) => `  ${change}`));
  }
  return lines;
}

/** The `afterSchema` steps of the migrations newer than the database's version, oldest first, after the schema step. */
export async function runMigrationsAfterSchema(db: Knex): Promise<string[]> {
  const stored = await storedSchemaVersion(db);
  if (stored === null) return [];
  const lines: string[] = [];
  for (const migration of MIGRATIONS) {
    if (migration.version <= stored || !migration.afterSchema) continue;
    const changes = await migration.afterSchema(db);
    if (changes.length > 0) lines.push(`schema ${migration.version}: ${migration.title}`, ...changes.map((change) => `  ${change}`));
  }
  return lines;
}

/** The schema version the database was last written with; null before Concord's first start. */
async function storedSchemaVersion(db: Knex): Promise<number | null> {
  if (!(await db.schema.hasTable('cc_installation'))) return null;
  const row = (await db('cc_installation').first('schema_version')) as { schema_version: number | string | null } | undefined;
  return Number(row?.schema_version ?? 0);
}

/**
 * Directus creates every field of type `float` as a 4-byte `real` on PostgreSQL (7 significant
 * digits), and converts `real` to `numeric` through 6 significant digits. Concord's own float
 * columns become `double precision` and its money columns `numeric(p, s)` as the snapshot states,
 * both through the value's text, which is its shortest exact spelling: 78.78788 stays 78.78788,
 * 123456.78 stays 123456.78. SQLite already stores every number in 8 bytes, and takes the decimal
 * declaration from the schema step, so there is nothing to do there.
 *
 * Run before the schema step (existing data) and after it (columns the step has just created).
 * Only columns the snapshot owns are touched; a float field an admin added keeps Directus's type.
 */
export async function widenNumberColumns(db: Knex, snapshot: Snapshot): Promise<string[]> {
  if (db.client.config.client !== 'pg') return [];
  const wanted = new Map<string, string>();
  for (const field of snapshot.fields) {
    if (field.type === 'float') wanted.set(`${field.collection}.${field.field}`, 'double precision');
    if (field.type === 'decimal' && field.schema?.numeric_precision && field.schema.numeric_scale !== null && field.schema.numeric_scale !== undefined) {
      wanted.set(`${field.collection}.${field.field}`, `numeric(${Number(field.schema.numeric_precision)}, ${Number(field.schema.numeric_scale)})`);
    }
  }
  if (wanted.size === 0) return [];
  const columns = (
    await db.raw(
      `select table_name, column_name, data_type, numeric_precision, numeric_scale from information_schema.columns
        where table_schema = current_schema() and data_type in ('real', 'numeric', 'double precision')`,
    )
  ).rows as Array<{ table_name: string; column_name: string; data_type: string; numeric_precision: number | null; numeric_scale: number | null }>;
  const changes: string[] = [];
  for (const column of columns) {
    const target = wanted.get(`${column.table_name}.${column.column_name}`);
    if (!target) continue;
    const current = column.data_type === 'numeric' ? `numeric(${column.numeric_precision}, ${column.numeric_scale})` : column.data_type;
    if (current === target) continue;
    // Only widen: a double or a numeric that already holds the value is left for the schema step.
    if (column.data_type !== 'real') continue;
    const scale = /numeric\(\d+, (\d+)\)/.exec(target)?.[1];
    const using = scale === undefined ? '??::text::double precision' : `round(??::text::numeric, ${Number(scale)})`;
    await db.raw(`alter table ?? alter column ?? type ${target} using ${using}`, [column.table_name, column.column_name, column.column_name]);
    changes.push(`${column.table_name}.${column.column_name}: real → ${target}`);
  }
  return changes;
}

function parsedOptions(value: unknown): Record<string, unknown> {
  if (value && typeof value === 'object') return value as Record<string, unknown>;
  if (typeof value !== 'string' || value === '') return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
