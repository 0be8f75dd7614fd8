import type { Request, Response } from 'express';
import { InvalidPayloadError, NotFoundError, SurveyAnsweredError } from '../../../../src/errors.ts';
import { fromDbTime, toDbTime } from '../../../../src/db-time.ts';
import { linkDays, signSurveyToken, surveyUrl, verifySurveyToken } from '../../../../src/surveys/links.ts';
import { pageLanguage, problemMessage, problemPage, surveyFormPage, thanksPage, type PageLanguage } from '../../../../src/surveys/page.ts';
import { answerCsat, loadSurvey } from '../../../../src/surveys/responses.ts';
import { positiveId, wrap, type RouteContext } from './context.ts';

/**
 * Customers answer CSAT surveys through a signed public link (no login): GET shows the page, POST
 * stores the answer (the page's form post, or JSON for other clients). Nothing else is reachable
 * through a token. Staff who can read a case get a link to send by hand.
 */
export function registerSurveyRoutes({ router, services, getSchema, database, env }: RouteContext): void {
  const secret = String(env['SECRET'] ?? '');
  const publicUrl = typeof env['PUBLIC_URL'] === 'string' ? env['PUBLIC_URL'] : '';
  const days = linkDays(env);

  router.post(
    '/surveys/:id/link',
    wrap(async (req, res) => {
      const id = positiveId(req.params['id'], 'id');
      const schema = await getSchema();
      const accountability = req.accountability ?? null;
      const [survey] = await new services.ItemsService('cc_surveys', { schema, accountability }).readByQuery({ filter: { id: { _eq: id } }, fields: ['id', 'kind', 'case'], limit: 1 });
      if (!survey) throw new NotFoundError({ collection: 'cc_surveys', id: String(id) });
      if (survey['kind'] !== 'csat' || survey['case'] === null) throw new InvalidPayloadError({ field: 'id', reason: { 'zh-CN': '只有针对事项的客户满意度调查才有客户链接', 'en-US': 'only a customer (CSAT) survey about a case has a customer link' } });
      // Whoever may read the case may send its survey.
      const cases = await new services.ItemsService('cc_cases', { schema, accountability }).readByQuery({ filter: { id: { _eq: survey['case'] } }, fields: ['id'], limit: 1 });
      if (cases.length === 0) throw new NotFoundError({ collection: 'cc_surveys', id: String(id) });
      if (await database('cc_survey_responses').first('id').where('survey', id)) throw new SurveyAnsweredError({ survey: id });
      const now = new Date();
      const expiresAt = new Date(now.getTime() + days * 86_400_000);
      const current = await database('cc_surveys').first('expires_at').where('id', id);
      const open = fromDbTime(current?.expires_at);
      if (!open || open.getTime() < expiresAt.getTime()) await database('cc_surveys').where('id', id).update({ expires_at: toDbTime(database, expiresAt) });
      res.json({ data: { url: surveyUrl(publicUrl, signSurveyToken(secret, id, expiresAt)), expires_at: expiresAt.toISOString() } });
    }),
  );

  const html = (res: Response, status: number, body: string) => {
    res.status(status).set('Cache-Control', 'no-store').type('html').send(body);
  };
  const refuse = (res: Response, language: PageLanguage, error: unknown) => {
    const e = error as { status?: number; code?: string; message?: string };
    if (typeof e.status !== 'number' || e.status >= 500) throw error;
    html(res, e.status, problemPage(language, problemMessage(language, e.code, e.message ?? '')));
  };

  router.get(
    '/public/surveys/:token',
    wrap(async (req, res) => {
      const language = pageLanguage(req.headers['accept-language'], req.query['lang']);
      try {
        const { survey: id } = verifySurveyToken(secret, req.params['token']);
        const survey = await loadSurvey(database, id);
        if (!survey || survey.kind !== 'csat') throw new InvalidPayloadError({ field: 'token', reason: { 'zh-CN': '调查不存在', 'en-US': 'unknown survey' } });
        if (await database('cc_survey_responses').first('id').where('survey', id)) throw new SurveyAnsweredError({ survey: id });
        html(res, 200, surveyFormPage(language, { subject: await subjectOf(survey.case, survey.title), askNps: survey.ask_nps, action: req.params['token'] ?? '' }));
      } catch (error) {
        refuse(res, language, error);
      }
    }),
  );

  router.post(
    '/public/surveys/:token',
    wrap(async (req, res) => {
      const language = pageLanguage(req.headers['accept-language'], req.query['lang']);
      const json = (req.headers['content-type'] ?? '').includes('application/json');
      const answer = json ? (req.body as Record<string, unknown> | undefined) ?? {} : await formBody(req);
      if (json) {
        if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw new InvalidPayloadError({ field: 'body', reason: { 'zh-CN': '请发送 { "csat": 1–5, "nps": 0–10, "comment": "…" }', 'en-US': 'send { "csat": 1–5, "nps": 0–10, "comment": "…" }' } });
        const { survey } = verifySurveyToken(secret, req.params['token']);
        res.json({ data: await answerCsat(database, survey, { csat: answer['csat'], nps: answer['nps'], comment: answer['comment'] }) });
        return;
      }
      try {
        const { survey } = verifySurveyToken(secret, req.params['token']);
        await answerCsat(database, survey, { csat: answer['csat'], nps: answer['nps'], comment: answer['comment'] });
        html(res, 200, thanksPage(language));
      } catch (error) {
        if ((error as { code?: string }).code !== 'INVALID_PAYLOAD') return refuse(res, language, error);
        // Out of range: the form again, with what was chosen and what to fix.
        const { survey: id } = verifySurveyToken(secret, req.params['token']);
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
          }),
        );
      }
    }),
  );

  async function subjectOf(caseId: number | null, fallback: string): Promise<string> {
    if (caseId === null) return fallback;
    const row = await database('cc_cases').first('title').where('id', caseId);
    return (row?.title as string | undefined) ?? fallback;
  }
}

/** Directus parses JSON bodies only; the page posts an url-encoded form (a few fields, capped). */
async function formBody(req: Request): Promise<Record<string, unknown>> {
  // Directus's JSON parser leaves an empty object on requests it does not parse.
  if (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) && Object.keys(req.body).length > 0) return req.body as Record<string, unknown>;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 16_384) throw new InvalidPayloadError({ field: 'body', reason: { 'zh-CN': '答卷太长', 'en-US': 'the answer is too long' } });
    chunks.push(chunk);
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}
