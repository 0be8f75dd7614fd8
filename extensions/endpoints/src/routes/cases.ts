import { availableTransitions, transitionCase } from '../../../../src/workflows/case-workflow.ts';
import { overrideCaseState, repairCaseEvent } from '../../../../src/workflows/admin-repairs.ts';
import { escalateSlaBreaches } from '../../../../src/workflows/sla-escalation.ts';
import { warnAtRiskCases } from '../../../../src/diagnostics/early-warning.ts';
import { recordUnrecordedStateChanges } from '../../../../src/workflows/state-audit.ts';
import { AdminOnlyError, InvalidPayloadError } from '../../../../src/errors.ts';
import { loadFieldSpecs } from '../../../../src/validation/field-values.ts';
import { sendPendingInvitations } from '../../../../src/surveys/invitations.ts';
import { linkDays } from '../../../../src/surveys/links.ts';
import { jsonBody, positiveId, wrap, type ConcordRequest, type RouteContext } from './context.ts';

/** Case transitions for the current user, the admin's recorded overrides, SLA escalation and the state audit. */
export function registerCaseRoutes({ router, services, getSchema, database, env, logger }: RouteContext): void {
  const surveyLinkDays = linkDays(env);
  const workflowContext = async (req: ConcordRequest) => ({ db: database, services, schema: await getSchema(), accountability: req.accountability ?? null, surveyLinkDays });
  const invite = async (survey: number) => {
    try {
      const schema = await getSchema();
      await sendPendingInvitations({ db: database, secret: String(env['SECRET'] ?? ''), publicUrl: String(env['PUBLIC_URL'] ?? ''), mailer: () => new services.MailService({ schema }) }, survey);
    } catch (error) {
      // The resolution stands; the invitation is retried by the survey schedule.
      logger.error(error, `Concord: e-mailing the invitation of survey ${survey} failed`);
    }
  };

  router.get(
    '/cases/:id/transitions',
    wrap(async (req, res) => {
      const caseId = positiveId(req.params['id'], 'id');
      res.json({ data: await availableTransitions(await workflowContext(req), caseId) });
    }),
  );

  router.post(
    '/cases/:id/transitions',
    wrap(async (req, res) => {
      const caseId = positiveId(req.params['id'], 'id');
      const { to, from, fields, note } = jsonBody(req);
      if (from !== undefined && from !== null && typeof from !== 'number' && typeof from !== 'string') {
        throw new InvalidPayloadError({ field: 'from', reason: { 'zh-CN': '应为你看到事项时它所处状态的编号或代码', 'en-US': 'the state id or key you saw the case in' } });
      }
      if (fields !== undefined && (typeof fields !== 'object' || fields === null || Array.isArray(fields))) {
        throw new InvalidPayloadError({ field: 'fields', reason: { 'zh-CN': '应是一个对象,如 { "resolution_note": "…" }', 'en-US': 'an object such as { "resolution_note": "…" }' } });
      }
      const result = await transitionCase(await workflowContext(req), {
        caseId,
        to: to as number | string,
        from: (from as number | string | null | undefined) ?? null,
        fields: (fields as Record<string, string | null> | undefined) ?? {},
        note: (note as string | null | undefined) ?? null,
        hiddenIsMissing: true,
      });
      if (result.survey !== null) await invite(result.survey);
      res.json({ data: result });
    }),
  );

  router.post(
    '/cases/:id/override',
    wrap(async (req, res) => {
      const caseId = positiveId(req.params['id'], 'id');
      const { to, reason } = jsonBody(req);
      res.json({ data: await overrideCaseState(database, req.accountability ?? null, { caseId, to, reason }) });
    }),
  );

  router.post(
    '/case-events/:id/repair',
    wrap(async (req, res) => {
      const eventId = positiveId(req.params['id'], 'id');
      const { action, changes, reason } = jsonBody(req);
      const specs = await loadFieldSpecs({ db: database, schema: await getSchema(), services });
      res.json({ data: await repairCaseEvent(database, req.accountability ?? null, { eventId, action, changes, reason }, specs) });
    }),
  );

  router.post(
    '/sla/escalate',
    wrap(async (req, res) => {
      if (!req.accountability?.admin) throw new AdminOnlyError({ action: { 'zh-CN': '手动执行时限升级', 'en-US': 'run the SLA escalation by hand' } });
      const ctx = { db: database, services, schema: await getSchema() };
      const report = await escalateSlaBreaches(ctx);
      res.json({ data: { ...report, warned: (await warnAtRiskCases(ctx)).warned } });
    }),
  );

  router.post(
    '/audit/case-states',
    wrap(async (req, res) => {
      if (!req.accountability?.admin) throw new AdminOnlyError({ action: { 'zh-CN': '手动执行事项状态审计', 'en-US': 'run the case state audit by hand' } });
      res.json({ data: { recorded: await recordUnrecordedStateChanges(database) } });
    }),
  );
}
