import type { Accountability, Query, Relation, SchemaOverview } from '@directus/types';
import { getRelationInfo } from '@directus/utils';
import { RestrictedQueryError } from '../errors.ts';
import { callerPermissionRows, callerPermissions, type CallerPermission, type PermissionSources } from './caller-permissions.ts';

/**
 * Directus applies a collection's read rules to the rows it returns, and to the *values* of
 * fields a reader may see on some rows only, but not to what a query compares or orders by:
 * `cc_customers?filter[cases][title][_starts_with]=S` matches on cases the reader cannot see, and
 * `directus_users?filter[last_page][_nnull]=true` on other people's rows. This module rewrites a
 * read query so that no filter can match, and no sort or aggregate can depend, on a value the
 * reader may not read:
 *
 * - every condition on a field is joined with the rule under which the reader may read that field
 *   (on related rows: the related collection's rule, placed on the same relational path), so a
 *   hidden value behaves as if it were absent;
 * - sorting, aggregating or grouping through a field readable on some rows only is refused.
 *
 * It works from the schema and the reader's resolved permissions alone, so it covers every
 * governed collection, present and future, and every relation kind (m2o, o2m, m2m, m2a), on every
 * path that reads through Directus's items services (REST, GraphQL, exports, `deep`,
 * `meta=filter_count`).
 *
 * Only governed collections (src/access/governed-collections.ts) are limited: a host project's own
 * collection is read as Directus reads it, but a filter, sort or `deep` that reaches a governed
 * collection from it (a host collection's m2o into cc_customers, filtered by `customer.name`) is
 * limited from there on, with the governed collection's rules.
 */

const limited = new WeakSet<object>();

/**
 * Limits a read query to what the caller may read (see ReadScope), in place: Directus counts
 * `meta=filter_count` from the same query object. Admins and the system read everything.
 */
export async function limitReadQuery(
  sources: PermissionSources,
  accountability: Accountability | null,
  collection: string,
  query: Query,
  governs: (collection: string) => boolean = () => true,
): Promise<Query> {
  if (!accountability || accountability.admin || limited.has(query)) return query;
  if (!query.filter && !query.sort && !query.aggregate && !query.group && !query.deep) return query;
  // Reading items by key (Directus's readOne, the read-back after a write): whether the key needs a
  // guard depends only on which fields the rules grant, not on what their row rules say.
  if (ReadScope.byKeyOnly(sources.schema, collection, query)) {
    const rows = accountability.share ? [] : await callerPermissionRows(sources, accountability, ['read']);
    if (new ReadScope(sources.schema, rows, governs).keyIsUnguarded(collection)) {
      limited.add(query);
      return query;
    }
  }
  // A share link reads one item; nothing related to it counts as readable for filters.
  const permissions = accountability.share ? [] : await callerPermissions(sources, accountability, ['read']);
  new ReadScope(sources.schema, permissions, governs).limitQuery(collection, query);
  limited.add(query);
  return query;
}

/** A Directus filter, as plain data. */
type Filter = Record<string, unknown>;
type Cond = Filter | true;
type Use = 'sort' | 'aggregate' | 'group' | 'filter';

const LOGIC = new Set(['_and', '_or']);
const QUANTIFIERS = new Set(['_some', '_none']);
const PRESENCE = new Set(['_null', '_nnull', '_empty', '_nempty']);

export class ReadScope {
  private readonly byCollection = new Map<string, CallerPermission[]>();
  private readonly schema: SchemaOverview;
  private readonly governs: (collection: string) => boolean;

  /** `governs`: the collections whose rules limit a query (the others are Directus's alone); all by default. */
  constructor(schema: SchemaOverview, readPermissions: readonly CallerPermission[], governs: (collection: string) => boolean = () => true) {
    this.schema = schema;
    this.governs = governs;
    for (const permission of readPermissions) {
      if (permission.action !== 'read') continue;
      const list = this.byCollection.get(permission.collection) ?? [];
      list.push(permission);
      this.byCollection.set(permission.collection, list);
    }
  }

  /**
   * Whether `query` only filters `collection`'s own primary key (plain conditions, `_and`/`_or` of
   * them), with no sort, aggregate, group or `deep`: then its one possible rewrite is the key's
   * guard (`keyIsUnguarded`).
   */
  static byKeyOnly(schema: SchemaOverview, collection: string, query: Query): boolean {
    if (query.sort || query.aggregate || query.group || query.deep || !isRecord(query.filter)) return false;
    const primary = schema.collections[collection]?.primary;
    if (!primary) return false;
    // A key that is also a relation would filter through it.
    if (getRelationInfo(schema.relations as Relation[], collection, primary).relation) return false;
    const keyOnly = (filter: unknown): boolean =>
      isRecord(filter) &&
      Object.keys(filter).length > 0 &&
      Object.entries(filter).every(([key, value]) => (LOGIC.has(key) ? Array.isArray(value) && value.every(keyOnly) : key === primary && isRecord(value) && isOperatorObject(value)));
    return keyOnly(query.filter);
  }

  /**
   * Whether a condition on `collection`'s primary key at the root needs no guard: Directus's row
   * rules decide the rows, and every rule that lets the reader see a row shows its key. It reads
   * only the rules' fields and whether they have a row rule, so unresolved rules answer as resolved ones.
   */
  keyIsUnguarded(collection: string): boolean {
    const primary = this.schema.collections[collection]?.primary ?? 'id';
    return this.guard(collection, primary, []) === null;
  }

  /** Rewrites `query` (a read of `collection`) in place. */
  limitQuery(collection: string, query: Query): void {
    if (query.filter) replaceContents(query.filter as Filter, this.limitFilter(collection, query.filter as Filter));
    for (const entry of query.sort ?? []) this.assertUniform(collection, entry.replace(/^-/, ''), 'sort');
    for (const fields of Object.values(query.aggregate ?? {})) {
      for (const field of fields ?? []) if (field !== '*') this.assertUniform(collection, field, 'aggregate');
    }
    // Directus masks a root group value the reader may not see; paths through relations it does not.
    for (const field of query.group ?? []) if (field.includes('.')) this.assertUniform(collection, field, 'group');
    if (query.deep) this.limitDeep(collection, query.deep as Record<string, unknown>, query.alias ?? {});
  }

  /** A filter on `collection` that matches only on values the reader may read. */
  limitFilter(collection: string, filter: Filter): Filter {
    return this.value(collection, filter, []);
  }

  private limitDeep(collection: string, deep: Record<string, unknown>, alias: Record<string, string>): void {
    for (const [key, nested] of Object.entries(deep)) {
      if (key.startsWith('_') || !isRecord(nested)) continue;
      const related = this.hop(collection, alias[key] ?? key)?.related;
      if (!related) continue;
      if (isRecord(nested['_filter'])) nested['_filter'] = this.limitFilter(related, nested['_filter']);
      const sort = nested['_sort'];
      for (const entry of Array.isArray(sort) ? sort : typeof sort === 'string' ? sort.split(',') : []) {
        this.assertUniform(related, String(entry).replace(/^-/, ''), 'sort');
      }
      this.limitDeep(related, nested, {});
    }
  }

  /** A filter value relative to `collection`, reached from the query's root by `path`. */
  private value(collection: string, filter: unknown, path: readonly string[]): Filter {
    if (!isRecord(filter)) return {};
    // Within ungoverned collections, a condition that reaches no governed one is Directus's, as written.
    if (!this.governs(collection) && !this.reaches(collection, filter)) return nest(path, filter);
    const parts: Filter[] = [];
    for (const [key, value] of Object.entries(filter)) {
      if (LOGIC.has(key)) {
        const list = (Array.isArray(value) ? value : []).map((entry) => this.value(collection, entry, path));
        parts.push({ [key]: list } as Filter);
      } else if (key.startsWith('_')) {
        // An operator directly under a relational path ({ customer: { _null: true } }) is handled by entry().
        parts.push(nest(path, { [key]: value }));
      } else {
        parts.push(this.entry(collection, key, value, path));
      }
    }
    return and(parts);
  }

  /** Whether `filter` (on `collection`) depends on a value of a governed collection. */
  private reaches(collection: string, filter: unknown): boolean {
    if (!isRecord(filter)) return false;
    if (this.governs(collection)) return true;
    return Object.entries(filter).some(([key, value]) => {
      if (LOGIC.has(key)) return (Array.isArray(value) ? value : []).some((entry) => this.reaches(collection, entry));
      if (key.startsWith('_')) return false;
      const hop = this.hop(collection, key);
      if (!hop) return false;
      if (this.governs(hop.related)) return true;
      if (!isRecord(value)) return false;
      return Object.entries(value).some(([sub, nested]) => (QUANTIFIERS.has(sub) ? this.reaches(hop.related, nested) : !sub.startsWith('_') || LOGIC.has(sub) ? this.reaches(hop.related, { [sub]: nested }) : false));
    });
  }

  private entry(collection: string, key: string, value: unknown, path: readonly string[]): Filter {
    const { fn, field } = parseKey(key);
    const guard = this.guard(collection, field, path);
    const hop = this.hop(collection, key);
    if (hop && fn === null) {
      const related = hop.related;
      if (isRecord(value) && Object.keys(value).some((k) => QUANTIFIERS.has(k))) {
        // Directus evaluates _some/_none as a subquery of their own: a fresh scope for the related rows.
        if (path.length > 0) return and([guard, nest(path, { [key]: value })]);
        const parts = Object.entries(value).map(([quantifier, sub]) => ({
          [key]: this.quantified(related, quantifier, [this.limitFilter(related, sub as Filter), this.rowFilter(related)]),
        }));
        return and([guard, ...parts]);
      }
      if (!isRecord(value) || isOperatorObject(value)) {
        if (!hop.toMany) return and([guard, nest(path, { [key]: value })]);
        return and([guard, this.presence(collection, key, related, value, path)]);
      }
      return and([guard, this.value(related, value, [...path, key])]);
    }
    if (fn === 'count' && hop) {
      if (this.rowCondition(hop.related) !== true) throw new RestrictedQueryError({ collection, path: [...path, key].join('.'), use: 'filter' });
    }
    return and([guard, nest(path, { [key]: value })]);
  }

  /**
   * An operator straight on a to-many field asks about the related rows themselves: "has none"
   * (`_null`, `_empty`) or "has some" (`_nnull`, `_nempty`), or compares their key. Only the related
   * rows the reader may see count.
   */
  private presence(collection: string, key: string, related: string, value: unknown, path: readonly string[]): Filter {
    const operators = isRecord(value) ? Object.keys(value) : ['_eq'];
    const [operator] = operators;
    if (operators.length === 1 && operator && PRESENCE.has(operator) && isRecord(value)) {
      const truthy = value[operator] === true || value[operator] === 'true';
      const none = (operator === '_null' || operator === '_empty') === truthy;
      const rows = this.rowCondition(related);
      if (path.length === 0) return { [key]: this.quantified(related, none ? '_none' : '_some', [rows === true ? null : rows]) };
      if (rows === true) return nest(path, { [key]: value });
      throw new RestrictedQueryError({ collection, path: [...path, key].join('.'), use: 'filter' });
    }
    const primary = this.schema.collections[related]?.primary ?? 'id';
    return this.value(related, { [primary]: value }, [...path, key]);
  }

  /**
   * `{ _some: … }` / `{ _none: … }` over related rows meeting every condition. Directus skips a
   * quantifier whose filter does not start with a field condition (`_some: { _and: … }` or
   * `_some: {}` match everything), so the filter leads with one that always holds.
   */
  private quantified(related: string, quantifier: string, conditions: ReadonlyArray<Filter | null>): Filter {
    const primary = this.schema.collections[related]?.primary ?? 'id';
    const rest = conditions.filter((c): c is Filter => c !== null && Object.keys(c).length > 0);
    return { [quantifier]: { [primary]: { _nnull: true }, ...(rest.length > 0 ? { _and: rest } : {}) } };
  }

  /** The condition, on the row at `path`, under which the reader may read `field` there; null if none is needed. */
  private guard(collection: string, field: string, path: readonly string[]): Filter | null {
    if (!this.governs(collection)) return null;
    const condition = this.fieldCondition(collection, field);
    if (condition === null || condition === true) return null;
    // At the root, Directus already limits rows to the readable ones; only a field some rules leave out needs more.
    if (path.length === 0 && this.grantedByEveryRule(collection, field)) return null;
    return prefixed(path, condition);
  }

  private rowFilter(collection: string): Filter | null {
    const condition = this.rowCondition(collection);
    return condition === true ? null : condition;
  }

  /** Rows of `collection` on which `field` is readable: true for all, null when the reader never may. */
  fieldCondition(collection: string, field: string): Cond | null {
    const granting = this.rules(collection).filter((rule) => rule.fields.includes('*') || rule.fields.includes(field));
    return anyOf(granting);
  }

  /** Rows of `collection` the reader may read at all (all, as far as Concord is concerned, of an ungoverned one). */
  rowCondition(collection: string): Filter | true {
    if (!this.governs(collection)) return true;
    // No rule at all: no row (Directus refuses such a path itself; this keeps the filter honest regardless).
    return anyOf(this.rules(collection)) ?? ({ [this.schema.collections[collection]?.primary ?? 'id']: { _null: true } } as Filter);
  }

  private rules(collection: string): CallerPermission[] {
    return this.byCollection.get(collection) ?? [];
  }

  private grantedByEveryRule(collection: string, field: string): boolean {
    const rules = this.rules(collection);
    return this.fieldCondition(collection, field) === true || rules.every((rule) => rule.fields.includes('*') || rule.fields.includes(field));
  }

  /** Sorting or aggregating by `path` must not depend on values some rows hide. */
  private assertUniform(collection: string, dotted: string, use: Use): void {
    const parts = dotted.split('.');
    let current = collection;
    parts.forEach((part, index) => {
      const { fn, field } = parseKey(part);
      const atRoot = index === 0;
      if (this.governs(current)) {
        const uniform = atRoot ? this.grantedByEveryRule(current, field) : this.fieldCondition(current, field) === true;
        const known = this.fieldCondition(current, field) !== null;
        // Fields the reader may not read at all are Directus's to refuse, with its own error.
        if (known && !uniform) throw new RestrictedQueryError({ collection, path: dotted, use });
      }
      const hop = this.hop(current, part);
      if (fn === 'count' && hop && this.rowCondition(hop.related) !== true) throw new RestrictedQueryError({ collection, path: dotted, use });
      if (index < parts.length - 1) {
        if (!hop) return;
        current = hop.related;
      }
    });
  }

  private hop(collection: string, key: string): { related: string; toMany: boolean } | null {
    const { field, scope } = parseKey(key);
    const info = getRelationInfo(this.schema.relations as Relation[], collection, field);
    if (!info.relation || !info.relationType) return null;
    switch (info.relationType) {
      case 'm2o':
        return info.relation.related_collection ? { related: info.relation.related_collection, toMany: false } : null;
      case 'a2o':
        return scope ? { related: scope, toMany: false } : null;
      case 'o2m':
      case 'o2a':
        return { related: info.relation.collection, toMany: true };
      default:
        return null;
    }
  }
}

function anyOf(rules: readonly CallerPermission[]): Cond | null {
  if (rules.length === 0) return null;
  const filters: Filter[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    const filter = rule.permissions as Filter | null;
    if (!filter || Object.keys(filter).length === 0) return true;
    const key = JSON.stringify(filter);
    if (!seen.has(key)) filters.push(filter);
    seen.add(key);
  }
  return filters.length === 1 ? (filters[0] as Filter) : ({ _or: filters } as Filter);
}

/** `year(date_created)` → year / date_created; `item:cc_cases` (many-to-any) → item, scope cc_cases. */
function parseKey(key: string): { fn: string | null; field: string; scope: string | null } {
  const match = /^(\w+)\((.+)\)$/.exec(key);
  const inner = match ? ((match[2] as string).split(/[.,\s]/)[0] as string) : key;
  const [field, scope] = inner.split(':') as [string, string | undefined];
  return { fn: match ? (match[1] as string) : null, field, scope: scope ?? null };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOperatorObject(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key.startsWith('_') && !LOGIC.has(key) && !QUANTIFIERS.has(key));
}

function and(parts: ReadonlyArray<Filter | null>): Filter {
  const present = parts.filter((part): part is Filter => part !== null && Object.keys(part).length > 0);
  if (present.length === 0) return {};
  if (present.length === 1) return present[0] as Filter;
  return { _and: present } as Filter;
}

/** Directus freezes the request's query (not what it holds), and reads its filter again for meta counts. */
function replaceContents(target: Filter, source: Filter): void {
  if (target === source) return;
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, source);
}

function nest(path: readonly string[], leaf: Filter): Filter {
  return path.reduceRight<Filter>((inner, field) => ({ [field]: inner }) as Filter, leaf);
}

/**
 * `condition` (a filter on the rows at `path`) as a filter on the query's root, in the shape
 * Directus evaluates: logic at the top, one field chain per condition. Directus reads only the first
 * key of a relational filter and ignores logic nested inside one, so both are lifted out.
 */
export function prefixed(path: readonly string[], condition: Filter): Filter {
  if (!isRecord(condition)) return {};
  const parts: Filter[] = [];
  for (const [key, value] of Object.entries(condition)) {
    if (LOGIC.has(key)) {
      parts.push({ [key]: (Array.isArray(value) ? value : []).map((entry) => prefixed(path, entry as Filter)) } as Filter);
    } else if (QUANTIFIERS.has(key) || (isRecord(value) && Object.keys(value).some((k) => QUANTIFIERS.has(k)))) {
      // A rule quantifying over related rows cannot be placed under another relation in Directus's filter language.
      if (path.length > 0) throw new RestrictedQueryError({ collection: path[0] as string, path: [...path, key].join('.'), use: 'filter' });
      parts.push({ [key]: value } as Filter);
    } else if (isRecord(value) && !isOperatorObject(value)) {
      parts.push(prefixed([...path, key], value as Filter));
    } else {
      parts.push(nest(path, { [key]: value } as Filter));
    }
  }
  return and(parts);
}
