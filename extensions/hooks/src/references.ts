import { defineHook } from '@directus/extensions-sdk';
import type { EventContext } from '@directus/types';
import type { PermissionSources } from '../../../src/access/caller-permissions.ts';
import { governedCollections } from '../../../src/access/governed-collections.ts';
import { lockRows } from '../../../src/directus/row-locks.ts';
import { assertCascadesPermitted, assertDeletable, assertUserHasNoHistory } from '../../../src/validation/references.ts';

type Keys = Array<number | string>;

/**
 * A delete the database would refuse for the rows still using it is refused first, with IN_USE; so
 * is one that would carry on (SET NULL, CASCADE) to rows the deleter could not change, and any
 * delete of a person with history. Deletes in collections Concord does not govern are Directus's.
 */
export default defineHook(({ filter }, { services, env }) => {
  const { governs } = governedCollections(env);
  // The host's service classes satisfy the slice the checks declare.
  const directus = services as Parameters<typeof assertCascadesPermitted>[0]['services'];
  const judge = async (collection: string, keys: Keys, { database, schema, accountability }: EventContext) => {
    if (!schema || !governs(collection)) return;
    // Nested in another write, the delete runs in this transaction: holding its rows keeps new
    // references from arriving between the judgement and the delete. A top-level delete's filter
    // runs before Directus opens its transaction, so there the judgement comes just before it.
    if (database.isTransaction) await lockRows(database, collection, schema.collections[collection]?.primary ?? 'id', keys);
    await assertDeletable(database, schema, collection, keys);
    if (collection === 'directus_users') await assertUserHasNoHistory(database, schema, keys);
    const sources: PermissionSources & { services: typeof directus } = { db: database, schema, services: directus };
    await assertCascadesPermitted(sources, accountability, collection, keys);
  };
  filter<Keys>('items.delete', async (keys, meta, context) => {
    await judge(String(meta['collection']), keys, context);
    return keys;
  });
  // System collections Concord's rows point at: people, and files (product images).
  for (const [scope, collection] of [['users', 'directus_users'], ['files', 'directus_files']] as const) {
    filter<Keys>(`${scope}.delete`, async (keys, _meta, context) => {
      await judge(collection, keys, context);
      return keys;
    });
  }
});
