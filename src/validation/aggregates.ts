import type { Query, Relation, SchemaOverview } from '@directus/types';
import { getRelationInfo } from '@directus/utils';
import { UnsupportedAggregateError } from '../errors.ts';

/**
 * What Directus can count, sum or group by: a column of the collection itself. Directus hands an
 * aggregate or groupBy field to the database as `collection.field`, so a relational alias (o2m, m2m,
 * m2a, files), a dotted path through a relation, or an aggregate the column's type has no SQL for
 * (summing text, the maximum of a boolean or JSON on PostgreSQL) fails inside the database as a
 * 500. Such queries are refused with a 400 that names the field, before Directus runs them, on
 * every collection and for every caller. Read from the live schema, so fields added later are
 * covered. Fields the schema does not know are Directus's to refuse (403, as for a field one may
 * not read).
 */

const NUMERIC = new Set(['integer', 'bigInteger', 'float', 'decimal']);
const ORDERED = new Set([...NUMERIC, 'string', 'text', 'hash', 'date', 'dateTime', 'timestamp', 'time', 'csv']);
/** The column types each operation has SQL for on every supported database. */
const OPERATION_TYPES: Record<string, (type: string) => boolean> = {
  count: () => true,
  countDistinct: (type) => type !== 'json' && !type.startsWith('geometry'),
  sum: (type) => NUMERIC.has(type),
  sumDistinct: (type) => NUMERIC.has(type),
  avg: (type) => NUMERIC.has(type),
  avgDistinct: (type) => NUMERIC.has(type),
  min: (type) => ORDERED.has(type),
  max: (type) => ORDERED.has(type),
};
const GROUPABLE = (type: string) => type !== 'json' && !type.startsWith('geometry');

export function assertAggregatable(schema: SchemaOverview, collection: string, query: Query): void {
  if (query.aggregate || query.group) assertLevel(schema, collection, query);
  if (query.deep) assertDeep(schema, collection, query.deep as Record<string, unknown>, query.alias ?? {});
}

/** `deep[cases][_groupBy][]=events`: nested reads take aggregates and groups too, judged on the related collection. */
function assertDeep(schema: SchemaOverview, collection: string, deep: Record<string, unknown>, alias: Record<string, string>): void {
  for (const [key, nested] of Object.entries(deep)) {
    if (key.startsWith('_') || typeof nested !== 'object' || nested === null || Array.isArray(nested)) continue;
    const field = (alias[key] ?? key).split(':')[0] as string;
    const { relation, relationType } = getRelationInfo(schema.relations as Relation[], collection, field);
    const related = relationType === 'm2o' ? relation?.related_collection : relationType === 'o2m' ? relation?.collection : (alias[key] ?? key).split(':')[1];
    if (!related || !schema.collections[related]) continue;
    const level = nested as Record<string, unknown>;
    assertLevel(schema, related, { aggregate: level['_aggregate'] as Query['aggregate'], group: level['_group'] as Query['group'] } as Query);
    assertDeep(schema, related, level, {});
  }
}

function assertLevel(schema: SchemaOverview, collection: string, query: Query): void {
  const fields = schema.collections[collection]?.fields;
  if (!fields) return;
  const refuse = (field: string, use: 'aggregate' | 'group', why: 'relation' | 'path' | 'type' | 'function', operation?: string): never => {
    throw new UnsupportedAggregateError({ collection, field, use, why, operation: operation ?? null, type: fields[field]?.type ?? null });
  };
  for (const [operation, list] of Object.entries(query.aggregate ?? {})) {
    const allowed = OPERATION_TYPES[operation];
    for (const field of Array.isArray(list) ? list : []) {
      if (field === '*') {
        if (operation !== 'count') refuse(field, 'aggregate', 'type', operation);
        continue;
      }
      if (field.includes('.')) refuse(field, 'aggregate', 'path', operation);
      if (field.includes('(')) refuse(field, 'aggregate', 'function', operation);
      const type = fields[field]?.type;
      if (type === undefined) continue;
      if (type === 'alias') refuse(field, 'aggregate', 'relation', operation);
      if (allowed && !allowed(type)) refuse(field, 'aggregate', 'type', operation);
    }
  }
  for (const entry of Array.isArray(query.group) ? query.group : []) {
    // year(date_created), count(cases): Directus checks the function against the field's type itself.
    const inner = /^\w+\((.*)\)$/.exec(entry)?.[1];
    const field = (inner ?? entry).split(',')[0]?.trim() ?? entry;
    if (field.includes('.')) refuse(entry, 'group', 'path');
    if (inner !== undefined) continue;
    const type = fields[field]?.type;
    if (type === undefined) continue;
    if (type === 'alias') refuse(entry, 'group', 'relation');
    if (!GROUPABLE(type)) refuse(entry, 'group', 'type');
  }
}
