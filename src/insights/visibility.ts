import type { Accountability } from '@directus/types';
import type { Knex } from 'knex';
import type { ServiceContext } from '../directus/services.ts';

/**
 * What an Insights figure may be computed from: exactly the rows the viewer can read through the
 * API. A viewer with an unconditional read permission on the collection (executives, admins) reads
 * everything, so the database aggregates over all rows; so does a viewer who can read every row the
 * figure is about. Anyone else gets the ids Directus itself returns for them — its own permission
 * rules applied — and the database aggregates over those ids only. The ids are a visibility set
 * handed back to SQL, never counted in JavaScript.
 */

export type Visibility = { all: true } | { all: false; ids: number[] };

/**
 * Answers already found in this request, by collection: Directus gives each request its own
 * accountability object, so a panel's endpoint asks the database once however many of its parts
 * want to know, and nothing outlives the request (no invalidation needed).
 */
const answered = new WeakMap<Accountability, Map<string, Promise<boolean>>>();

/** True when some policy of the viewer reads the whole collection, with no row filter. */
export function readsWholeCollection(db: Knex, accountability: Accountability | null, collection: string): Promise<boolean> {
  if (!accountability) return Promise.resolve(true);
  if (accountability.admin) return Promise.resolve(true);
  if (!accountability.user) return Promise.resolve(false);
  let known = answered.get(accountability);
  if (!known) answered.set(accountability, (known = new Map()));
  let answer = known.get(collection);
  if (!answer) {
    answer = rulesReadWhole(db, accountability, collection);
    known.set(collection, answer);
    // A failed look-up is asked again by whoever asks next.
    answer.catch(() => known.delete(collection));
  }
  return answer;
}

async function rulesReadWhole(db: Knex, accountability: Accountability, collection: string): Promise<boolean> {
  // Directus resolves the role tree (the role and its parents) when it authenticates the request.
  const roles: string[] = Array.isArray(accountability.roles) && accountability.roles.length > 0 ? [...accountability.roles] : [];
  if (roles.length === 0) {
    for (let role = accountability.role ?? null; role !== null && !roles.includes(role); ) {
      roles.push(role);
      const row = await db('directus_roles').first('parent').where('id', role);
      role = (row?.parent as string | null | undefined) ?? null;
    }
  }
  const policies = db('directus_access')
    .select('policy')
    .where('user', accountability.user as string)
    .orWhereIn('role', roles);
  const rules: Array<{ permissions: unknown }> = await db('directus_permissions').select('permissions').where({ collection, action: 'read' }).whereIn('policy', policies);
  return rules.some((rule) => {
    const filter = typeof rule.permissions === 'string' ? (JSON.parse(rule.permissions) as unknown) : rule.permissions;
    return filter === null || filter === undefined || (typeof filter === 'object' && Object.keys(filter as object).length === 0);
  });
}

/**
 * The rows of `collection` matching `filter` that the viewer may read. When Directus counts as many
 * of them for the viewer as there are at all, they may read every one, and no id list is needed.
 * How many there are at all is Directus's own count without permissions, or `total` when the caller
 * gives it: a count the caller's own SQL makes of exactly the rows `filter` matches (a panel that
 * aggregates over every row in scope anyway has it for free). Then nothing matching at all needs
 * no question to Directus, and otherwise one count is asked instead of two.
 */
export async function visibleRows(ctx: ServiceContext & { db: Knex }, collection: string, filter: Record<string, unknown>, total?: () => Promise<number>): Promise<Visibility> {
  if (await readsWholeCollection(ctx.db, ctx.accountability, collection)) return { all: true };
  const service = new ctx.services.ItemsService(collection, { schema: ctx.schema, accountability: ctx.accountability, knex: ctx.db });
  const countOf = async (reader: typeof service) => Number(((await reader.readByQuery({ filter, aggregate: { countDistinct: ['id'] } }))[0]?.['countDistinct'] as Record<string, unknown> | undefined)?.['id'] ?? 0);
  let mine: number;
  let all: number;
  if (total) {
    all = await total();
    if (all === 0) return { all: true };
    mine = await countOf(service);
  } else {
    const everyone = new ctx.services.ItemsService(collection, { schema: ctx.schema, accountability: null, knex: ctx.db });
    [mine, all] = await Promise.all([countOf(service), countOf(everyone)]);
  }
  if (mine === all) return { all: true };
  const rows = await service.readByQuery({ filter, fields: ['id'], limit: -1 });
  return { all: false, ids: rows.map((row) => Number(row['id'])) };
}
