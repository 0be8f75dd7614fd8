import { ForbiddenError } from '@directus/errors';
import { diagnose } from '../../../../src/diagnostics/index.ts';
import { evaluationSettings } from '../../../../src/evaluation/settings.ts';
import { improvementActions } from '../../../../src/insights/actions.ts';
import { budgetVsActual } from '../../../../src/insights/budget.ts';
import { handoffFlow } from '../../../../src/insights/handoff-flow.ts';
import { parseInsightQuery } from '../../../../src/insights/query.ts';
import { satisfactionTrend } from '../../../../src/insights/satisfaction.ts';
import { slaBoard } from '../../../../src/insights/sla-board.ts';
import { parseTrendQuery, scoreTrend } from '../../../../src/insights/trend.ts';
import { viewerOf } from '../../../../src/insights/viewer.ts';
import { wrap, type ConcordRequest, type RouteContext } from './context.ts';

/** /concord/insights: the data behind the Insights panels, each computed over what the viewer may read. */
export function registerInsightRoutes({ router, services, getSchema, database, env }: RouteContext): void {
  const settings = evaluationSettings(env);
  const contextOf = async (req: ConcordRequest) => {
    if (!req.accountability?.user && !req.accountability?.admin) throw new ForbiddenError();
    return { db: database, services, schema: await getSchema(), accountability: req.accountability ?? null, settings };
  };
  const query = (req: ConcordRequest) => parseInsightQuery(req.query as Record<string, unknown>, settings.timeZone);

  router.get('/insights/me', wrap(async (req, res) => {
    res.json({ data: await viewerOf(await contextOf(req)) });
  }));
  router.get('/insights/handoffs', wrap(async (req, res) => {
    res.json({ data: await handoffFlow(await contextOf(req), query(req)) });
  }));
  router.get('/insights/sla', wrap(async (req, res) => {
    res.json({ data: await slaBoard(await contextOf(req), query(req)) });
  }));
  router.get('/insights/budget', wrap(async (req, res) => {
    res.json({ data: await budgetVsActual(await contextOf(req), query(req)) });
  }));
  router.get('/insights/satisfaction', wrap(async (req, res) => {
    res.json({ data: await satisfactionTrend(await contextOf(req), query(req)) });
  }));
  router.get('/insights/actions', wrap(async (req, res) => {
    res.json({ data: await improvementActions(await contextOf(req), query(req)) });
  }));
  router.get('/insights/diagnostics', wrap(async (req, res) => {
    res.json({ data: await diagnose(await contextOf(req), query(req)) });
  }));
  router.get('/insights/trend', wrap(async (req, res) => {
    res.json({ data: await scoreTrend(await contextOf(req), parseTrendQuery(req.query as Record<string, unknown>)) });
  }));
}
