import { ForbiddenError } from '@directus/errors';
import { diagnose } from '../../../../src/diagnostics/index.ts';
import { evaluationSettings } from '../../../../src/evaluation/settings.ts';
import type { AnswerCache } from '../../../../src/http/answer-cache.ts';
import { asksFresh, insightAnswerCache, keptAnswer } from '../../../../src/insights/kept-answers.ts';
import { improvementActions } from '../../../../src/insights/actions.ts';
import { budgetVsActual } from '../../../../src/insights/budget.ts';
import { handoffFlow } from '../../../../src/insights/handoff-flow.ts';
import { parseInsightQuery } from '../../../../src/insights/query.ts';
import { satisfactionTrend } from '../../../../src/insights/satisfaction.ts';
import { slaBoard } from '../../../../src/insights/sla-board.ts';
import { parseTrendQuery, scoreTrend } from '../../../../src/insights/trend.ts';
import { accessOf, viewerOf } from '../../../../src/insights/viewer.ts';
import { wrap, type ConcordRequest, type RouteContext } from './context.ts';

/** /concord/insights: the data behind the Insights panels, each computed over what the viewer may read. */
export function registerInsightRoutes({ router, services, getSchema, database, env }: RouteContext): void {
  const settings = evaluationSettings(env);
  const contextOf = async (req: ConcordRequest) => {
    if (!req.accountability?.user && !req.accountability?.admin) throw new ForbiddenError();
    return { db: database, services, schema: await getSchema(), accountability: req.accountability ?? null, settings };
  };
  const query = (req: ConcordRequest) => parseInsightQuery(req.query as Record<string, unknown>, settings.timeZone);
  /**
   * A figure with `access`: `none` when the scope is not one the viewer may read (a panel then says
   * "you may not see this", not "nothing happened"), `full` otherwise. With `keep`, the answer is
   * kept between requests while the database does not change (src/insights/kept-answers.ts).
   */
  const scoped = <T>(compute: (ctx: Awaited<ReturnType<typeof contextOf>>, q: ReturnType<typeof query>) => Promise<T>, keep?: { cache: AnswerCache; route: string }) =>
    wrap(async (req, res) => {
      const ctx = await contextOf(req);
      const q = query(req);
      const answerOf = async () => {
        const [data, access] = await Promise.all([compute(ctx, q), accessOf(ctx, q.scope)]);
        return { data, access };
      };
      if (!keep) return void res.json(await answerOf());
      const answer = await keptAnswer(keep.cache, database, { route: keep.route, accountability: ctx.accountability, question: q, fresh: asksFresh(req.headers) }, answerOf);
      res.set('Cache-Status', answer.cacheStatus).type('application/json').send(answer.json);
    });

  router.get('/insights/me', wrap(async (req, res) => {
    res.json({ data: await viewerOf(await contextOf(req)) });
  }));
  router.get('/insights/handoffs', scoped(handoffFlow));
  router.get('/insights/sla', scoped(slaBoard));
  router.get('/insights/budget', scoped(budgetVsActual));
  router.get('/insights/satisfaction', scoped(satisfactionTrend));
  router.get('/insights/actions', scoped(improvementActions));
  // Diagnostics carry `access` like the other figures: a scope the viewer may not read is said so.
  router.get('/insights/diagnostics', scoped((ctx, q) => diagnose(ctx, q), { cache: insightAnswerCache(env), route: 'diagnostics' }));
  router.get('/insights/trend', wrap(async (req, res) => {
    const ctx = await contextOf(req);
    const q = parseTrendQuery(req.query as Record<string, unknown>);
    const [data, access] = await Promise.all([
      scoreTrend(ctx, q),
      q.scope === undefined ? ('full' as const) : accessOf(ctx, q.scope_kind === 'team' ? { kind: 'team', key: Number(q.scope) } : { kind: 'department', key: q.scope }),
    ]);
    res.json({ data, access });
  }));
}
