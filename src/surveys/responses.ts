import type { Accountability } from '@directus/types';
import type { Knex } from 'knex';
import { toDbTime } from '../directus/time.ts';
import { InvalidPayloadError, InvalidSurveyLinkError, ManagedFieldError, MissingCapabilityError, NotTeamMemberError, SurveyAnsweredError } from '../errors.ts';
import { userCapabilities, userDepartment } from '../organisation/authority-store.ts';
import { relationKey } from '../directus/relation-key.ts';

/**
 * Survey answers. A customer's CSAT answer (1–5, NPS 0–10 when the survey asks, a comment) is
 * credited to the department that made the case's latest resolution (metrics.md §3); a survey takes
 * one answer. A team pulse answer (1–5) is the current user's own, credited to their department,
 * one per person per survey, and only from current members of the survey's team. `response_key`
 * (unique) makes "one answer" hold under concurrent submissions too.
 */

export interface SurveyRow {
  id: number;
  kind: 'csat' | 'pulse';
  title: string;
  case: number | null;
  team: number | null;
  ask_nps: boolean;
  expires_at: unknown;
}

export async function loadSurvey(db: Knex, id: number): Promise<SurveyRow | null> {
  const row = await db('cc_surveys').select('id', 'kind', 'title', 'case', 'team', 'ask_nps', 'expires_at').where('id', id).first();
  if (!row) return null;
  return { ...row, id: Number(row.id), case: row.case === null ? null : Number(row.case), team: row.team === null ? null : Number(row.team), ask_nps: Boolean(row.ask_nps) } as SurveyRow;
}

export interface CsatAnswer {
  csat: unknown;
  nps?: unknown;
  comment?: unknown;
}

/**
 * How an answer reached Concord, recorded with it: the customer's e-mailed link, a link a member
 * of staff handed out (who), an answer staff entered (who), or a team member's own pulse answer.
 */
export type ResponseChannel = 'email_link' | 'handed_link' | 'staff_entry' | 'team_member';
export interface Arrival {
  channel: ResponseChannel;
  handled_by: string | null;
}

function wholeNumber(value: unknown, field: string, min: number, max: number, required: boolean): number | null {
  if (value === undefined || value === null || value === '') {
    if (required) throw new InvalidPayloadError({ field, reason: { 'zh-CN': `请选择 ${min} 到 ${max} 分`, 'en-US': `choose a score from ${min} to ${max}` } });
    return null;
  }
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw new InvalidPayloadError({ field, reason: { 'zh-CN': `应为 ${min} 到 ${max} 之间的整数`, 'en-US': `a whole number from ${min} to ${max}` } });
  return n;
}

function comment(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new InvalidPayloadError({ field: 'comment', reason: { 'zh-CN': '应为文本', 'en-US': 'text' } });
  const text = value.trim();
  if (text.length > 2000) throw new InvalidPayloadError({ field: 'comment', reason: { 'zh-CN': '最多 2000 字', 'en-US': 'at most 2000 characters' } });
  return text === '' ? null : text;
}

/** The department that made the case's latest resolution (override rows are no resolution). */
export async function resolvingDepartment(db: Knex, caseId: number | null): Promise<string | null> {
  if (caseId === null) return null;
  const row = await db('cc_case_events as e')
    .join('cc_workflow_transitions as t', 't.id', 'e.transition')
    .where('e.case', caseId)
    .andWhere('t.is_resolution', true)
    .andWhere((q) => q.whereNull('e.is_override').orWhere('e.is_override', false))
    .orderBy([{ column: 'e.occurred_at', order: 'desc' }, { column: 'e.id', order: 'desc' }])
    .first('e.actor_department');
  return (row?.actor_department as string | null | undefined) ?? null;
}

/** The values a customer's answer is stored with; refuses what is out of range or already answered. */
export async function csatResponse(db: Knex, survey: SurveyRow, answer: CsatAnswer, now: Date, arrival: Arrival): Promise<Record<string, unknown>> {
  if (survey.kind !== 'csat') throw new InvalidSurveyLinkError({});
  const csat = wholeNumber(answer.csat, 'csat', 1, 5, true);
  const nps = wholeNumber(answer.nps, 'nps', 0, 10, false);
  if (nps !== null && !survey.ask_nps) throw new InvalidPayloadError({ field: 'nps', reason: { 'zh-CN': '此调查不收集推荐度', 'en-US': 'this survey does not ask for a recommendation score' } });
  if (await db('cc_survey_responses').first('id').where('survey', survey.id)) throw new SurveyAnsweredError({ survey: survey.id });
  return {
    survey: survey.id,
    csat,
    nps,
    pulse: null,
    comment: comment(answer.comment),
    respondent: null,
    department: await resolvingDepartment(db, survey.case),
    responded_at: toDbTime(db, now),
    response_key: `csat:${survey.id}`,
    channel: arrival.channel,
    handled_by: arrival.handled_by,
  };
}

/** Stores a customer's answer given through a link; a concurrent second answer loses on the unique key. */
export async function answerCsat(db: Knex, surveyId: number, answer: CsatAnswer, arrival: Arrival, now: Date = new Date()): Promise<{ survey: number; responded_at: string }> {
  const survey = await loadSurvey(db, surveyId);
  if (!survey) throw new InvalidSurveyLinkError({});
  const row = await csatResponse(db, survey, answer, now, arrival);
  const inserted = await db('cc_survey_responses').insert(row).onConflict('response_key').ignore().returning('id');
  if (inserted.length === 0) throw new SurveyAnsweredError({ survey: survey.id });
  return { survey: survey.id, responded_at: now.toISOString() };
}

const SERVER_SET = ['respondent', 'department', 'response_key', 'channel', 'handled_by'];

/**
 * A response created through Directus (Studio, REST, GraphQL, import): a pulse answer becomes the
 * writer's own; a CSAT answer recorded by staff is credited like a customer's.
 */
export async function prepareResponseCreate(db: Knex, accountability: Accountability | null, payload: Record<string, unknown>, now: Date = new Date()): Promise<Record<string, unknown>> {
  const surveyId = relationKey(payload['survey']);
  if (surveyId === null || !/^\d+$/.test(String(surveyId))) throw new InvalidPayloadError({ field: 'survey', reason: { 'zh-CN': '请给出所回答调查的编号', 'en-US': 'the id of the survey being answered' } });
  const survey = await loadSurvey(db, Number(surveyId));
  if (!survey) throw new InvalidPayloadError({ field: 'survey', reason: { 'zh-CN': `调查 #${surveyId} 不存在`, 'en-US': `survey ${surveyId} does not exist` } });
  if (survey.kind === 'csat') {
    // Customers answer through their link; staff record an answer given by phone only with feedback.collect.
    if (accountability?.user && !accountability.admin && !(await userCapabilities(db, accountability.user)).has('feedback.collect')) {
      throw new MissingCapabilityError({ capability: 'feedback.collect', department: await userDepartment(db, accountability.user), action: { 'zh-CN': '录入客户的调查答卷', 'en-US': "Recording a customer's survey answer" } });
    }
    const managed = SERVER_SET.filter((f) => payload[f] !== undefined && payload[f] !== null);
    if (managed.length > 0) throw new ManagedFieldError({ fields: managed });
    if (payload['pulse'] !== undefined && payload['pulse'] !== null) throw new InvalidPayloadError({ field: 'pulse', reason: { 'zh-CN': '客户调查只收满意度(csat)和推荐度(nps),不收 pulse', 'en-US': 'a customer survey takes csat and nps, not pulse' } });
    const at = payload['responded_at'] === undefined || payload['responded_at'] === null ? now : new Date(String(payload['responded_at']));
    if (Number.isNaN(at.getTime()) || at.getTime() > now.getTime() + 60_000) throw new InvalidPayloadError({ field: 'responded_at', reason: { 'zh-CN': '应为已经过去的时间', 'en-US': 'a time that has passed' } });
    const row = await csatResponse(db, survey, { csat: payload['csat'], nps: payload['nps'], comment: payload['comment'] }, at, { channel: 'staff_entry', handled_by: accountability?.user ?? null });
    return { ...payload, ...row, survey: survey.id, responded_at: at.toISOString() };
  }
  const user = accountability?.user;
  if (!user) throw new InvalidPayloadError({ field: 'respondent', reason: { 'zh-CN': '脉搏调查须由已登录的团队成员作答', 'en-US': 'a pulse answer is given by a signed-in member of the team' } });
  const managed = [...SERVER_SET, 'csat', 'nps', 'responded_at'].filter((f) => payload[f] !== undefined && payload[f] !== null && !(f === 'respondent' && payload[f] === user));
  if (managed.length > 0) throw new ManagedFieldError({ fields: managed });
  if (survey.team === null || !(await isCurrentMember(db, survey.team, user, now))) throw new NotTeamMemberError({ team: survey.team });
  if (await db('cc_survey_responses').first('id').where({ survey: survey.id, respondent: user })) throw new SurveyAnsweredError({ survey: survey.id });
  return {
    ...payload,
    survey: survey.id,
    pulse: wholeNumber(payload['pulse'], 'pulse', 1, 5, true),
    comment: comment(payload['comment']),
    csat: null,
    nps: null,
    respondent: user,
    department: await userDepartment(db, user),
    responded_at: now.toISOString(),
    response_key: `pulse:${survey.id}:${user}`,
    channel: 'team_member',
    handled_by: null,
  };
}

/** Answers keep who gave them, to which survey, and when; only scores and the comment may be corrected. */
export function guardResponseUpdate(payload: Record<string, unknown>): void {
  const managed = [...SERVER_SET, 'survey', 'responded_at'].filter((f) => payload[f] !== undefined);
  if (managed.length > 0) throw new ManagedFieldError({ fields: managed });
  if (payload['csat'] !== undefined) wholeNumber(payload['csat'], 'csat', 1, 5, false);
  if (payload['nps'] !== undefined) wholeNumber(payload['nps'], 'nps', 0, 10, false);
  if (payload['pulse'] !== undefined) wholeNumber(payload['pulse'], 'pulse', 1, 5, false);
  if (payload['comment'] !== undefined) comment(payload['comment']);
}

async function isCurrentMember(db: Knex, team: number, user: string, now: Date): Promise<boolean> {
  const today = toDbTime(db, new Date(`${now.toISOString().slice(0, 10)}T00:00:00Z`));
  const row = await db('cc_team_members')
    .first('id')
    .where({ team, user })
    .andWhere((q) => q.whereNull('since').orWhere('since', '<=', today))
    .andWhere((q) => q.whereNull('until').orWhere('until', '>=', today));
  return Boolean(row);
}
