import type { Knex } from 'knex';
import type { Item, ServiceContext } from '../directus/services.ts';
import { InvalidPayloadError } from '../errors.ts';
import { PERIOD_KINDS, parseIsoDate } from '../evaluation/period.ts';
import { SCORE_DIMENSIONS } from '../evaluation/settings.ts';
import { dateOf, num } from '../evaluation/sql.ts';

/**
 * Scores over the published cycles of one kind: one series per scope × dimension the viewer may read
 * (through Directus, with their permissions), and the improvement actions of each cycle to mark on
 * the time axis. `scope_kind`/`scope` narrow to one scope; `dimension` to one dimension.
 */

export interface TrendQuery {
  period_kind: 'monthly' | 'quarterly';
  scope_kind?: 'department' | 'team';
  scope?: string;
  dimension?: string;
  cycles: number;
  /** Only cycles ending on or before this date (a dashboard's period end, exclusive): the history up to the period. */
  until?: string;
}

export interface Trend {
  cycles: Array<{ id: number; name: string; starts_on: string; ends_on: string }>;
  series: Array<{ scope_kind: string; scope: string | number; scope_name: string; dimension: string; points: Array<number | null> }>;
  actions: Array<{ id: number; cycle: number; scope_kind: string; scope: string | number; dimension: string; title: string; status: string; score_before: number | null; score_after: number | null }>;
}

export function parseTrendQuery(query: Record<string, unknown>): TrendQuery {
  const one = (name: string) => {
    const value = query[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw new InvalidPayloadError({ field: name, reason: { 'zh-CN': '只能给一次,且为文本', 'en-US': 'give it once, as text' } });
    return value;
  };
  const kind = one('period_kind') ?? 'monthly';
  if (!(PERIOD_KINDS as readonly string[]).includes(kind)) throw new InvalidPayloadError({ field: 'period_kind', reason: { 'zh-CN': '可选 monthly 或 quarterly', 'en-US': 'use monthly or quarterly' } });
  const scopeKind = one('scope_kind');
  if (scopeKind !== undefined && scopeKind !== 'department' && scopeKind !== 'team') throw new InvalidPayloadError({ field: 'scope_kind', reason: { 'zh-CN': '可选 department 或 team', 'en-US': 'use department or team' } });
  const scope = one('scope');
  if (scope !== undefined && !scopeKind) throw new InvalidPayloadError({ field: 'scope', reason: { 'zh-CN': '请用 scope_kind 说明范围类型', 'en-US': 'say which kind of scope with scope_kind' } });
  if (scope !== undefined && scopeKind === 'team' && !/^\d{1,9}$/.test(scope)) throw new InvalidPayloadError({ field: 'scope', reason: { 'zh-CN': '团队编号', 'en-US': 'a team id' } });
  const dimension = one('dimension');
  if (dimension !== undefined && !(SCORE_DIMENSIONS as readonly string[]).includes(dimension)) throw new InvalidPayloadError({ field: 'dimension', reason: { 'zh-CN': `可选 ${SCORE_DIMENSIONS.join('、')}`, 'en-US': `one of ${SCORE_DIMENSIONS.join(', ')}` } });
  const cycles = Number(one('cycles') ?? 12);
  if (!Number.isInteger(cycles) || cycles < 1 || cycles > 60) throw new InvalidPayloadError({ field: 'cycles', reason: { 'zh-CN': '最近几个周期,1 到 60', 'en-US': 'how many recent cycles, 1 to 60' } });
  const until = one('until');
  if (until !== undefined && !parseIsoDate(until)) throw new InvalidPayloadError({ field: 'until', reason: { 'zh-CN': '日期,如 2026-12-01', 'en-US': 'a date such as 2026-12-01' } });
  return { period_kind: kind as TrendQuery['period_kind'], ...(until !== undefined ? { until } : {}), ...(scopeKind ? { scope_kind: scopeKind } : {}), ...(scope !== undefined ? { scope } : {}), ...(dimension ? { dimension } : {}), cycles };
}

type Ctx = ServiceContext & { db: Knex };

export async function scoreTrend(ctx: Ctx, query: TrendQuery): Promise<Trend> {
  const items = (collection: string) => new ctx.services.ItemsService(collection, { schema: ctx.schema, accountability: ctx.accountability, knex: ctx.db });
  const recent = await items('cc_evaluation_cycles').readByQuery({
    filter: { _and: [{ status: { _eq: 'published' } }, { period_kind: { _eq: query.period_kind } }, ...(query.until ? [{ ends_on: { _lte: query.until } }] : [])] },
    fields: ['id', 'name', 'starts_on', 'ends_on'],
    sort: ['-starts_on'],
    limit: query.cycles,
  });
  const cycles = recent.reverse().map((c) => ({ id: Number(c['id']), name: String(c['name']), starts_on: dateOf(c['starts_on']) as string, ends_on: dateOf(c['ends_on']) as string }));
  if (cycles.length === 0) return { cycles, series: [], actions: [] };
  const ids = cycles.map((c) => c.id);
  const scope: Record<string, unknown>[] = [];
  if (query.scope_kind) scope.push({ scope_kind: { _eq: query.scope_kind } });
  if (query.scope !== undefined) scope.push(query.scope_kind === 'team' ? { team: { _eq: Number(query.scope) } } : { department: { _eq: query.scope } });
  const [scores, actions, departments, teams] = await Promise.all([
    items('cc_evaluation_scores').readByQuery({
      filter: { _and: [{ cycle: { _in: ids } }, ...scope, ...(query.dimension ? [{ dimension: { _eq: query.dimension } }] : [])] },
      fields: ['cycle', 'scope_kind', 'department', 'team', 'dimension', 'score'],
      limit: -1,
    }),
    items('cc_improvement_actions')
      .readByQuery({
        filter: { _and: [{ cycle: { _in: ids } }, ...scope, ...(query.dimension ? [{ dimension: { _eq: query.dimension } }] : [])] },
        fields: ['id', 'cycle', 'scope_kind', 'department', 'team', 'dimension', 'title', 'status', 'score_before', 'score_after'],
        sort: ['cycle', 'id'],
        limit: -1,
      })
      .catch((error: unknown) => ((error as { code?: unknown }).code === 'FORBIDDEN' ? ([] as Item[]) : Promise.reject(error))),
    ctx.db('cc_departments').select('code', 'name_zh'),
    ctx.db('cc_teams').select('id', 'name'),
  ]);
  const nameOf = (kind: string, key: string | number) =>
    kind === 'department' ? (departments.find((d: { code: string }) => d.code === key)?.name_zh ?? String(key)) : (teams.find((t: { id: number }) => Number(t.id) === Number(key))?.name ?? String(key));
  const keyOf = (row: Item) => (row['scope_kind'] === 'team' ? Number(row['team']) : String(row['department']));
  const series = new Map<string, Trend['series'][number]>();
  for (const row of scores) {
    const id = `${String(row['scope_kind'])}:${keyOf(row)}:${String(row['dimension'])}`;
    let line = series.get(id);
    if (!line) {
      line = { scope_kind: String(row['scope_kind']), scope: keyOf(row), scope_name: nameOf(String(row['scope_kind']), keyOf(row)), dimension: String(row['dimension']), points: cycles.map(() => null) };
      series.set(id, line);
    }
    line.points[ids.indexOf(Number(row['cycle']))] = num(row['score']);
  }
  return {
    cycles,
    series: [...series.values()],
    actions: actions.map((a) => ({
      id: Number(a['id']),
      cycle: Number(a['cycle']),
      scope_kind: String(a['scope_kind']),
      scope: keyOf(a),
      dimension: String(a['dimension']),
      title: String(a['title']),
      status: String(a['status']),
      score_before: num(a['score_before']),
      score_after: num(a['score_after']),
    })),
  };
}
