import type { Knex } from 'knex';
import type { Item, ServiceContext } from '../directus/services.ts';
import { count, num } from '../evaluation/sql.ts';
import type { InsightQuery } from './query.ts';

/**
 * Improvement actions (持续优化) the viewer may read: how many are proposed, in progress, done or
 * dropped per scope and dimension (counted by Directus's aggregate queries under their permissions),
 * and the latest ones with their score before and after.
 */

export interface ActionsReport {
  summary: Array<{ scope_kind: string; scope: string | number; scope_name: string; dimension: string; proposed: number; in_progress: number; done: number; dropped: number }>;
  latest: Array<{ id: number; title: string; scope_kind: string; scope: string | number; dimension: string; category: string; status: string; due_on: string | null; cycle: string | null; score_before: number | null; score_after: number | null; owner: string | null }>;
}

type Ctx = ServiceContext & { db: Knex };

export async function improvementActions(ctx: Ctx, query: Pick<InsightQuery, 'scope'>): Promise<ActionsReport> {
  const service = new ctx.services.ItemsService('cc_improvement_actions', { schema: ctx.schema, accountability: ctx.accountability, knex: ctx.db });
  const scope: Record<string, unknown> =
    query.scope.kind === 'department' ? { department: { _eq: query.scope.key } } : query.scope.kind === 'team' ? { team: { _eq: query.scope.key } } : {};
  const [groups, latest, departments, teams] = await Promise.all([
    service.readByQuery({ filter: scope, aggregate: { countDistinct: ['id'] }, group: ['scope_kind', 'department', 'team', 'dimension', 'status'] }),
    service.readByQuery({
      filter: scope,
      fields: ['id', 'title', 'scope_kind', 'department', 'team', 'dimension', 'category', 'status', 'due_on', 'cycle.name', 'score_before', 'score_after', 'owner.first_name', 'owner.last_name'],
      sort: ['-id'],
      limit: 50,
    }),
    ctx.db('cc_departments').select('code', 'name_zh'),
    ctx.db('cc_teams').select('id', 'name'),
  ]);
  const keyOf = (row: Item) => (row['scope_kind'] === 'team' ? Number(row['team']) : String(row['department']));
  const nameOf = (row: Item) =>
    row['scope_kind'] === 'team' ? (teams.find((t: { id: number }) => Number(t.id) === Number(row['team']))?.name ?? String(row['team'])) : (departments.find((d: { code: string }) => d.code === row['department'])?.name_zh ?? String(row['department']));
  const summary = new Map<string, ActionsReport['summary'][number]>();
  for (const g of groups) {
    const id = `${String(g['scope_kind'])}:${keyOf(g)}:${String(g['dimension'])}`;
    let line = summary.get(id);
    if (!line) summary.set(id, (line = { scope_kind: String(g['scope_kind']), scope: keyOf(g), scope_name: nameOf(g), dimension: String(g['dimension']), proposed: 0, in_progress: 0, done: 0, dropped: 0 }));
    const status = String(g['status']) as 'proposed' | 'in_progress' | 'done' | 'dropped';
    if (status in line) line[status] += count((g['countDistinct'] as Item | undefined)?.['id']);
  }
  return {
    summary: [...summary.values()],
    latest: latest.map((a) => {
      const owner = a['owner'] as Item | null;
      return {
        id: Number(a['id']),
        title: String(a['title']),
        scope_kind: String(a['scope_kind']),
        scope: keyOf(a),
        dimension: String(a['dimension']),
        category: String(a['category']),
        status: String(a['status']),
        due_on: (a['due_on'] as string | null) ?? null,
        cycle: ((a['cycle'] as Item | null)?.['name'] as string | undefined) ?? null,
        score_before: num(a['score_before']),
        score_after: num(a['score_after']),
        owner: owner ? `${String(owner['last_name'] ?? '')}${String(owner['first_name'] ?? '')}` : null,
      };
    }),
  };
}
