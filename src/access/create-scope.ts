import { isSystemCollection } from '@directus/system-data';
import type { Accountability } from '@directus/types';
import type { Knex } from 'knex';
import { CreateOutOfScopeError } from '../errors.ts';
import { callerPermissions, type PermissionSources } from './caller-permissions.ts';

/**
 * Creates are scoped like updates. Directus can limit which rows a policy may update, but not which
 * rows it may create: a team lead's manager policy edits only their teams' projects, yet would
 * create projects, tasks and meetings for any team, and a head would add their department to any
 * notice's audience. So a row created under a policy that also limits its updates must be one that
 * policy could update — judged on the row as written, inside the create's transaction (refusing
 * rolls it back). A policy that creates without any update rule (a service record, a survey
 * answer) creates freely.
 */

/** Collections whose creates are deliberately open beyond the creator's edit scope. */
const OPEN_CREATES: Record<string, string> = {
  cc_cases: 'anyone may bring in a customer\'s matter; the case then goes where its workflow sends it',
};

/** Who is writing in a transaction: the activity record that triggers the judgement carries only a user id. */
const writers = new WeakMap<Knex, Accountability>();

export function rememberWriter(db: Knex, accountability: Accountability | null): void {
  if (accountability && db.isTransaction) writers.set(db, accountability);
}

export function writerIn(db: Knex): Accountability | undefined {
  return writers.get(db);
}

interface ItemsReader {
  readByQuery(query: Record<string, unknown>): Promise<unknown[]>;
}

export interface CreateScopeSources extends PermissionSources {
  services: PermissionSources['services'] & {
    ItemsService: new (collection: string, options: { schema: PermissionSources['schema']; knex: Knex; accountability: null }) => ItemsReader;
  };
}

export async function assertCreatedWithinScope(sources: CreateScopeSources, accountability: Accountability, collection: string, key: string): Promise<void> {
  if (accountability.admin || !accountability.user || isSystemCollection(collection) || OPEN_CREATES[collection]) return;
  const permissions = (await callerPermissions(sources, accountability, ['create', 'update'])).filter((p) => p.collection === collection);
  const creators = new Set(permissions.filter((p) => p.action === 'create').map((p) => p.policy));
  if (creators.size === 0) return;
  const primary = sources.schema.collections[collection]?.primary ?? 'id';
  for (const policy of creators) {
    const scopes = permissions.filter((p) => p.action === 'update' && p.policy === policy).map((p) => p.permissions);
    if (scopes.length === 0 || scopes.some((scope) => !scope || Object.keys(scope).length === 0)) return;
    const items = new sources.services.ItemsService(collection, { schema: sources.schema, knex: sources.db, accountability: null });
    const within = await items.readByQuery({ filter: { _and: [{ [primary]: { _eq: key } }, { _or: scopes }] }, fields: [primary], limit: 1 });
    if (within.length > 0) return;
  }
  throw new CreateOutOfScopeError({ collection });
}
