import type { Query, SchemaOverview } from '@directus/types';
import { describe, expect, it } from 'vitest';
import type { CallerPermission } from '../../src/access/caller-permissions.ts';
import { ReadScope } from '../../src/access/read-scope.ts';

/**
 * Reading items by key (the read-back after every write) skips resolving the caller's rules when the
 * key needs no guard; that is decided from the rules as stored, and must agree with the full rewrite
 * under the resolved rules.
 */
const schema = {
  collections: {
    cc_cases: { collection: 'cc_cases', primary: 'id', fields: {} },
    cc_teams: { collection: 'cc_teams', primary: 'id', fields: {} },
    cc_team_extras: { collection: 'cc_team_extras', primary: 'team', fields: {} },
  },
  relations: [
    { collection: 'cc_cases', field: 'team', related_collection: 'cc_teams', schema: null, meta: { one_field: 'cases' } },
    { collection: 'cc_team_extras', field: 'team', related_collection: 'cc_teams', schema: null, meta: { one_field: null } },
  ],
} as unknown as SchemaOverview;

const rule = (fields: string[], permissions: Record<string, unknown> | null, collection = 'cc_cases'): CallerPermission => ({
  collection,
  action: 'read',
  permissions: permissions as CallerPermission['permissions'],
  validation: null,
  presets: null,
  fields,
  policy: 'p',
});

/** The same rules as stored and as resolved for one caller. */
const stored = { team: { _in: '$CURRENT_USER.cc_memberships.team' } };
const resolved = { team: { _in: [3, 4] } };
const rulesets: Array<[string, CallerPermission[], CallerPermission[], boolean]> = [
  ['one rule showing every field', [rule(['*'], stored)], [rule(['*'], resolved)], true],
  ['two rules, both showing the key', [rule(['id', 'title'], null), rule(['*'], stored)], [rule(['id', 'title'], null), rule(['*'], resolved)], true],
  ['a rule of every row hiding the key beside one showing it on some', [rule(['title'], null), rule(['*'], stored)], [rule(['title'], null), rule(['*'], resolved)], false],
  ['a rule of every row showing the key beside one hiding it', [rule(['*'], null), rule(['title'], stored)], [rule(['*'], null), rule(['title'], resolved)], true],
  ['a row rule hiding the key beside another showing it', [rule(['title'], stored), rule(['*'], { priority: { _eq: 'high' } })], [rule(['title'], resolved), rule(['*'], { priority: { _eq: 'high' } })], false],
  ['no rule', [], [], true],
];

const byKey: Query[] = [{ filter: { id: { _eq: 7 } } }, { filter: { id: { _in: [7, 8] } }, fields: ['id', 'title'] }, { filter: { _and: [{ id: { _eq: 7 } }, { id: { _neq: 8 } }] } }];
const notByKey: Query[] = [
  { filter: { id: { _eq: 7 }, title: { _eq: 'x' } } },
  { filter: { id: { _eq: 7 } }, sort: ['title'] },
  { filter: { id: { _eq: 7 } }, deep: { team: { _filter: { name: { _eq: 'x' } } } } as Query['deep'] },
  { filter: { id: { _eq: 7 } }, aggregate: { count: ['*'] } },
  { filter: { id: { _eq: 7 } }, group: ['team'] },
  { filter: { team: { _eq: 3 } } },
  { filter: { id: 7 } as unknown as Query['filter'] },
  { filter: {} },
  { sort: ['id'] },
];

describe('reading by key', () => {
  it('recognises filters on the primary key alone, and nothing else', () => {
    for (const query of byKey) expect(ReadScope.byKeyOnly(schema, 'cc_cases', query), JSON.stringify(query)).toBe(true);
    for (const query of notByKey) expect(ReadScope.byKeyOnly(schema, 'cc_cases', query), JSON.stringify(query)).toBe(false);
    // A key that is a relation filters through it.
    expect(ReadScope.byKeyOnly(schema, 'cc_team_extras', { filter: { team: { _eq: 3 } } })).toBe(false);
  });

  it.each(rulesets)('answers from the stored rules as the full rewrite under the resolved ones: %s', (_label, asStored, asResolved, unguarded) => {
    expect(new ReadScope(schema, asStored).keyIsUnguarded('cc_cases')).toBe(unguarded);
    for (const query of byKey) {
      const copy = structuredClone(query);
      new ReadScope(schema, asResolved).limitQuery('cc_cases', copy);
      // Unguarded exactly when the rewrite leaves the query as it was.
      expect(JSON.stringify(copy) === JSON.stringify(query), JSON.stringify(query)).toBe(unguarded);
    }
  });
});
