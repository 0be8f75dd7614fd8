import { defineHook } from '@directus/extensions-sdk';
import { systemCollectionNames } from '@directus/system-data';
import type { EventContext, Query } from '@directus/types';
import type { PermissionSources } from '../../../src/access/caller-permissions.ts';
import { limitReadQuery } from '../../../src/access/read-scope.ts';
import { assertAggregatable } from '../../../src/validation/aggregates.ts';

/**
 * Every read — of Concord's collections and of Directus's own — filters and sorts only on what its
 * reader may read, and aggregates or groups only by what the database can (admins included).
 */
export default defineHook(({ filter }, { services }) => {
  // The host's service classes satisfy the slice the permission resolver declares.
  const readers = services as PermissionSources['services'];
  const limit = (query: Query, meta: Record<string, unknown>, { database, schema, accountability }: EventContext) => {
    if (!schema) return query;
    const collection = String(meta['collection']);
    assertAggregatable(schema, collection, query);
    return limitReadQuery({ db: database, schema, services: readers }, accountability, collection, query);
  };
  filter<Query>('items.query', limit);
  // System collections announce their reads under their own scope (users.query, files.query, …).
  for (const name of systemCollectionNames) filter<Query>(`${name.slice('directus_'.length)}.query`, limit);
});
