import { isSystemCollection } from '@directus/system-data';
import type { Accountability, Filter, SchemaOverview } from '@directus/types';
import type { Knex } from 'knex';
import { callerPermissions, type PermissionSources } from '../access/caller-permissions.ts';
import { InUseError } from '../errors.ts';
import type { Localized } from '../i18n/language.ts';

/**
 * A delete that the database would refuse (a foreign key without ON DELETE action still points at
 * the row, directly or through rows a cascade would remove) is refused first, naming what still
 * uses the row, instead of ending in a 500 carrying the SQL statement. The foreign keys in the
 * schema decide: history keeps its rows by NO ACTION keys (snapshots/schema.yaml), other data
 * follows its CASCADE and SET NULL keys as the database will. The database itself stays the last
 * word for a reference added concurrently.
 *
 * Two more rules keep a delete from changing what its writer could not:
 * - a person with any history (a row of a Concord collection naming them, whatever its key does on
 *   delete) is suspended, not deleted — admins included (`assertUserHasNoHistory`);
 * - a delete that the database would carry on to other rows (SET NULL empties their reference,
 *   CASCADE deletes them, and so on down) is refused unless the caller may update those rows'
 *   reference field / delete those rows themselves (`assertCascadesPermitted`). Database cascades
 *   run no hooks and leave no activity, so this is the only place they can be judged.
 */

type Key = number | string;

/** What to do instead, for the collections people most often try to delete. */
const INSTEAD: Record<string, Localized> = {
  directus_users: {
    'zh-CN': '请改为把此人的状态设为“已停用”(suspended):其历史记录保留,且不能再登录。',
    'en-US': 'Set the person\'s status to "suspended" instead: their history stays theirs and they can no longer sign in.',
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

/**
 * Rows that are part of the row they point at, not anyone's to change by hand, and so go with it
 * whoever may delete it: `relation collection.field` → why.
 */
const CARRIED_WITH_PARENT: Record<string, string> = {
  'cc_evaluation_scores.cycle': "a draft cycle's computed scores are the server's (SCORE_MANAGED); a published cycle is not deleted at all (CYCLE_PUBLISHED)",
};

/** Those rows were the caller's to leave alone: what to do instead. */
const NOT_YOURS: Localized = {
  'zh-CN': '这些记录你无权修改,删除会连带改动它们;请先请有权限的人解除它们与此记录的关联(或改为归档)。',
  'en-US': 'You may not change those items yourself, and the delete would change them; ask someone who may to reassign them first (or archive instead).',
};

/**
 * A person named by any row of a Concord collection keeps their history: deleting them would
 * delete their participations (CASCADE) or erase their name from tasks, actions, departments
 * (SET NULL). Applies to everyone, admins included.
 */
export async function assertUserHasNoHistory(db: Knex, schema: SchemaOverview, keys: readonly Key[]): Promise<void> {
  if (keys.length === 0) return;
  for (const relation of schema.relations) {
    if (relation.related_collection !== 'directus_users' || isSystemCollection(relation.collection)) continue;
    const [row] = await db(relation.collection).whereIn(relation.field, [...keys]).count({ n: '*' });
    const count = Number((row as { n?: unknown } | undefined)?.n ?? 0);
    if (count > 0) {
      throw new InUseError({
        collection: 'directus_users',
        id: keys.map(String).join(', '),
        referenced_by: relation.collection,
        field: relation.field,
        count,
        instead: INSTEAD['directus_users']!,
      });
    }
  }
}

/**
 * Every row a delete would carry on to — emptied by SET NULL, removed by CASCADE, and what points
 * at those in turn — must be one the caller could change themselves: update the emptied field,
 * delete the removed row, under their own permissions (`callerPermissions`, rules as Directus
 * resolves them). Otherwise `IN_USE` names the collection, field and how many rows hold it.
 * Admins and the system may carry a delete anywhere.
 */
export async function assertCascadesPermitted(
  sources: PermissionSources & { services: PermissionSources['services'] & { ItemsService: SystemReaderClass } },
  accountability: Accountability | null,
  collection: string,
  keys: readonly Key[],
): Promise<void> {
  if (keys.length === 0 || !accountability?.user || accountability.admin) return;
  const permissions = await callerPermissions(sources, accountability, ['update', 'delete']);
  const { db, schema } = sources;
  const visit = async (target: string, doomed: readonly Key[], seen: ReadonlySet<string>, depth: number): Promise<void> => {
    const targetPrimary = schema.collections[target]?.primary ?? 'id';
    for (const relation of schema.relations) {
      if (relation.related_collection !== target || isSystemCollection(relation.collection) || !relation.schema) continue;
      const action = (relation.schema.on_delete ?? 'NO ACTION').toUpperCase();
      if (action !== 'SET NULL' && action !== 'CASCADE') continue;
      if (action === 'CASCADE' && CARRIED_WITH_PARENT[`${relation.collection}.${relation.field}`]) continue;
      const primary = schema.collections[relation.collection]?.primary ?? 'id';
      const query = db(relation.collection).select(primary).whereIn(relation.field, [...doomed]);
      if (relation.collection === target) query.whereNotIn(targetPrimary, [...doomed]);
      const referencing: Key[] = (await query).map((row: Record<string, Key>) => row[primary] as Key);
      if (referencing.length === 0) continue;
      const needed = action === 'SET NULL' ? 'update' : 'delete';
      const rules = permissions
        .filter((p) => p.collection === relation.collection && p.action === needed)
        .filter((p) => needed === 'delete' || p.fields.includes('*') || p.fields.includes(relation.field))
        .map((p) => p.permissions);
      const allowed = await countWithin(sources, relation.collection, primary, referencing, rules);
      if (allowed < referencing.length) {
        throw new InUseError({
          collection: target,
          id: doomed.length === 1 ? String(doomed[0]) : doomed.map(String).join(', '),
          referenced_by: relation.collection,
          field: relation.field,
          count: referencing.length - allowed,
          instead: NOT_YOURS,
        });
      }
      if (action === 'CASCADE' && depth < 6 && !seen.has(relation.collection)) {
        await visit(relation.collection, referencing, new Set([...seen, relation.collection]), depth + 1);
      }
    }
  };
  await visit(collection, keys, new Set([collection]), 0);
}

interface SystemReader {
  readByQuery(query: Record<string, unknown>): Promise<unknown[]>;
}
type SystemReaderClass = new (collection: string, options: { schema: SchemaOverview; knex: Knex; accountability: null }) => SystemReader;

/** How many of `keys` fall under at least one of `rules` (null or {} is every row). */
async function countWithin(
  sources: PermissionSources & { services: { ItemsService: SystemReaderClass } },
  collection: string,
  primary: string,
  keys: readonly Key[],
  rules: ReadonlyArray<Filter | null>,
): Promise<number> {
  if (rules.length === 0) return 0;
  if (rules.some((rule) => !rule || Object.keys(rule).length === 0)) return keys.length;
  const items = new sources.services.ItemsService(collection, { schema: sources.schema, knex: sources.db, accountability: null });
  let within = 0;
  for (let start = 0; start < keys.length; start += 500) {
    const chunk = keys.slice(start, start + 500);
    const rows = await items.readByQuery({ filter: { _and: [{ [primary]: { _in: chunk } }, { _or: rules }] }, fields: [primary], limit: -1 });
    within += rows.length;
  }
  return within;
}
