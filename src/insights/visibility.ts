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

/**
 * `via`: the ids are not of the collection's rows but of the parent its many-to-one field `via`
 * points at, a row being readable when its parent is (see `followsParent`); a query restricts the
 * rows by that field instead of by their ids (`visibleColumn`).
 */
export type Visibility = { all: true } | { all: false; ids: number[]; via?: string };

/** The column of `alias` that a visibility's ids are of: the row's id, or its parent's key (`via`). */
export function visibleColumn(visibility: Visibility, alias: string): string {
  return !visibility.all && visibility.via ? `${alias}."${visibility.via}"` : `${alias}.id`;
}

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
  return (await readRules(db, accountability, collection)).some((rule) => isUnrestricted(rule.filter));
}

/** The viewer's read permissions on `collection`: each one's policy and row filter, parsed (null: no filter). */
async function readRules(db: Knex, accountability: Accountability, collection: string): Promise<Array<{ policy: string; filter: unknown }>> {
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
  const rules: Array<{ policy: string; permissions: unknown }> = await db('directus_permissions').select('policy', 'permissions').where({ collection, action: 'read' }).whereIn('policy', policies);
  return rules.map((rule) => ({ policy: rule.policy, filter: typeof rule.permissions === 'string' ? (JSON.parse(rule.permissions) as unknown) : (rule.permissions ?? null) }));
}

function isUnrestricted(filter: unknown): boolean {
  return filter === null || filter === undefined || (typeof filter === 'object' && Object.keys(filter as object).length === 0);
}

/** A filter as text with its keys sorted, so two rules written in a different key order compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * How the viewer's read rules on `collection` follow the parent its many-to-one `field` points at.
 * `covers`: for each read rule R of the viewer on the parent, the same policy has `{ field: R }` as a
 * read rule on `collection` (the same policy, so a policy Directus leaves out of a request, by its IP
 * allow-list say, is left out of both), and no row lacks a parent: whoever reads every parent reads
 * every row. `exact`: moreover every read rule on `collection` is such a rule, so the viewer reads
 * exactly the rows of the parents they read. Concord's model grants the history exactly that (a
 * history row is readable when its case is), which saves Directus counting and reading a long
 * history when the parents' answer is already known.
 */
async function followsParent(ctx: ServiceContext & { db: Knex }, collection: string, field: string, parent: string): Promise<{ covers: boolean; exact: boolean }> {
  const none = { covers: false, exact: false };
  const accountability = ctx.accountability;
  if (!accountability?.user) return none;
  const [own, parents] = await Promise.all([readRules(ctx.db, accountability, collection), readRules(ctx.db, accountability, parent)]);
  if (parents.length === 0 || parents.some((rule) => isUnrestricted(rule.filter))) return none;
  const through = own.map(({ policy, filter }) =>
    filter !== null && typeof filter === 'object' && !Array.isArray(filter) && Object.keys(filter).length === 1 && field in filter ? `${policy} ${canonical((filter as Record<string, unknown>)[field])}` : null,
  );
  const followed = new Set(through.filter((key): key is string => key !== null));
  const parentKeys = new Set(parents.map(({ policy, filter }) => `${policy} ${canonical(filter)}`));
  if (![...parentKeys].every((key) => followed.has(key))) return none;
  const orphan = await ctx.db(collection).first(ctx.db.raw('1 as found')).whereNull(field);
  if (orphan !== undefined) return none;
  return { covers: true, exact: through.every((key) => key !== null && parentKeys.has(key)) };
}

/** The collection that the many-to-one `field` of `collection` points at (null when it points at none). */
function parentOf(ctx: ServiceContext, collection: string, field: string): string | null {
  const relation = (ctx.schema.relations as Array<{ collection: string; field: string; related_collection: string | null }>).find((r) => r.collection === collection && r.field === field);
  return relation?.related_collection ?? null;
}

/**
 * Each collection's answer for its whole table (no filter) in this request: every row of a
 * collection readable means every row of any part of it is, and a child whose rules follow its
 * parent's (PARENTS) is read exactly where the parent is: wholly when the parent is, otherwise the
 * rows of the parents the viewer reads.
 */
const wholeAnswers = new WeakMap<Accountability, Map<string, Promise<Visibility>>>();

/** History-like collections whose read rules usually follow their parent's: the field naming it. */
const PARENTS: Record<string, string> = { cc_case_events: 'case' };

/**
 * The rows of `collection` matching `filter` that the viewer may read. When Directus counts as many
 * of them for the viewer as there are at all, they may read every one, and no id list is needed.
 * How many there are at all is Directus's own count without permissions, or `total` when the caller
 * gives it: a count the caller's own SQL makes of exactly the rows `filter` matches (a panel that
 * aggregates over every row in scope anyway has it for free). Then nothing matching at all needs
 * no question to Directus, and otherwise one count is asked instead of two. `idsFirst`: the caller
 * expects the viewer to read a part of the window (see `ask`).
 */
export async function visibleRows(
  ctx: ServiceContext & { db: Knex },
  collection: string,
  filter: Record<string, unknown>,
  total?: () => Promise<number>,
  { idsFirst = false }: { idsFirst?: boolean } = {},
): Promise<Visibility> {
  if (await readsWholeCollection(ctx.db, ctx.accountability, collection)) return { all: true };
  const accountability = ctx.accountability as Accountability;
  let known = wholeAnswers.get(accountability);
  if (!known) wholeAnswers.set(accountability, (known = new Map()));
  const whole = known.get(collection);
  if (whole && (await whole).all) return { all: true };
  if (Object.keys(filter).length > 0) return ask(ctx, collection, filter, total, idsFirst);
  if (whole) return whole;
  const answer = (async (): Promise<Visibility> => {
    const field = PARENTS[collection];
    const parent = field ? parentOf(ctx, collection, field) : null;
    const parentAnswer = parent ? known.get(parent) : undefined;
    const follows = field && parent && parentAnswer ? await followsParent(ctx, collection, field, parent) : { covers: false, exact: false };
    const parents = parentAnswer ? await parentAnswer : null;
    if (parents?.all && follows.covers) return { all: true };
    // Exactly the rows whose parent the viewer reads: restricted by the parent's key, where Directus
    // would count and read a long history through the rules' joins.
    if (field && parents && !parents.all && !parents.via && follows.exact) return { all: false, ids: parents.ids, via: field };
    return ask(ctx, collection, filter, total);
  })();
  known.set(collection, answer);
  // A failed look-up is asked again by whoever asks next.
  answer.catch(() => known.delete(collection));
  return answer;
}

/** Directus's own answer: its count of the rows the viewer may read against the count of them all, then the ids if fewer. */
async function ask(ctx: ServiceContext & { db: Knex }, collection: string, filter: Record<string, unknown>, total?: () => Promise<number>, idsFirst = false): Promise<Visibility> {
  const service = new ctx.services.ItemsService(collection, { schema: ctx.schema, accountability: ctx.accountability, knex: ctx.db });
  const countOf = async (reader: typeof service) => Number(((await reader.readByQuery({ filter, aggregate: { countDistinct: ['id'] } }))[0]?.['countDistinct'] as Record<string, unknown> | undefined)?.['id'] ?? 0);
  const ids = async () => (await service.readByQuery({ filter, fields: ['id'], limit: -1 })).map((row) => Number(row['id']));
  // A caller who expects a part (`idsFirst`: a window of the collection not cut to the viewer's
  // scope) has the ids read at once and their number told against everyone's: one question over
  // the rules' joins where counting first asks two. Counting first saves reading the ids of a set
  // the viewer reads all of.
  if (idsFirst) {
    const everyone = new ctx.services.ItemsService(collection, { schema: ctx.schema, accountability: null, knex: ctx.db });
    const [readable, all] = await Promise.all([ids(), total ? total() : countOf(everyone)]);
    return readable.length === all ? { all: true } : { all: false, ids: readable };
  }
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
  return { all: false, ids: await ids() };
}
