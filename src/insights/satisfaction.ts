import type { Knex } from 'knex';
import { readConnection } from '../directus/read-lanes.ts';
import type { Item, ServiceContext } from '../directus/services.ts';
import { fromDbTime } from '../directus/time.ts';
import { monthsOfPeriod, zonedMidnight } from '../evaluation/period.ts';
import type { EvaluationSettings } from '../evaluation/settings.ts';
import { bucketOf, count, dialectOf, inIds, rows } from '../evaluation/sql.ts';
import type { InsightQuery } from './query.ts';
import { visibleRows, type Visibility } from './visibility.ts';

/**
 * Customer satisfaction per month (company time zone): responses, CSAT share (4–5), mean, NPS among
 * those who gave one — the satisfaction dimension's definitions (metrics.md §3) — over the CSAT
 * answers the viewer may read, credited as the dimension credits them (a department: answers credited
 * to it; a team: its surveys). Plus the latest comments.
 */

export interface SatisfactionMonth {
  month: string;
  responses: number;
  csat_share: number | null;
  csat_mean: number | null;
  nps_responses: number;
  nps: number | null;
}

export interface SatisfactionTrend {
  period: InsightQuery['period'];
  months: SatisfactionMonth[];
  comments: Array<{ csat: number; nps: number | null; comment: string; responded_at: string }>;
}

type Ctx = ServiceContext & { db: Knex; settings: EvaluationSettings };

export async function satisfactionTrend(ctx: Ctx, query: InsightQuery): Promise<SatisfactionTrend> {
  const months = monthsOfPeriod(query.period);
  const bounds = [...months.map((m) => zonedMidnight(m.starts_on, ctx.settings.timeZone)), zonedMidnight(query.period.ends_on, ctx.settings.timeZone)];
  const scope: Record<string, unknown>[] =
    query.scope.kind === 'department' ? [{ department: { _eq: query.scope.key } }] : query.scope.kind === 'team' ? [{ survey: { team: { _eq: query.scope.key } } }] : [];
  const answers = { _and: [{ survey: { kind: { _eq: 'csat' } } }, { csat: { _nnull: true } }, { responded_at: { _gte: bounds[0]!.toISOString() } }, { responded_at: { _lt: bounds.at(-1)!.toISOString() } }, ...scope] };
  const latestFilter = { _and: [...answers._and, { comment: { _nnull: true } }] };
  const sql = dialectOf(ctx.db);
  const bucket = bucketOf('r.responded_at', bounds.map((b) => sql.instant(b)));
  const where: string[] = [];
  const bindings: unknown[] = [];
  if (query.scope.kind === 'department') {
    where.push('r.department = ?');
    bindings.push(query.scope.key);
  } else if (query.scope.kind === 'team') {
    where.push('s.team = ?');
    bindings.push(query.scope.key);
  }
  // The months over the answers in scope (exactly the rows `answers` matches), limited to `ids` when given.
  const monthsOver = async (ids?: readonly number[]) => {
    const extra = [...where];
    const extraBindings = [...bindings];
    if (ids) {
      const list = inIds(ctx.db, 'r.id', ids);
      extra.push(list.sql);
      extraBindings.push(list.binding);
    }
    return rows(
      await readConnection(ctx.db),
      `select bucket, count(*) as responses, sum(case when csat >= 4 then 1 else 0 end) as satisfied, sum(csat) as csat_sum,
        sum(case when nps is not null then 1 else 0 end) as nps_responses, sum(case when nps >= 9 then 1 else 0 end) as promoters,
        sum(case when nps <= 6 then 1 else 0 end) as detractors
      from (
        select ${bucket.sql} as bucket, r.csat as csat, r.nps as nps
        from cc_survey_responses r join cc_surveys s on s.id = r.survey
        where s.kind = 'csat' and r.csat is not null ${extra.map((w) => `and ${w}`).join(' ')}
      ) bucketed
      where bucket is not null
      group by bucket`,
      [...bucket.bindings, ...extraBindings],
    );
  };
  // Every answer in scope, counted: what the viewer sees when Directus counts as many for them.
  const everyone = monthsOver();
  everyone.catch(() => undefined);
  let visible: Visibility;
  try {
    visible = await visibleRows(ctx, 'cc_survey_responses', answers, async () => (await everyone).reduce((n, row) => n + count(row['responses']), 0));
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'FORBIDDEN') throw error;
    return { period: query.period, months: months.map((m) => ({ month: m.month, responses: 0, csat_share: null, csat_mean: null, nps_responses: 0, nps: null })), comments: [] };
  }
  const found = visible.all ? await everyone : await monthsOver(visible.ids);
  // The latest comments: in SQL when the viewer may read every answer in scope, else through Directus
  // with their permissions.
  const latestRead = async (): Promise<Item[]> => {
    if (!visible.all) {
      return new ctx.services.ItemsService('cc_survey_responses', { schema: ctx.schema, accountability: ctx.accountability, knex: ctx.db }).readByQuery({
        filter: latestFilter,
        fields: ['csat', 'nps', 'comment', 'responded_at'],
        sort: ['-responded_at'],
        limit: 5,
      });
    }
    const q = ctx
      .db('cc_survey_responses as r')
      .join('cc_surveys as s', 's.id', 'r.survey')
      .select('r.csat', 'r.nps', 'r.comment', 'r.responded_at')
      .where('s.kind', 'csat')
      .whereNotNull('r.csat')
      .whereNotNull('r.comment')
      .andWhere('r.responded_at', '>=', sql.instant(bounds[0]!))
      .andWhere('r.responded_at', '<', sql.instant(bounds.at(-1)!));
    if (query.scope.kind === 'department') q.where('r.department', query.scope.key);
    else if (query.scope.kind === 'team') q.where('s.team', query.scope.key);
    const found = (await q.orderBy([{ column: 'r.responded_at', order: 'desc' }, { column: 'r.id', order: 'desc' }]).limit(5)) as Item[];
    return found.map((r) => ({ ...r, responded_at: fromDbTime(r['responded_at'])?.toISOString() ?? null }));
  };
  const result = months.map((m, index) => {
    const row = found.find((r) => Number(r['bucket']) === index);
    const responses = count(row?.['responses']);
    const npsResponses = count(row?.['nps_responses']);
    return {
      month: m.month,
      responses,
      csat_share: responses > 0 ? count(row?.['satisfied']) / responses : null,
      csat_mean: responses > 0 ? count(row?.['csat_sum']) / responses : null,
      nps_responses: npsResponses,
      nps: npsResponses > 0 ? (100 * (count(row?.['promoters']) - count(row?.['detractors']))) / npsResponses : null,
    };
  });
  const latest = await latestRead();
  return {
    period: query.period,
    months: result,
    comments: latest.map((r) => ({ csat: Number(r['csat']), nps: r['nps'] === null ? null : Number(r['nps']), comment: String(r['comment']), responded_at: String(r['responded_at']) })),
  };
}
