import type { Knex } from 'knex';
import type { Query, SchemaOverview } from '@directus/types';
import { describe, expect, it } from 'vitest';
import { assertAggregatable } from '../../src/validation/aggregates.ts';
import { validateValues, type FieldSpec, type FieldSpecs } from '../../src/validation/field-values.ts';

/** The schema-driven value and aggregate checks on their own (issue 17, holes 7 and 10); no database is reached. */

const spec = (field: string, type: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  collection: 'cc_budgets',
  field,
  type,
  nullable: true,
  unique: false,
  maxLength: null,
  precision: null,
  scale: null,
  choices: null,
  min: null,
  max: null,
  related: null,
  managed: false,
  setByServer: null,
  system: false,
  delegated: false,
  ...extra,
});

const specs: FieldSpecs = new Map([
  [
    'cc_budgets',
    new Map([
      ['date_created', spec('date_created', 'timestamp', { setByServer: 'stamp' })],
      ['sort', spec('sort', 'integer', { setByServer: 'sort' })],
      ['period_start', spec('period_start', 'date')],
      ['approved_at', spec('approved_at', 'timestamp')],
      ['note', spec('note', 'text')],
      ['extra', spec('extra', 'json')],
    ]),
  ],
]);
const db = (() => {
  throw new Error('no database in unit tests');
}) as unknown as Knex;
const check = (payload: Record<string, unknown>, writer: { person: boolean; admin: boolean } | null = null) => validateValues(db, specs, 'cc_budgets', payload, writer);
const codeOf = async (promise: Promise<unknown>) => promise.then(() => 'accepted', (error: { code?: string; extensions?: { field?: string } }) => `${error.code} ${error.extensions?.field}`);

describe('dates are real calendar dates and clock times within DATE_RANGE', () => {
  it.each([{}, [], true, 'NaN', Infinity, '2026-02-30T10:00:00Z', '', '+275760-09-13', '2026-01-01T25:00:00Z', '0999-12-31', '3000-01-01T00:00:00Z', '2026-01-01T10:00:00+15:00', new Date(Number.NaN)])(
    'a timestamp of %j is INVALID_PAYLOAD',
    async (value) => {
      expect(await codeOf(check({ approved_at: value }))).toBe('INVALID_PAYLOAD approved_at');
    },
  );

  it.each(['2026-02-29', '2026-13-01', '1899-12-31', 'yesterday', ''])('a date of %j is INVALID_PAYLOAD', async (value) => {
    expect(await codeOf(check({ period_start: value }))).toBe('INVALID_PAYLOAD period_start');
  });

  it.each(['2026-03-31T09:30:00Z', '2026-03-31 09:30', '2026-03-31T09:30:00.123+08:00', '1900-01-01T00:00:00Z'])('a timestamp of %j is accepted', async (value) => {
    expect(await codeOf(check({ approved_at: value }))).toBe('accepted');
  });

  it('text with U+0000 and JSON with a number JSON cannot hold are refused', async () => {
    expect(await codeOf(check({ note: 'a\u0000b' }))).toBe('INVALID_PAYLOAD note');
    expect(await codeOf(check({ extra: { a: [1, Infinity] } }))).toBe('INVALID_PAYLOAD extra');
    expect(await codeOf(check({ extra: { a: [1, 2] } }))).toBe('accepted');
    // A string is JSON text to Directus: PostgreSQL refuses what does not parse.
    expect(await codeOf(check({ extra: 'NaN' }))).toBe('INVALID_PAYLOAD extra');
    expect(await codeOf(check({ extra: '' }))).toBe('INVALID_PAYLOAD extra');
    expect(await codeOf(check({ extra: '{"a":1}' }))).toBe('accepted');
  });
});

describe('fields the server sets', () => {
  it('a malformed stamp is INVALID_PAYLOAD before anything else, from anyone', async () => {
    expect(await codeOf(check({ date_created: {} }, { person: true, admin: true }))).toBe('INVALID_PAYLOAD date_created');
    expect(await codeOf(check({ date_created: '2026-02-30' }, null))).toBe('INVALID_PAYLOAD date_created');
  });

  it('a well-formed stamp is SET_BY_SERVER from people, admins included; the server itself may write one', async () => {
    expect(await codeOf(check({ date_created: '1999-01-01T00:00:00Z' }, { person: true, admin: false }))).toBe('SET_BY_SERVER date_created');
    expect(await codeOf(check({ date_created: '1999-01-01T00:00:00Z' }, { person: true, admin: true }))).toBe('SET_BY_SERVER date_created');
    expect(await codeOf(check({ date_created: '2026-01-01T00:00:00Z' }, { person: false, admin: false }))).toBe('accepted');
  });

  it('the manual sort is SET_BY_SERVER from staff, an admin may place a row', async () => {
    expect(await codeOf(check({ sort: 3 }, { person: true, admin: false }))).toBe('SET_BY_SERVER sort');
    expect(await codeOf(check({ sort: 3 }, { person: true, admin: true }))).toBe('accepted');
    expect(await codeOf(check({ sort: 1.5 }, { person: true, admin: true }))).toBe('INVALID_PAYLOAD sort');
  });
});

describe('aggregates and groups name columns of the collection itself', () => {
  const field = (type: string, special: string[] = []) => ({ type, special });
  const schema = {
    collections: {
      cc_cases: { fields: { id: field('integer'), title: field('string'), customer: field('integer', ['m2o']), events: field('alias', ['o2m']), extra: field('json'), urgent: field('boolean'), date_created: field('timestamp') } },
      cc_case_events: { fields: { id: field('integer'), case: field('integer', ['m2o']), actors: field('alias', ['m2m']) } },
    },
    relations: [{ collection: 'cc_case_events', field: 'case', related_collection: 'cc_cases', meta: { one_field: 'events' }, schema: null }],
  } as unknown as SchemaOverview;
  const refused = (query: Query) => {
    try {
      assertAggregatable(schema, 'cc_cases', query);
      return 'accepted';
    } catch (error) {
      const e = error as { code?: string; extensions?: { field?: string; why?: string } };
      return `${e.code} ${e.extensions?.field} ${e.extensions?.why}`;
    }
  };

  it.each<[Query, string]>([
    [{ aggregate: { count: ['events'] } }, 'UNSUPPORTED_AGGREGATE events relation'],
    [{ aggregate: { count: ['id'] }, group: ['events'] }, 'UNSUPPORTED_AGGREGATE events relation'],
    [{ aggregate: { count: ['id'] }, group: ['customer.name'] }, 'UNSUPPORTED_AGGREGATE customer.name path'],
    [{ aggregate: { max: ['customer.name'] } }, 'UNSUPPORTED_AGGREGATE customer.name path'],
    [{ aggregate: { sum: ['title'] } }, 'UNSUPPORTED_AGGREGATE title type'],
    [{ aggregate: { max: ['urgent'] } }, 'UNSUPPORTED_AGGREGATE urgent type'],
    [{ aggregate: { avg: ['*'] } }, 'UNSUPPORTED_AGGREGATE * type'],
    [{ aggregate: { count: ['year(date_created)'] } }, 'UNSUPPORTED_AGGREGATE year(date_created) function'],
    [{ aggregate: { count: ['id'] }, group: ['extra'] }, 'UNSUPPORTED_AGGREGATE extra type'],
    [{ deep: { events: { _group: ['actors'] } } } as unknown as Query, 'UNSUPPORTED_AGGREGATE actors relation'],
  ])('%j is refused', (query, expected) => {
    expect(refused(query)).toBe(expected);
  });

  it.each<Query>([
    { aggregate: { count: ['*'] } },
    { aggregate: { count: ['id'], max: ['date_created', 'title'] }, group: ['customer', 'year(date_created)'] },
    { aggregate: { countDistinct: ['id'] }, group: ['urgent'] },
    { aggregate: { count: ['no_such_field'] } },
  ])('%j is left to Directus', (query) => {
    expect(refused(query)).toBe('accepted');
  });
});
