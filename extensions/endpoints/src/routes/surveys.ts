import type { Request, Response } from 'express';
import { InvalidPayloadError, InvalidSurveyLinkError, MissingCapabilityError, NotFoundError, SurveyAnsweredError } from '../../../../src/errors.ts';
import { userCapabilities, userDepartment } from '../../../../src/organisation/authority-store.ts';
import { emailSurveyLink } from '../../../../src/surveys/invitations.ts';
import { readBody, settleBody, SURVEY_BODY_LIMIT } from '../../../../src/http/request-body.ts';
import { renderRefusal } from '../../../../src/i18n/refusals.ts';
import { fromDbTime, toDbTime } from '../../../../src/directus/time.ts';
import { linkDays, signSurveyToken, surveyUrl, verifySurveyToken } from '../../../../src/surveys/links.ts';
import { answeredPage, pageLanguage, problemMessage, problemPage, surveyFormPage, thanksPage, type Company, type PageLanguage } from '../../../../src/surveys/page.ts';
import { answerCsat, loadSurvey } from '../../../../src/surveys/responses.ts';
import { jsonBody, positiveId, wrap, type RouteContext } from './context.ts';

/**
 * Customers answer CSAT surveys through a signed public link (no login): GET shows the page, POST
 * stores the answer (the page's form post, or JSON for other clients). Nothing else is reachable
 * through a token. Staff who can read a case may have the link e-mailed to the customer's contact
 * address; only holders of feedback.collect are handed the link itself (the answer records who).
 */
export function registerSurveyRoutes({ router, services, getSchema, database, env }: RouteContext): void {
  const secret = String(env['SECRET'] ?? '');
  const publicUrl = typeof env['PUBLIC_URL'] === 'string' ? env['PUBLIC_URL'] : '';
  const days = linkDays(env);

  router.post(
    '/surveys/:id/link',
    wrap(async (req, res) => {
      const id = positiveId(req.params['id'], 'id');
      const deliver = jsonBody(req)['deliver'] ?? 'url';
      if (deliver !== 'url' && deliver !== 'email') throw new InvalidPayloadError({ field: 'deliver', reason: { 'zh-CN': '应为 "email"(发给客户)或 "url"(交给你转交)', 'en-US': '"email" (sent to the customer) or "url" (for you to hand out)' } });
      const schema = await getSchema();
      const accountability = req.accountability ?? null;
      const [survey] = await new services.ItemsService('cc_surveys', { schema, accountability }).readByQuery({ filter: { id: { _eq: id } }, fields: ['id', 'kind', 'case'], limit: 1 });
      if (!survey) throw new NotFoundError({ collection: 'cc_surveys', id: String(id) });
      if (survey['kind'] !== 'csat' || survey['case'] === null) throw new InvalidPayloadError({ field: 'id', reason: { 'zh-CN': '只有针对事项的客户满意度调查才有客户链接', 'en-US': 'only a customer (CSAT) survey about a case has a customer link' } });
      // Whoever may read the case may have the link sent to the customer; only feedback.collect hands it out.
      const cases = await new services.ItemsService('cc_cases', { schema, accountability }).readByQuery({ filter: { id: { _eq: survey['case'] } }, fields: ['id'], limit: 1 });
      if (cases.length === 0) throw new NotFoundError({ collection: 'cc_surveys', id: String(id) });
      const user = accountability?.user ?? null;
      if (deliver === 'url' && !accountability?.admin && (user === null || !(await userCapabilities(database, user)).has('feedback.collect'))) {
        throw new MissingCapabilityError({
          capability: 'feedback.collect',
          department: user === null ? null : await userDepartment(database, user),
          action: { 'zh-CN': '领取客户的调查链接(可改为 {"deliver":"email"} 发给客户)', 'en-US': 'Taking a customer\'s survey link (send {"deliver":"email"} to have it e-mailed to the customer instead)' },
        });
      }
      if (await database('cc_survey_responses').first('id').where('survey', id)) throw new SurveyAnsweredError({ survey: id });
      const now = new Date();
      const expiresAt = new Date(now.getTime() + days * 86_400_000);
      const current = await database('cc_surveys').first('expires_at').where('id', id);
      const open = fromDbTime(current?.expires_at);
      if (!open || open.getTime() < expiresAt.getTime()) await database('cc_surveys').where('id', id).update({ expires_at: toDbTime(database, expiresAt) });
      if (deliver === 'email') {
        await emailSurveyLink({ db: database, secret, publicUrl, mailer: () => new services.MailService({ schema }) }, id, expiresAt);
        res.json({ data: { delivered: 'email', expires_at: expiresAt.toISOString() } });
        return;
      }
      res.json({ data: { delivered: 'url', url: surveyUrl(publicUrl, signSurveyToken(secret, id, expiresAt, user)), expires_at: expiresAt.toISOString() } });
    }),
  );

  const html = (res: Response, status: number, body: string) => {
    res.status(status).set('Cache-Control', 'no-store').type('html').send(body);
  };
  const refuse = (res: Response, language: PageLanguage, error: unknown, company: Company) => {
    const e = error as { status?: number; code?: string; message?: string };
    if (typeof e.status !== 'number' || e.status >= 500) throw error;
    if (e.code === 'SURVEY_ANSWERED') return html(res, e.status, answeredPage(language, company));
    html(res, e.status, problemPage(language, problemMessage(language, e.code, e.message ?? ''), company));
  };
  // JSON clients read the refusal in the page's language too (Accept-Language, ?lang): no one is signed in to have one.
  const refuseJson = (res: Response, language: PageLanguage, error: unknown) => {
    const e = error as { status?: number; code?: string; message?: string; extensions?: Record<string, unknown> };
    if (typeof e.status !== 'number' || e.status >= 500 || typeof e.code !== 'string') throw error;
    const extensions = { ...(e.extensions ?? {}), code: e.code };
    const message = renderRefusal(e.code, extensions, language)?.message ?? e.message ?? '';
    res.status(e.status).set('Cache-Control', 'no-store').json({ errors: [{ message, extensions }] });
  };

  /** The token exactly as the link spells it: one that reached the route percent-decoded or with more path is another spelling. */
  const linkOf = (req: Request) => {
    const token = req.params['token'] ?? '';
    const path = (req.url.split('?')[0] ?? '').replace(/^.*\/surveys\//i, '');
    if (path !== token) throw new InvalidSurveyLinkError({});
    return verifySurveyToken(secret, token);
  };

  router.get(
    '/public/surveys/:token',
    wrap(async (req, res) => {
      const language = pageLanguage(req.headers['accept-language'], req.query['lang']);
      const company = await loadCompany();
      try {
        const { survey: id } = linkOf(req);
        const survey = await loadSurvey(database, id);
        if (!survey || survey.kind !== 'csat') throw new InvalidSurveyLinkError({});
        if (await database('cc_survey_responses').first('id').where('survey', id)) throw new SurveyAnsweredError({ survey: id });
        await settleBody(req, res);
        html(res, 200, surveyFormPage(language, { subject: await subjectOf(survey.case, survey.title), askNps: survey.ask_nps, action: req.params['token'] ?? '' }, company));
      } catch (error) {
        await settleBody(req, res);
        refuse(res, language, error, company);
      }
    }),
  );

  router.post(
    '/public/surveys/:token',
    wrap(async (req, res) => {
      const language = pageLanguage(req.headers['accept-language'], req.query['lang']);
      const json = /json/i.test(req.headers['content-type'] ?? '');
      const company = await loadCompany();
      let answer: Record<string, unknown> = {};
      try {
        // The link first: a body is read only for a valid, unexpired link, and within SURVEY_BODY_LIMIT.
        const { survey, issuedBy } = linkOf(req);
        const body = await readBody(req, res, { limit: SURVEY_BODY_LIMIT, accept: ['json', 'form'] });
        if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidPayloadError({ field: 'body', reason: { 'zh-CN': '请发送 { "csat": 1–5, "nps": 0–10, "comment": "…" }', 'en-US': 'send { "csat": 1–5, "nps": 0–10, "comment": "…" }' } });
        answer = body as Record<string, unknown>;
        const arrival = issuedBy === null ? ({ channel: 'email_link', handled_by: null } as const) : ({ channel: 'handed_link', handled_by: issuedBy } as const);
        const stored = await answerCsat(database, survey, { csat: answer['csat'], nps: answer['nps'], comment: answer['comment'] }, arrival);
        if (json) res.set('Cache-Control', 'no-store').json({ data: stored });
        else html(res, 200, thanksPage(language, company));
      } catch (error) {
        await settleBody(req, res);
        if (json) return refuseJson(res, language, error);
        if ((error as { code?: string }).code !== 'INVALID_PAYLOAD') return refuse(res, language, error, company);
        // Out of range: the form again, with what was chosen and what to fix.
        const { survey: id } = linkOf(req);
        const survey = await loadSurvey(database, id);
        const asNumber = (v: unknown) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);
        html(
          res,
          400,
          surveyFormPage(language, {
            subject: await subjectOf(survey?.case ?? null, survey?.title ?? ''),
            askNps: survey?.ask_nps ?? false,
            action: req.params['token'] ?? '',
            error: problemMessage(language, 'INVALID_PAYLOAD', (error as Error).message),
            values: { csat: asNumber(answer['csat']), nps: asNumber(answer['nps']), comment: typeof answer['comment'] === 'string' ? answer['comment'] : null },
          }, company),
        );
      }
    }),
  );

  /** The company's name: CONCORD_COMPANY_NAME, else the project's name in Studio's settings; how to reach it: CONCORD_SURVEY_CONTACT. */
  async function loadCompany(): Promise<Company> {
    const settings = await database('directus_settings').first('project_name').catch(() => undefined);
    const contact = typeof env['CONCORD_SURVEY_CONTACT'] === 'string' && env['CONCORD_SURVEY_CONTACT'].trim() !== '' ? env['CONCORD_SURVEY_CONTACT'].trim() : null;
    const configured = typeof env['CONCORD_COMPANY_NAME'] === 'string' && env['CONCORD_COMPANY_NAME'].trim() !== '' ? env['CONCORD_COMPANY_NAME'].trim() : null;
    // Directus's own default name is not the company's.
    const project = typeof settings?.project_name === 'string' && !['', 'Directus'].includes(settings.project_name.trim()) ? settings.project_name.trim() : null;
    const name = configured ?? project;
    return { name, contact };
  }

  async function subjectOf(caseId: number | null, fallback: string): Promise<string> {
    if (caseId === null) return fallback;
    const row = await database('cc_cases').first('title').where('id', caseId);
    return (row?.title as string | undefined) ?? fallback;
  }
}
