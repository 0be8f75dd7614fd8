import type { Knex } from 'knex';
import type { Item, ServiceContext } from '../directus/services.ts';
import { InvalidPayloadError, NotFoundError } from '../errors.ts';
import { assertMayEvaluate } from './cycles.ts';
import type { ScoreRow } from './evaluate.ts';
import { PERIOD_KINDS, parseIsoDate } from './period.ts';
import { scopeId, type ScopeKind } from './scopes.ts';
import { SCORE_DIMENSIONS, type ScoreDimension } from './settings.ts';
import { dateOf, dialectOf, num } from './sql.ts';

/**
 * Stored scores shaped for panels and people: per scope, each dimension with the previous cycle of
 * the same kind beside it. Scores are read through Directus with the caller's own permissions, so a
 * scorecard shows exactly the scores the caller may read (drafts only to evaluation.publish holders).
 * `company` is the mean of the departments' scores of a published cycle: a company-wide benchmark
 * every member of staff may see once the cycle is published.
 */

export interface ScorecardQuery {
  cycle?: number;
  period_kind?: string;
  scope_kind?: ScopeKind;
  scope?: string;
  /** Without a cycle: the latest published cycle ending on or before this date (a dashboard's period end). */
  until?: string;
}

export interface DimensionCard {
  score: number | null;
  raw: Record<string, unknown>;
  counts: Record<string, unknown>;
  previous: number | null;
  change: number | null;
}

export interface Scorecard {
  scope_kind: ScopeKind;
  scope: string | number;
  scope_name: string;
  scope_name_en: string | null;
  dimensions: Partial<Record<ScoreDimension, DimensionCard>>;
}

interface CycleSummary {
  id: number;
  name: string;
  period_kind: string;
  starts_on: string;
  ends_on: string;
  status: string;
  published_at: string | null;
}

export interface ScorecardsResponse {
  cycle: CycleSummary | null;
  previous: Pick<CycleSummary, 'id' | 'name' | 'starts_on' | 'ends_on'> | null;
  company: Partial<Record<ScoreDimension, number | null>>;
  scorecards: Scorecard[];
}

type Ctx = ServiceContext & { db: Knex };

/** Query parameters as they arrive in a URL, checked. */
export function parseScorecardQuery(query: Record<string, unknown>): ScorecardQuery {
  const result: ScorecardQuery = {};
  const text = (name: string) => {
    const value = query[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw new InvalidPayloadError({ field: name, reason: { 'zh-CN': '只能给一次,且为文本', 'en-US': 'give it once, as text' } });
    return value;
  };
  const cycle = text('cycle');
  if (cycle !== undefined) {
    if (!/^\d+$/.test(cycle) || Number(cycle) <= 0 || Number(cycle) > 2_147_483_647) throw new InvalidPayloadError({ field: 'cycle', reason: { 'zh-CN': '周期编号须为正整数', 'en-US': 'a cycle id is a positive whole number' } });
    result.cycle = Number(cycle);
  }
  const kind = text('period_kind');
  if (kind !== undefined) {
    if (!(PERIOD_KINDS as readonly string[]).includes(kind)) throw new InvalidPayloadError({ field: 'period_kind', reason: { 'zh-CN': '请用 monthly(月度)或 quarterly(季度)', 'en-US': 'use monthly or quarterly' } });
    result.period_kind = kind;
  }
  const scopeKind = text('scope_kind');
  if (scopeKind !== undefined) {
    if (scopeKind !== 'department' && scopeKind !== 'team') throw new InvalidPayloadError({ field: 'scope_kind', reason: { 'zh-CN': '请用 department(部门)或 team(团队)', 'en-US': 'use department or team' } });
    result.scope_kind = scopeKind;
  }
  const scope = text('scope');
  if (scope !== undefined) {
    if (!result.scope_kind) throw new InvalidPayloadError({ field: 'scope', reason: { 'zh-CN': '请先用 scope_kind 说明是部门还是团队', 'en-US': 'say which kind of scope with scope_kind' } });
    if (result.scope_kind === 'team' && !/^\d+$/.test(scope)) throw new InvalidPayloadError({ field: 'scope', reason: { 'zh-CN': '团队须用编号表示', 'en-US': 'a team is given by its id' } });
    result.scope = scope;
  }
  const until = text('until');
  if (until !== undefined) {
    if (!parseIsoDate(until)) throw new InvalidPayloadError({ field: 'until', reason: { 'zh-CN': '日期,如 2026-12-01', 'en-US': 'a date such as 2026-12-01' } });
    result.until = until;
  }
  return result;
}

const CYCLE_FIELDS = ['id', 'name', 'period_kind', 'starts_on', 'ends_on', 'status', 'published_at'];
const SCORE_FIELDS = ['id', 'scope_kind', 'department', 'team', 'dimension', 'score', 'raw', 'counts'];

export async function readScorecards(ctx: Ctx, query: ScorecardQuery): Promise<ScorecardsResponse> {
  const cycles = new ctx.services.ItemsService('cc_evaluation_cycles', { schema: ctx.schema, accountability: ctx.accountability, knex: ctx.db });
  const [found] = query.cycle
    ? await cycles.readByQuery({ filter: { id: { _eq: query.cycle } }, fields: CYCLE_FIELDS, limit: 1 })
    : await cycles.readByQuery({
        filter: { _and: [{ status: { _eq: 'published' } }, ...(query.period_kind ? [{ period_kind: { _eq: query.period_kind } }] : []), ...(query.until ? [{ ends_on: { _lte: query.until } }] : [])] },
        fields: CYCLE_FIELDS,
        sort: ['-ends_on', '-id'],
        limit: 1,
      });
  if (!found) {
    if (query.cycle) throw new NotFoundError({ collection: 'cc_evaluation_cycles', id: String(query.cycle) });
    return { cycle: null, previous: null, company: {}, scorecards: [] };
  }
  const cycle = summary(found);
  const previousRow = await ctx.db('cc_evaluation_cycles')
    .select('id', 'name', 'starts_on', 'ends_on')
    .where({ period_kind: cycle.period_kind, status: 'published' })
    .andWhere('starts_on', '<', dialectOf(ctx.db).date(cycle.starts_on))
    .orderBy('starts_on', 'desc')
    .first();
  const previous = previousRow ? { id: Number(previousRow.id), name: String(previousRow.name), starts_on: dateOf(previousRow.starts_on) as string, ends_on: dateOf(previousRow.ends_on) as string } : null;

  const [scores, previousScores] = await Promise.all([visibleScores(ctx, cycle.id, query), previous ? visibleScores(ctx, previous.id, query) : Promise.resolve([])]);
  const mayReadDrafts = await assertMayEvaluate(ctx.db, ctx.accountability, { 'zh-CN': '查看评估草稿', 'en-US': 'Reading draft figures' }).then(
    () => true,
    () => false,
  );
  const company = cycle.status === 'published' || mayReadDrafts ? await companyMeans(ctx.db, cycle.id) : {};
  return { cycle, previous, company, scorecards: await shape(ctx.db, scores, previousScores) };
}

function summary(row: Item): CycleSummary {
  return {
    id: Number(row['id']),
    name: String(row['name']),
    period_kind: String(row['period_kind']),
    starts_on: dateOf(row['starts_on']) as string,
    ends_on: dateOf(row['ends_on']) as string,
    status: String(row['status']),
    published_at: (row['published_at'] as string | null) ?? null,
  };
}

function visibleScores(ctx: Ctx, cycle: number, query: ScorecardQuery): Promise<Item[]> {
  const scope: Record<string, unknown>[] = [];
  if (query.scope_kind) scope.push({ scope_kind: { _eq: query.scope_kind } });
  if (query.scope !== undefined) scope.push(query.scope_kind === 'team' ? { team: { _eq: Number(query.scope) } } : { department: { _eq: query.scope } });
  const scores = new ctx.services.ItemsService('cc_evaluation_scores', { schema: ctx.schema, accountability: ctx.accountability, knex: ctx.db });
  return scores.readByQuery({ filter: { _and: [{ cycle: { _eq: cycle } }, ...scope] }, fields: SCORE_FIELDS, limit: -1 });
}

/** The mean of the departments' scores per dimension, by the database. */
async function companyMeans(db: Knex, cycle: number): Promise<Partial<Record<ScoreDimension, number | null>>> {
  const rows: Array<{ dimension: ScoreDimension; mean: unknown }> = await db('cc_evaluation_scores')
    .select('dimension')
    .avg({ mean: 'score' })
    .where({ cycle, scope_kind: 'department' })
    .whereNotNull('score')
    .groupBy('dimension');
  const means: Partial<Record<ScoreDimension, number | null>> = Object.fromEntries(SCORE_DIMENSIONS.map((d) => [d, null]));
  for (const row of rows) means[row.dimension] = num(row.mean);
  return means;
}

const keyOf = (row: Item) => scopeId(String(row['scope_kind']), row['scope_kind'] === 'team' ? String(row['team']) : String(row['department']));

/** Groups score rows by scope, departments in their order first, then teams. */
export async function shape(db: Knex, scores: readonly Item[], previousScores: readonly Item[] = []): Promise<Scorecard[]> {
  const [departments, teams] = await Promise.all([
    db('cc_departments').select('code', 'name_zh', 'name_en', 'sort').orderBy(['sort', 'code']),
    db('cc_teams').select('id', 'name').orderBy('id'),
  ]);
  const order = [
    ...departments.map((d: { code: string; name_zh: string; name_en: string | null }) => ({ id: scopeId('department', d.code), kind: 'department' as const, scope: d.code as string | number, name: d.name_zh, name_en: d.name_en })),
    ...teams.map((t: { id: number; name: string }) => ({ id: scopeId('team', String(t.id)), kind: 'team' as const, scope: Number(t.id) as string | number, name: t.name, name_en: null })),
  ];
  const before = new Map(previousScores.map((row) => [`${keyOf(row)}|${String(row['dimension'])}`, num(row['score'])]));
  const cards = new Map<string, Scorecard>();
  for (const row of scores) {
    const id = keyOf(row);
    const scope = order.find((o) => o.id === id);
    if (!scope) continue;
    let card = cards.get(id);
    if (!card) cards.set(id, (card = { scope_kind: scope.kind, scope: scope.scope, scope_name: scope.name, scope_name_en: scope.name_en, dimensions: {} }));
    const score = num(row['score']);
    const previous = before.get(`${id}|${String(row['dimension'])}`) ?? null;
    card.dimensions[row['dimension'] as ScoreDimension] = {
      score,
      raw: (row['raw'] as Record<string, unknown> | null) ?? {},
      counts: (row['counts'] as Record<string, unknown> | null) ?? {},
      previous,
      change: score === null || previous === null ? null : score - previous,
    };
  }
  return order.filter((o) => cards.has(o.id)).map((o) => cards.get(o.id) as Scorecard);
}

/** Computed scores (a preview) in the same shape, without a previous cycle. */
export function previewItems(scores: readonly ScoreRow[]): Item[] {
  return scores.map((s) => ({ ...s }));
}
