import { isSystemCollection } from '@directus/system-data';
import type { SchemaOverview } from '@directus/types';
import type { Knex } from 'knex';
import { InUseError } from '../errors.ts';
import type { Localized } from '../i18n/language.ts';

/**
 * A delete that the database would refuse (a foreign key without ON DELETE action still points at
 * the row, directly or through rows a cascade would remove) is refused first, naming what still
 * uses the row, instead of ending in a 500 carrying the SQL statement. The foreign keys in the
 * schema decide: history keeps its rows by NO ACTION keys (snapshots/schema.yaml), other data
 * follows its CASCADE and SET NULL keys as the database will. The database itself stays the last
 * word for a reference added concurrently.
 */

type Key = number | string;

/** What to do instead, for the collections people most often try to delete. */
const INSTEAD: Record<string, Localized> = {
  directus_users: {
    'zh-CN': '请改为把此人的状态设为“已归档”:其历史记录保留,且不能再登录。',
    'en-US': 'Set the person\'s status to "archived" instead: their history stays theirs and they can no longer sign in.',
  },
  cc_departments: { 'zh-CN': '请先把其人员、规则和记录转到其他部门。', 'en-US': 'Move its people, rules and records to another department first.' },
  cc_workflow_states: {
    'zh-CN': '请先推进(或由管理员调整)其中的事项;事项历史中提到的状态会保留。',
    'en-US': 'Move the cases in it on (or override them) first; states named in case history stay.',
  },
  cc_workflow_transitions: {
    'zh-CN': '事项历史中提到了它,历史需保留;如要停用,请把它的能力设为无人拥有的能力。',
    'en-US': 'It is named in case history, which is kept; give it a capability nobody holds to retire it.',
  },
  cc_cases: { 'zh-CN': '事项历史需保留;请改为关闭该事项。', 'en-US': 'Case history is kept; close the case instead.' },
};

export async function assertDeletable(db: Knex, schema: SchemaOverview, collection: string, keys: readonly Key[]): Promise<void> {
  if (keys.length === 0) return;
  const blocking = await findBlockingReference(db, schema, collection, (query) => query.whereIn(schema.collections[collection]?.primary ?? 'id', [...keys]), new Set([collection]), 0);
  if (!blocking) return;
  throw new InUseError({
    collection,
    id: keys.length === 1 ? String(keys[0]) : keys.map(String).join(', '),
    referenced_by: blocking.collection,
    field: blocking.field,
    count: blocking.count,
    instead: INSTEAD[collection] ?? { 'zh-CN': `请先删除或重新指定这些 ${blocking.collection} 记录。`, 'en-US': `Remove or reassign those ${blocking.collection} items first.` },
  });
}

interface Blocking {
  collection: string;
  field: string;
  count: number;
}

/**
 * `rows` selects the rows of `collection` about to go. Rows pointing at them under NO ACTION or
 * RESTRICT block the delete; rows under CASCADE go too, so what points at *them* is checked next.
 */
async function findBlockingReference(
  db: Knex,
  schema: SchemaOverview,
  collection: string,
  rows: (query: Knex.QueryBuilder) => Knex.QueryBuilder,
  seen: ReadonlySet<string>,
  depth: number,
): Promise<Blocking | null> {
  const primary = schema.collections[collection]?.primary ?? 'id';
  const doomed = () => rows(db(collection).select(primary));
  for (const relation of schema.relations) {
    if (relation.related_collection !== collection || isSystemCollection(relation.collection) || !relation.schema) continue;
    const action = (relation.schema.on_delete ?? 'NO ACTION').toUpperCase();
    const referencing = (query: Knex.QueryBuilder) => query.whereIn(relation.field, doomed());
    if (action === 'NO ACTION' || action === 'RESTRICT') {
      const selfExcluded = (query: Knex.QueryBuilder) =>
        relation.collection === collection ? referencing(query).whereNotIn(primary, doomed()) : referencing(query);
      const [row] = await selfExcluded(db(relation.collection).count({ n: '*' }));
      const count = Number((row as { n?: unknown } | undefined)?.n ?? 0);
      if (count > 0) return { collection: relation.collection, field: relation.field, count };
    } else if (action === 'CASCADE' && depth < 6 && !seen.has(relation.collection)) {
      const found = await findBlockingReference(db, schema, relation.collection, referencing, new Set([...seen, relation.collection]), depth + 1);
      if (found) return found;
    }
  }
  return null;
}
