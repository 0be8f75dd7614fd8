import { describe, expect, it } from 'vitest';
import { alignSnapshot, ownedDiff, type ColumnSchema, type DiffEntry, type Snapshot, type SnapshotField, type SnapshotRelation } from '../../src/setup/schema-snapshot.ts';

function column(overrides: Partial<ColumnSchema> = {}): ColumnSchema {
  return {
    data_type: 'varchar',
    default_value: null,
    max_length: 255,
    numeric_precision: null,
    numeric_scale: null,
    is_nullable: true,
    is_unique: false,
    is_indexed: false,
    is_primary_key: false,
    is_generated: false,
    generation_expression: null,
    has_auto_increment: false,
    foreign_key_table: null,
    foreign_key_column: null,
    ...overrides,
  };
}

function field(name: string, type: string, schema: Partial<ColumnSchema>): SnapshotField {
  return { collection: 'cc_things', field: name, type, meta: { special: null }, schema: column(schema) };
}

function relation(name: string, constraint: string | null): SnapshotRelation {
  return {
    collection: 'cc_things',
    field: name,
    related_collection: 'directus_users',
    meta: null,
    schema: { table: 'cc_things', column: name, foreign_key_table: 'directus_users', foreign_key_column: 'id', constraint_name: constraint, on_delete: 'SET NULL' },
  };
}

function snapshot(vendor: string, fields: SnapshotField[], relations: SnapshotRelation[] = []): Snapshot {
  return { version: 1, directus: '11.17.4', vendor, collections: [{ collection: 'cc_things' }], fields, relations };
}

// What the committed (SQLite) snapshot says about a few columns, and what PostgreSQL reports for them.
const sqliteFields = [
  field('id', 'integer', { data_type: 'integer', max_length: null, is_primary_key: true, has_auto_increment: true }),
  field('owner', 'string', { data_type: 'char', max_length: 36, foreign_key_table: 'directus_users', foreign_key_column: 'id' }),
  field('title', 'string', { data_type: 'varchar', max_length: 255 }),
  field('amount', 'decimal', { data_type: 'numeric', max_length: null, numeric_precision: 12, numeric_scale: 2 }),
  field('created', 'timestamp', { data_type: 'datetime', max_length: null, default_value: 'CURRENT_TIMESTAMP' }),
];
const pgFields = [
  field('id', 'integer', { data_type: 'integer', max_length: null, numeric_precision: 32, is_primary_key: true, has_auto_increment: true, is_unique: true, default_value: "nextval('cc_things_id_seq'::regclass)" }),
  field('owner', 'uuid', { data_type: 'uuid', max_length: null, foreign_key_table: 'directus_users', foreign_key_column: 'id' }),
  field('title', 'string', { data_type: 'character varying', max_length: 255 }),
  field('amount', 'decimal', { data_type: 'numeric', max_length: null, numeric_precision: 12, numeric_scale: 2 }),
  field('created', 'timestamp', { data_type: 'timestamp with time zone', max_length: null, default_value: 'now()' }),
];
const committed = snapshot('sqlite', sqliteFields, [relation('owner', null)]);
const onPostgres = snapshot('postgres', pgFields, [relation('owner', 'cc_things_owner_foreign')]);

describe('alignSnapshot', () => {
  it('applied to PostgreSQL, takes the database\'s words for every column that means the same: nothing left to change', () => {
    const wanted = alignSnapshot(committed, onPostgres);
    expect(wanted.vendor).toBe('postgres');
    expect(wanted.fields).toEqual(onPostgres.fields);
    expect(wanted.relations).toEqual(onPostgres.relations);
  });

  it('applied to SQLite, changes nothing in a SQLite snapshot', () => {
    expect(alignSnapshot(committed, committed)).toEqual(committed);
  });

  it('keeps real changes: a longer string, a new field, and a uuid reference new to the database becomes uuid on PostgreSQL', () => {
    const changed = snapshot('sqlite', [
      ...sqliteFields.filter((f) => f.field !== 'title'),
      field('title', 'string', { data_type: 'varchar', max_length: 500 }),
      field('reviewer', 'string', { data_type: 'char', max_length: 36, foreign_key_table: 'directus_users', foreign_key_column: 'id' }),
    ]);
    const wanted = alignSnapshot(changed, onPostgres);
    const byName = new Map(wanted.fields.map((f) => [f.field, f]));
    expect(byName.get('title')?.schema?.max_length).toBe(500);
    expect(byName.get('reviewer')).toMatchObject({ type: 'uuid', schema: { data_type: 'uuid', max_length: null } });
    expect(byName.get('owner')).toEqual(pgFields[1]);
  });

  it('keeps a change of nullability, default or foreign key', () => {
    const changed = snapshot('sqlite', [
      sqliteFields[0]!,
      field('owner', 'string', { data_type: 'char', max_length: 36, foreign_key_table: 'directus_roles', foreign_key_column: 'id' }),
      field('title', 'string', { data_type: 'varchar', max_length: 255, is_nullable: false }),
      sqliteFields[3]!,
      field('created', 'timestamp', { data_type: 'datetime', max_length: null, default_value: null }),
    ]);
    const byName = new Map(alignSnapshot(changed, onPostgres).fields.map((f) => [f.field, f]));
    expect(byName.get('owner')?.schema?.foreign_key_table).toBe('directus_roles');
    expect(byName.get('title')?.schema).toMatchObject({ is_nullable: false, data_type: 'varchar' });
    expect(byName.get('created')?.schema?.default_value).toBeNull();
  });

  it('written back from PostgreSQL, keeps the committed file\'s words wherever the database means the same', () => {
    expect(alignSnapshot(onPostgres, committed)).toEqual({ ...onPostgres, vendor: 'sqlite', fields: sqliteFields, relations: committed.relations });
  });

  it('on SQLite, reads a decimal field as the float column Directus makes of it there: applying changes nothing, writing back keeps the decimal', () => {
    const money = snapshot('sqlite', [field('amount', 'decimal', { data_type: 'decimal', max_length: null, numeric_precision: 14, numeric_scale: 2 })]);
    const database = snapshot('sqlite', [field('amount', 'float', { data_type: 'float', max_length: null })]);
    expect(alignSnapshot(money, database).fields).toEqual(database.fields);
    expect(alignSnapshot(database, money).fields).toEqual(money.fields);
  });

  it('on PostgreSQL, keeps a float column where the snapshot says decimal as a change (a real is not money)', () => {
    const money = snapshot('sqlite', [field('amount', 'decimal', { data_type: 'decimal', max_length: null, numeric_precision: 14, numeric_scale: 2 })]);
    const database = snapshot('postgres', [field('amount', 'float', { data_type: 'real', max_length: null, numeric_precision: 24 })]);
    expect(alignSnapshot(money, database).fields[0]).toMatchObject({ type: 'decimal', schema: { numeric_precision: 14, numeric_scale: 2 } });
  });
});

describe('ownedDiff', () => {
  const owned = snapshot('sqlite', [field('title', 'string', {}), field('status', 'string', {})], [relation('owner', null)]);
  const entry = (collection: string, name: string | undefined, diff: DiffEntry['diff']): DiffEntry => ({ collection, ...(name ? { field: name } : {}), diff });

  it('never deletes what the snapshot does not list: an admin\'s collection, their field on a Concord collection, their relation', () => {
    const result = ownedDiff(
      {
        collections: [entry('my_things', undefined, [{ kind: 'D', lhs: { collection: 'my_things' } }])],
        fields: [entry('cc_things', 'wechat_id', [{ kind: 'D', lhs: {} }]), entry('my_things', 'name', [{ kind: 'D', lhs: {} }])],
        systemFields: [entry('directus_users', 'email', [{ kind: 'E', path: ['schema', 'is_indexed'], lhs: true, rhs: false }])],
        relations: [entry('my_things', 'customer', [{ kind: 'D', lhs: {} }])],
      },
      owned,
    );
    expect(result).toEqual({ collections: [], fields: [], systemFields: [], relations: [] });
  });

  it('creates what it owns and restores its columns, choices and translations, leaving how Studio shows a field to the admin', () => {
    const created = entry('cc_things', 'title', [{ kind: 'N', rhs: { field: 'title' } }]);
    const edited = entry('cc_things', 'status', [
      { kind: 'E', path: ['meta', 'note'], lhs: 'mine', rhs: 'theirs' },
      { kind: 'E', path: ['meta', 'width'], lhs: 'half', rhs: 'full' },
      { kind: 'E', path: ['schema', 'data_type'], lhs: 'text', rhs: 'varchar' },
      { kind: 'E', path: ['meta', 'options', 'choices', 0, 'value'], lhs: 'x', rhs: 'active' },
      { kind: 'N', path: ['meta', 'translations', 1], rhs: { language: 'en-US' } },
    ]);
    const onlyLooks = entry('cc_things', 'title', [{ kind: 'E', path: ['meta', 'display'], lhs: 'raw', rhs: null }]);
    const result = ownedDiff({ collections: [entry('cc_things', undefined, [{ kind: 'E', path: ['meta', 'icon'], lhs: 'a', rhs: 'b' }])], fields: [created, edited, onlyLooks], systemFields: [], relations: [] }, owned);
    expect(result.collections).toEqual([]);
    expect(result.fields).toEqual([
      created,
      entry('cc_things', 'status', [
        { kind: 'E', path: ['schema', 'data_type'], lhs: 'text', rhs: 'varchar' },
        { kind: 'E', path: ['meta', 'options', 'choices', 0, 'value'], lhs: 'x', rhs: 'active' },
        { kind: 'N', path: ['meta', 'translations', 1], rhs: { language: 'en-US' } },
      ]),
    ]);
  });

  it('restores an owned relation (its keys keep history), whatever an admin changed in it', () => {
    const changed = entry('cc_things', 'owner', [{ kind: 'E', path: ['schema', 'on_delete'], lhs: 'CASCADE', rhs: 'SET NULL' }]);
    expect(ownedDiff({ collections: [], fields: [], systemFields: [], relations: [changed] }, owned).relations).toEqual([changed]);
  });
});
