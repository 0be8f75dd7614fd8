import type { Query, SchemaOverview } from '@directus/types';
import { describe, expect, it } from 'vitest';
import type { CallerPermission } from '../../src/access/caller-permissions.ts';
import { GOVERNED_SETTING, governedCollections } from '../../src/access/governed-collections.ts';
import { ReadScope } from '../../src/access/read-scope.ts';
import { RestrictedQueryError } from '../../src/errors.ts';

describe('governedCollections', () => {
  it("governs Concord's cc_ collections and the system collections its rules need, and nothing else by default", () => {
    const { governs, optedIn } = governedCollections({});
    for (const name of ['cc_customers', 'cc_cases', 'cc_notices_teams', 'directus_users', 'directus_files', 'directus_dashboards', 'directus_panels']) expect([name, governs(name)]).toEqual([name, true]);
    for (const name of ['my_things', 'customers', 'directus_activity', 'directus_notifications', 'directus_roles', 'acc_orders', 'CC_customers']) expect([name, governs(name)]).toEqual([name, false]);
    expect(optedIn).toEqual([]);
  });

  it.each([
    ['a list as written', 'my_things, orders ,,my_things'],
    ['the array Directus casts a value with a comma to', ['my_things', 'orders', '']],
    ['a JSON array', '["my_things","orders"]'],
  ])('opts in the host collections the setting names, given as %s', (_label, value) => {
    const { governs, optedIn } = governedCollections({ [GOVERNED_SETTING]: value });
    expect(optedIn).toEqual(['my_things', 'orders']);
    expect([governs('my_things'), governs('orders'), governs('cc_cases'), governs('other_things')]).toEqual([true, true, true, false]);
  });

  it('reads one name, and an empty or absent setting as none', () => {
    expect(governedCollections({ [GOVERNED_SETTING]: 'my_things' }).optedIn).toEqual(['my_things']);
    expect(governedCollections({ [GOVERNED_SETTING]: '' }).optedIn).toEqual([]);
    expect(governedCollections({ [GOVERNED_SETTING]: ' , ' }).optedIn).toEqual([]);
    expect(governedCollections({ [GOVERNED_SETTING]: false }).optedIn).toEqual([]);
  });
});

/**
 * A host collection `my_things` (owner, secret, an m2o `customer` into cc_customers) next to
 * Concord's cc_customers, read by someone whose policies open secret on their own things only and
 * customers of tier A only.
 */
const schema = {
  collections: {
    cc_customers: { collection: 'cc_customers', primary: 'id', fields: {} },
    my_things: { collection: 'my_things', primary: 'id', fields: {} },
    my_tags: { collection: 'my_tags', primary: 'id', fields: {} },
  },
  relations: [
    { collection: 'my_things', field: 'customer', related_collection: 'cc_customers', schema: null, meta: { one_field: null } },
    { collection: 'my_tags', field: 'thing', related_collection: 'my_things', schema: null, meta: { one_field: 'tags' } },
  ],
} as unknown as SchemaOverview;

const rule = (collection: string, fields: string[], permissions: Record<string, unknown> | null): CallerPermission => ({
  collection,
  action: 'read',
  permissions: permissions as CallerPermission['permissions'],
  validation: null,
  presets: null,
  fields,
  policy: 'p',
});
const permissions = [
  rule('my_things', ['id', 'name', 'owner', 'customer', 'tags'], null),
  rule('my_things', ['*'], { owner: { _eq: 'li' } }),
  rule('my_tags', ['*'], null),
  rule('cc_customers', ['*'], { tier: { _eq: 'A' } }),
];

const limited = (governs: (collection: string) => boolean, query: Query): Query => {
  const copy = structuredClone(query);
  new ReadScope(schema, permissions, governs).limitQuery('my_things', copy);
  return copy;
};
const byDefault = governedCollections({}).governs;
const optedIn = governedCollections({ [GOVERNED_SETTING]: 'my_things' }).governs;

describe('ReadScope over a host collection', () => {
  it('leaves a filter, sort and deep on an ungoverned collection exactly as Directus would read them', () => {
    const query: Query = {
      filter: { _or: [{ secret: { _eq: 'x' } }, { tags: { label: { _eq: 'red' }, thing: { _nnull: true } } }], owner: { _eq: 'wang' } },
      sort: ['secret', '-tags.label'],
      deep: { tags: { _filter: { label: { _eq: 'red' } }, _sort: ['label'] } } as Query['deep'],
    };
    expect(limited(byDefault, query)).toEqual(query);
  });

  it('applies Concord\'s field rule to the same query once the collection is opted in', () => {
    expect(limited(optedIn, { filter: { secret: { _eq: 'x' } } }).filter).toEqual({ _and: [{ owner: { _eq: 'li' } }, { secret: { _eq: 'x' } }] });
    expect(() => limited(optedIn, { sort: ['secret'] })).toThrow(RestrictedQueryError);
  });

  it("still limits a filter that reaches cc_customers from the host collection to the customers the reader may read", () => {
    expect(limited(byDefault, { filter: { customer: { name: { _eq: 'Secret Ltd' } } } }).filter).toEqual({
      _and: [{ customer: { tier: { _eq: 'A' } } }, { customer: { name: { _eq: 'Secret Ltd' } } }],
    });
    // Also when it sits among conditions of the host collection's own, and inside logic.
    expect(limited(byDefault, { filter: { _or: [{ name: { _eq: 'a' } }, { customer: { name: { _eq: 'Secret Ltd' } } }] } }).filter).toEqual({
      _or: [{ name: { _eq: 'a' } }, { _and: [{ customer: { tier: { _eq: 'A' } } }, { customer: { name: { _eq: 'Secret Ltd' } } }] }],
    });
  });

  it('limits a path through another host collection into cc_customers, and a deep filter on the related customer', () => {
    const query: Query = { filter: { tags: { thing: { customer: { name: { _eq: 'Secret Ltd' } } } } }, deep: { customer: { _filter: { name: { _eq: 'Secret Ltd' } } } } as Query['deep'] };
    const result = limited(byDefault, query);
    expect(result.filter).toEqual({ _and: [{ tags: { thing: { customer: { tier: { _eq: 'A' } } } } }, { tags: { thing: { customer: { name: { _eq: 'Secret Ltd' } } } } }] });
    expect((result.deep as Record<string, { _filter: unknown }>)['customer']?._filter).toEqual({ name: { _eq: 'Secret Ltd' } });
  });

  it('refuses sorting by a customer value the reader may see on some customers only, from the host collection too', () => {
    const partial = [...permissions, rule('cc_customers', ['id', 'tier'], null)];
    const scope = new ReadScope(schema, partial, byDefault);
    expect(() => scope.limitQuery('my_things', { sort: ['customer.name'] })).toThrow(RestrictedQueryError);
    expect(() => scope.limitQuery('my_things', { sort: ['customer.tier', 'secret'] })).not.toThrow();
  });
});
