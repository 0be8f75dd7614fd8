import { appAccessMinimalPermissions } from '@directus/system-data';
import type { Accountability, SchemaOverview } from '@directus/types';
import knex, { type Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callerPermissionRows, type PermissionSources } from '../../src/access/caller-permissions.ts';
import { createAccessTables } from './directus-access-tables.ts';

/**
 * A caller's stored permissions as Concord reads them for its own checks (read scope, create and
 * update scope, references): the policies of their roles, nearest first, and their own last, as
 * Directus orders them; a policy whose IP allow-list excludes the caller's address left out; and the
 * minimal permissions Directus gives app (Studio) users.
 */
describe("a caller's permission rows", () => {
  let db: Knex;
  const sources = () => ({ db, schema: { collections: {}, relations: [] } as unknown as SchemaOverview, services: {} as PermissionSources['services'] });
  const caller = (extra: Partial<Accountability> = {}) => ({ user: 'u1', role: 'child', roles: ['child', 'parent'], admin: false, app: false, ip: '192.168.1.7', ...extra }) as Accountability;

  beforeEach(async () => {
    db = knex({ client: 'sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
    await createAccessTables(db);
    await db('directus_policies').insert([{ id: 'own' }, { id: 'of-parent' }, { id: 'of-child' }, { id: 'office-only', ip_access: '10.0.0.0/8' }, { id: 'stranger' }]);
    await db('directus_access').insert([
      { policy: 'own', user: 'u1' },
      { policy: 'of-parent', role: 'parent' },
      { policy: 'of-child', role: 'child' },
      { policy: 'office-only', role: 'child' },
      { policy: 'stranger', role: 'other' },
    ]);
    await db('directus_permissions').insert([
      { policy: 'own', collection: 'cc_cases', action: 'read', fields: 'id,title', permissions: '{"team":{"_eq":1}}' },
      { policy: 'of-parent', collection: 'cc_cases', action: 'update', fields: '*', permissions: null },
      { policy: 'of-child', collection: 'cc_customers', action: 'read', fields: '*', permissions: '{}' },
      { policy: 'office-only', collection: 'cc_cases', action: 'delete', fields: '*' },
      { policy: 'stranger', collection: 'cc_cases', action: 'read', fields: '*' },
    ]);
  });

  afterEach(async () => {
    await db.destroy();
  });

  it("takes the policies of the caller's roles (nearest first) and their own, skipping one their address is not allowed, in Directus's order", async () => {
    const rows = await callerPermissionRows(sources(), caller(), ['create', 'read', 'update', 'delete', 'share']);
    expect(rows.map((row) => [row.policy, row.collection, row.action, row.fields, row.permissions])).toEqual([
      ['of-child', 'cc_customers', 'read', ['*'], {}],
      ['of-parent', 'cc_cases', 'update', ['*'], null],
      ['own', 'cc_cases', 'read', ['id', 'title'], { team: { _eq: 1 } }],
    ]);
    const inOffice = await callerPermissionRows(sources(), caller({ ip: '10.1.2.3' }), ['delete']);
    expect(inOffice.map((row) => row.policy)).toEqual(['office-only']);
  });

  it("adds app access's minimal permissions for a Studio user", async () => {
    const rows = await callerPermissionRows(sources(), caller({ app: true }), ['read']);
    expect(rows.slice(0, 2).map((row) => row.policy)).toEqual(['of-child', 'own']);
    expect(rows.length).toBeGreaterThan(2);
    expect(rows.slice(2).every((row) => row.policy === null && row.action === 'read')).toBe(true);
    // Every minimal read rule, and none of the other actions'.
    expect(rows.slice(2).map((row) => row.collection)).toEqual(appAccessMinimalPermissions.filter((minimal) => minimal.action === 'read').map((minimal) => minimal.collection));
  });
});
