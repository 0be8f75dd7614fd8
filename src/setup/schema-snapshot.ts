import { isDeepStrictEqual } from 'node:util';

/**
 * Directus schema snapshots name columns in the words of the database that wrote them: a uuid
 * reference is `char(36)` of type `string` on SQLite and `uuid` on PostgreSQL, a string is
 * `varchar` or `character varying`, an integer carries a precision of 32 only on PostgreSQL, a
 * foreign key has a constraint name only there. Applied as is to the other vendor, every such
 * field reads as a change, and altering a reference to `char(36)` breaks its foreign key.
 *
 * `alignSnapshot(wanted, reference)` keeps everything `wanted` says but, wherever a field or
 * relation means the same column as in `reference`, takes `reference`'s words for it. Before
 * applying, the reference is the target database's own snapshot: only real changes remain. When
 * writing snapshots/, the reference is the committed file: a snapshot taken on PostgreSQL changes
 * only what really changed. The rules are per type, so they hold for fields added later.
 */

/** What bringing a database to a snapshot changed (or would change), one line per item. */
export interface SchemaSyncResult {
  vendor: string;
  changes: string[];
}

export interface Snapshot {
  version: number;
  directus: string;
  vendor?: string;
  collections: Array<{ collection: string } & Record<string, unknown>>;
  fields: SnapshotField[];
  systemFields?: unknown[];
  relations: SnapshotRelation[];
}

export interface SnapshotField {
  collection: string;
  field: string;
  type: string;
  meta: { special?: string[] | null } & Record<string, unknown> | null;
  schema: ColumnSchema | null;
}

export interface ColumnSchema {
  data_type?: string;
  default_value?: unknown;
  max_length?: number | null;
  numeric_precision?: number | null;
  numeric_scale?: number | null;
  is_nullable?: boolean;
  is_unique?: boolean;
  is_indexed?: boolean;
  is_primary_key?: boolean;
  is_generated?: boolean;
  generation_expression?: string | null;
  has_auto_increment?: boolean;
  foreign_key_table?: string | null;
  foreign_key_column?: string | null;
  [key: string]: unknown;
}

export interface SnapshotRelation {
  collection: string;
  field: string;
  related_collection: string | null;
  meta: unknown;
  schema: { constraint_name?: string | null; [key: string]: unknown } | null;
}

const key = (item: { collection: string; field: string }) => `${item.collection}.${item.field}`;

export function alignSnapshot(wanted: Snapshot, reference: Snapshot): Snapshot {
  const vendor = reference.vendor ?? 'sqlite';
  const referenceFields = new Map(reference.fields.map((f) => [key(f), f]));
  const referenceRelations = new Map(reference.relations.map((r) => [key(r), r]));
  return {
    ...wanted,
    vendor,
    fields: wanted.fields.map((field) => {
      const own = inVendorTerms(field, vendor);
      const theirs = referenceFields.get(key(field));
      if (!theirs?.schema || !own.schema || !sameColumn(own, wanted.vendor ?? 'sqlite', theirs, vendor)) return own;
      return { ...own, type: theirs.type, schema: theirs.schema };
    }),
    relations: wanted.relations.map((relation) => {
      const theirs = referenceRelations.get(key(relation));
      if (!theirs?.schema || !relation.schema || !isDeepStrictEqual(constraintMeaning(relation), constraintMeaning(theirs))) return relation;
      return { ...relation, schema: { ...relation.schema, constraint_name: theirs.schema.constraint_name ?? null } };
    }),
  };
}

/**
 * How Directus stores a uuid key or reference: as `uuid` where the database has the type, as
 * `char(36)` on SQLite (Directus itself turns char(36) keys into uuid when it creates a
 * collection on PostgreSQL, but not for a field added to an existing one).
 */
function isUuidColumn(field: SnapshotField): boolean {
  if (field.type === 'uuid') return true;
  const schema = field.schema;
  return (
    field.type === 'string' &&
    schema !== null &&
    ['char', 'varchar', 'character', 'character varying'].includes(String(schema.data_type).toLowerCase()) &&
    schema.max_length === 36 &&
    Boolean(schema.is_primary_key || (schema.foreign_key_table && schema.foreign_key_column))
  );
}

function inVendorTerms(field: SnapshotField, vendor: string): SnapshotField {
  if (vendor === 'sqlite' || field.type !== 'string' || !field.schema || !isUuidColumn(field)) return field;
  return { ...field, type: 'uuid', schema: { ...field.schema, data_type: 'uuid', max_length: null } };
}

/**
 * Whether two fields mean the same column. SQLite has no decimal column: Directus (through knex)
 * creates a decimal field there as `float`, which reads back as a float of no precision, so on
 * SQLite a float is the decimal the other side states.
 */
function sameColumn(a: SnapshotField, aVendor: string, b: SnapshotField, bVendor: string): boolean {
  const [ma, mb] = [columnMeaning(a), columnMeaning(b)];
  const sqliteDecimal = (x: SnapshotField, xVendor: string, y: SnapshotField) => xVendor === 'sqlite' && x.type === 'float' && y.type === 'decimal';
  if (sqliteDecimal(a, aVendor, b) || sqliteDecimal(b, bVendor, a)) {
    for (const meaning of [ma, mb]) {
      meaning['type'] = 'decimal';
      meaning['numeric_precision'] = meaning['numeric_scale'] = null;
    }
  }
  return isDeepStrictEqual(ma, mb);
}

/** What a column is, without the words a vendor uses for it. */
function columnMeaning(field: SnapshotField): Record<string, unknown> {
  const schema = field.schema as ColumnSchema;
  const uuid = isUuidColumn(field);
  const autoKey = Boolean(schema.is_primary_key && schema.has_auto_increment);
  return {
    type: uuid ? 'uuid' : field.type,
    // Vendors spell an auto-increment key's default (nextval(...)) and uniqueness differently.
    default_value: autoKey ? null : defaultMeaning(schema.default_value),
    max_length: !uuid && ['string', 'char'].includes(field.type) ? (schema.max_length ?? null) : null,
    numeric_precision: field.type === 'decimal' ? (schema.numeric_precision ?? null) : null,
    numeric_scale: field.type === 'decimal' ? (schema.numeric_scale ?? null) : null,
    is_nullable: schema.is_nullable ?? true,
    is_unique: autoKey || schema.is_primary_key ? true : (schema.is_unique ?? false),
    is_indexed: schema.is_indexed ?? false,
    is_primary_key: schema.is_primary_key ?? false,
    has_auto_increment: schema.has_auto_increment ?? false,
    is_generated: schema.is_generated ?? false,
    generation_expression: schema.generation_expression ?? null,
    foreign_key_table: schema.foreign_key_table ?? null,
    foreign_key_column: schema.foreign_key_column ?? null,
  };
}

function defaultMeaning(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  if (/^(now\(\)|current_timestamp(\(\d*\))?)$/i.test(value)) return 'now';
  return value;
}

/** SQLite reports no constraint names; anywhere else a name is what Directus generated. */
function constraintMeaning(relation: SnapshotRelation): Record<string, unknown> {
  const { constraint_name: _name, ...rest } = relation.schema ?? {};
  return rest;
}

/** One change of a schema diff, as Directus's getSnapshotDiff writes it. */
export interface DiffEntry {
  collection: string;
  field?: string;
  diff: Array<{ kind: 'N' | 'D' | 'E' | 'A'; path?: Array<string | number>; lhs?: unknown; rhs?: unknown; item?: unknown; index?: number }>;
}

export interface SchemaDiff {
  collections: DiffEntry[];
  fields: DiffEntry[];
  systemFields: DiffEntry[];
  relations: DiffEntry[];
}

/**
 * What Concord restores in the Studio settings of a collection or field it owns: what its rules
 * and screens need (a field's special handling and choice list, translations, a collection's folder).
 * Everything else there (note, width, display, sort, icon, …) is the admin's to keep.
 */
const CONCORD_META: Record<'collections' | 'fields', ReadonlyArray<readonly string[]>> = {
  collections: [['translations'], ['group'], ['singleton']],
  fields: [['special'], ['translations'], ['options', 'choices']],
};

/**
 * The part of a diff Concord may apply to a database it shares with its admins and its host
 * project: it creates and updates what `owned` (its snapshot) lists and never deletes or alters
 * anything else — collections, fields and relations admins added, on their collections or on
 * Concord's, stay with their data. Of an owned item that exists, it restores the column and
 * relation (its type, nullability, keys: what the rules rely on) and the meta in CONCORD_META.
 */
export function ownedDiff(diff: SchemaDiff, owned: Snapshot): SchemaDiff {
  const collections = new Set(owned.collections.map((c) => c.collection));
  const fields = new Set(owned.fields.map(key));
  const relations = new Set(owned.relations.map(key));
  const keep = (entry: DiffEntry, kind: 'collections' | 'fields' | 'relations'): DiffEntry | null => {
    const ownedItem = kind === 'collections' ? collections.has(entry.collection) : (kind === 'fields' ? fields : relations).has(key({ collection: entry.collection, field: entry.field ?? '' }));
    if (!ownedItem) return null;
    const [first] = entry.diff;
    // A whole item created (or, were it ever listed, deleted): as the snapshot says.
    if (!first?.path || first.path.length === 0) return first?.kind === 'D' ? null : entry;
    if (kind === 'relations') return entry;
    const kept = entry.diff.filter((change) => {
      const path = change.path ?? [];
      if (path[0] !== 'meta') return true;
      return CONCORD_META[kind].some((prefix) => prefix.every((part, i) => path[i + 1] === part) || (path.length === 2 && prefix.length > 1 && path[1] === prefix[0]));
    });
    if (kept.length === 0) return null;
    // Directus reads the first change's kind to decide between editing and creating the item.
    kept.sort((a, b) => Number(a.kind === 'N' || a.kind === 'D') - Number(b.kind === 'N' || b.kind === 'D'));
    return { ...entry, diff: kept };
  };
  const pick = (entries: DiffEntry[], kind: 'collections' | 'fields' | 'relations') => entries.map((e) => keep(e, kind)).filter((e): e is DiffEntry => e !== null);
  return {
    collections: pick(diff.collections, 'collections'),
    fields: pick(diff.fields, 'fields'),
    // Indexes on Directus's own system fields are the host's.
    systemFields: [],
    relations: pick(diff.relations, 'relations'),
  };
}

/** One line per change of a diff: what is created or updated, and which of its settings. */
export function describeDiff(diff: SchemaDiff): string[] {
  const verb = { N: 'create', D: 'delete', E: 'update', A: 'update' } as const;
  const lines: string[] = [];
  for (const [kind, entries] of Object.entries(diff) as Array<[string, SchemaDiff['collections']]>) {
    for (const entry of entries) {
      const first = entry.diff[0];
      const paths = [...new Set(entry.diff.map((d) => (d.path ?? []).join('.')).filter(Boolean))];
      lines.push(`${verb[first?.kind ?? 'E']} ${kind.replace(/s$/, '')} ${entry.collection}${entry.field ? `.${entry.field}` : ''}${paths.length ? ` (${paths.join(', ')})` : ''}`);
    }
  }
  return lines;
}
