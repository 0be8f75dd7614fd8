import { defineHook } from '@directus/extensions-sdk';
import { systemCollectionNames } from '@directus/system-data';
import type { EventContext, Query } from '@directus/types';
import { governedCollections } from '../../../src/access/governed-collections.ts';
import type { PermissionSources } from '../../../src/access/caller-permissions.ts';
import { limitReadQuery } from '../../../src/access/read-scope.ts';
import { assertAggregatable } from '../../../src/validation/aggregates.ts';

/**
 * Every read of a governed collection (Concord's, the system collections its rules need, those an
 * admin opted in) filters and sorts only on what its reader may read, and aggregates or groups only
 * by what the database can (admins included). Reads of other collections are Directus's, except
 * where their filters reach a governed collection.
 */
export default defineHook(({ filter }, { services, env, logger }) => {
  const { governs, optedIn } = governedCollections(env);
  if (optedIn.length > 0) logger.info(`Concord: its rules also govern ${optedIn.join(', ')} (CONCORD_GOVERNED_COLLECTIONS)`);
  // The host's service classes satisfy the slice the permission resolver declares.
  const readers = services as PermissionSources['services'];
  const limit = (query: Query, meta: Record<string, unknown>, { database, schema, accountability }: EventContext) => {
    if (!schema) return query;
    const collection = String(meta['collection']);
    if (governs(collection)) assertAggregatable(schema, collection, query);
    return limitReadQuery({ db: database, schema, services: readers }, accountability, collection, query, governs);
  };
  filter<Query>('items.query', limit);
  // System collections announce their reads under their own scope (users.query, files.query, …).
  for (const name of systemCollectionNames) filter<Query>(`${name.slice('directus_'.length)}.query`, limit);
});
