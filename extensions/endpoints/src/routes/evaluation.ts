import { assertMayEvaluate, previewPublication, publishCycle, runCycle } from '../../../../src/evaluation/cycles.ts';
import { evaluatePeriod } from '../../../../src/evaluation/evaluate.ts';
import { freePeriod } from '../../../../src/evaluation/period.ts';
import { runScheduledEvaluation } from '../../../../src/evaluation/schedule.ts';
import { parseScorecardQuery, readScorecards, shape } from '../../../../src/evaluation/scorecards.ts';
import { evaluationSettings, parseWeights } from '../../../../src/evaluation/settings.ts';
import { accessOf } from '../../../../src/insights/viewer.ts';
import { AdminOnlyError, InvalidPayloadError } from '../../../../src/errors.ts';
import { positiveId, wrap, type ConcordRequest, type RouteContext } from './context.ts';

/** /concord/evaluation: run, publish and preview (evaluation.publish), scorecards (everyone, filtered). */
export function registerEvaluationRoutes({ router, services, getSchema, database, env }: RouteContext): void {
  const settings = evaluationSettings(env);
  const publicUrl = typeof env['PUBLIC_URL'] === 'string' ? env['PUBLIC_URL'] : '';
  const accountabilityOf = (req: ConcordRequest) => req.accountability ?? null;

  router.post(
    '/evaluation/cycles/:id/run',
    wrap(async (req, res) => {
      const id = positiveId(req.params['id'], 'id');
      await assertMayEvaluate(database, accountabilityOf(req), { 'zh-CN': '计算评估', 'en-US': 'Running an evaluation' });
      res.json({ data: await runCycle({ db: database, settings }, id) });
    }),
  );

  router.post(
    '/evaluation/cycles/:id/publish',
    wrap(async (req, res) => {
      const id = positiveId(req.params['id'], 'id');
      await assertMayEvaluate(database, accountabilityOf(req), { 'zh-CN': '发布评估', 'en-US': 'Publishing an evaluation' });
      // Back-filling history (the demo's past cycles) may skip the feedback; only an admin may.
      const notify = (req.body as { notify?: unknown } | undefined)?.notify;
      if (notify !== undefined && typeof notify !== 'boolean') throw new InvalidPayloadError({ field: 'notify', reason: { 'zh-CN': '应为 true 或 false', 'en-US': 'true or false' } });
      if (notify === false && !req.accountability?.admin) throw new AdminOnlyError({ action: { 'zh-CN': '发布评估而不反馈得分', 'en-US': 'publish without feeding the scores back' } });
      res.json({ data: await publishCycle({ db: database, settings, services, schema: await getSchema(), publicUrl }, id, { notify: notify !== false }) });
    }),
  );

  // The draft review: the improvement actions publishing would propose now, by the publisher's own plan.
  router.get(
    '/evaluation/cycles/:id/proposals',
    wrap(async (req, res) => {
      const id = positiveId(req.params['id'], 'id');
      await assertMayEvaluate(database, accountabilityOf(req), { 'zh-CN': '查看发布将提出的改进措施', 'en-US': 'Reviewing the actions publishing would propose' });
      res.json({ data: await previewPublication({ db: database, settings }, id) });
    }),
  );

  router.get(
    '/evaluation/preview',
    wrap(async (req, res) => {
      await assertMayEvaluate(database, accountabilityOf(req), { 'zh-CN': '预览评估', 'en-US': 'Previewing an evaluation' });
      const query = parseScorecardQuery({ scope_kind: req.query['scope_kind'], scope: req.query['scope'] });
      const period = freePeriod(req.query['starts_on'], req.query['ends_on']);
      const weightsText = req.query['weights'];
      if (weightsText !== undefined && typeof weightsText !== 'string') throw new InvalidPayloadError({ field: 'weights', reason: { 'zh-CN': '权重只能给一次,且为 JSON', 'en-US': 'give the weights once, as JSON' } });
      const { scores } = await evaluatePeriod(database, {
        period,
        settings,
        weights: parseWeights(weightsText),
        ...(query.scope_kind ? { scope: { kind: query.scope_kind, ...(query.scope !== undefined ? { key: query.scope } : {}) } } : {}),
      });
      res.json({ data: { period, stored: false, scorecards: await shape(database, scores.map((s) => ({ ...s }))) } });
    }),
  );

  router.get(
    '/evaluation/scorecards',
    wrap(async (req, res) => {
      const query = parseScorecardQuery(req.query as Record<string, unknown>);
      const ctx = { db: database, services, schema: await getSchema(), accountability: accountabilityOf(req) };
      // `none`: the scope asked for is not the viewer's to read (not an empty cycle).
      const [data, access] = await Promise.all([
        readScorecards(ctx, query),
        query.scope === undefined ? ('full' as const) : accessOf(ctx, query.scope_kind === 'team' ? { kind: 'team', key: Number(query.scope) } : { kind: 'department', key: query.scope }),
      ]);
      res.json({ data, access });
    }),
  );

  // What the monthly schedule does, by hand (admins), optionally as of another instant.
  router.post(
    '/evaluation/schedule/run',
    wrap(async (req, res) => {
      if (!req.accountability?.admin) throw new AdminOnlyError({ action: { 'zh-CN': '手动执行评估计划', 'en-US': 'run the evaluation schedule by hand' } });
      const at = (req.body as { at?: unknown } | undefined)?.at;
      if (at !== undefined && (typeof at !== 'string' || Number.isNaN(Date.parse(at)))) throw new InvalidPayloadError({ field: 'at', reason: { 'zh-CN': '应为 ISO 8601 时间,如 2027-01-01T02:00:00+08:00', 'en-US': 'an ISO 8601 instant such as 2027-01-01T02:00:00+08:00' } });
      res.json({ data: await runScheduledEvaluation({ db: database, settings }, at === undefined ? new Date() : new Date(at)) });
    }),
  );
}
