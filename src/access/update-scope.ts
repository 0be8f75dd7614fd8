import type { Accountability } from '@directus/types';
import type { Knex } from 'knex';
import { callerPermissions, type PermissionSources } from './caller-permissions.ts';

/**
 * Whether the caller may update row `key` of `collection` as it stands in `sources.db` (a write's
 * own transaction): Directus's item check for an update that names no field (validateItemAccess —
 * the row matches one of the caller's update rules on the collection; none means no), on one read,
 * with the caller's rules resolved once per request (caller-permissions.ts) instead of once per
 * check. Admins and the server itself may. Field rights are not asked: no field is named.
 */

interface ItemsReader {
  readByQuery(query: Record<string, unknown>): Promise<unknown[]>;
}

export interface UpdateScopeSources extends PermissionSources {
  services: PermissionSources['services'] & {
    ItemsService: new (collection: string, options: { schema: PermissionSources['schema']; knex?: Knex; accountability?: Accountability | null }) => ItemsReader;
  };
}

export async function mayUpdateRow(sources: UpdateScopeSources, accountability: Accountability | null, collection: string, key: number | string): Promise<boolean> {
  const primary = sources.schema.collections[collection]?.primary;
  if (!primary) return false;
  const one = { [primary]: { _eq: key } };
  const items = new sources.services.ItemsService(collection, { schema: sources.schema, knex: sources.db, accountability: null });
  if (!accountability || accountability.admin) return (await items.readByQuery({ filter: one, fields: [primary], limit: 1 })).length > 0;
  const rules = (await callerPermissions(sources, accountability, ['update'])).filter((p) => p.collection === collection && p.action === 'update').map((p) => p.permissions);
  if (rules.length === 0) return false;
  const everyRow = rules.some((rule) => !rule || Object.keys(rule).length === 0);
  const filter = everyRow ? one : { _and: [one, { _or: rules }] };
  return (await items.readByQuery({ filter, fields: [primary], limit: 1 })).length > 0;
}
