import { beforeAll, describe, expect, it } from 'vitest';
import { signSurveyToken } from '../../src/surveys/links.ts';
import { concord, createStaff, http, rawAdmin, type Json, type StaffUser } from '../harness/concord.ts';
import { surveyTokenMailedTo, waitFor } from '../harness/mail-catcher.ts';

/**
 * Customers answer through a signed public link: a resolution opens a CSAT survey and e-mails its
 * link (through Directus's mail service, to the local SMTP catcher); the page and the answer work
 * without a login; tampered, expired and used links are refused with a friendly page and a 4xx.
 * Team members answer pulse surveys in Studio as themselves, once.
 */

const code = (result: { json?: Json | undefined }) => result.json?.errors?.[0]?.extensions?.['code'] as string | undefined;

async function tokenOf(user: StaffUser): Promise<string> {
  const token = await (user.client as unknown as { getToken(): Promise<string | null> }).getToken();
  if (!token) throw new Error('no token');
  return token;
}

const linkMailedTo = (address: string) => surveyTokenMailedTo(concord().mailDir, address);

let agent: StaffUser;
let email: string;
let caseId: number;
let surveyId: number;
let token: string;

beforeAll(async () => {
  agent = await createStaff('service', { label: 'survey.agent' });
  email = `buyer.${Date.now().toString(36)}@customer.example.com`;
  const customer = await rawAdmin<{ id: number }>('POST', '/items/cc_customers', { name: `问卷客户 ${Date.now()}`, contact_email: email });
  const [inquiry] = await rawAdmin<Array<{ id: number }>>('GET', '/items/cc_workflows?filter[key][_eq]=inquiry&fields=id');
  const created = await http('POST', '/items/cc_cases', { token: await tokenOf(agent), body: { title: '发票抬头如何修改', workflow: inquiry!.id, customer: customer.id } });
  caseId = (created.json!.data as { id: number }).id;
  const resolved = await http('POST', `/concord/cases/${caseId}/transitions`, { token: await tokenOf(agent), body: { to: 'answered', fields: { resolution_note: '已告知修改步骤' } } });
  expect(resolved.status).toBe(200);
  surveyId = (resolved.json!.data as { survey: number }).survey;
  token = await waitFor(() => linkMailedTo(email), 'the survey invitation');
});

describe('a resolution asks the customer', () => {
  it('opens one CSAT survey for the case and e-mails its link to the customer contact', async () => {
    expect(surveyId).toBeGreaterThan(0);
    const survey = await rawAdmin<{ kind: string; case: number; sent_at: string | null; expires_at: string }>('GET', `/items/cc_surveys/${surveyId}`);
    expect(survey).toMatchObject({ kind: 'csat', case: caseId });
    expect(survey.sent_at).not.toBeNull();
    expect(Date.parse(survey.expires_at) - Date.now()).toBeGreaterThan(13 * 86_400_000);
    expect(token.startsWith(`${surveyId}.`)).toBe(true);
  });

  it('serves a page in Chinese, or in English for an English browser, without a login', async () => {
    const zh = await fetch(`${concord().url}/concord/public/surveys/${token}`);
    expect(zh.status).toBe(200);
    expect(zh.headers.get('content-type')).toContain('text/html');
    const page = await zh.text();
    expect(page).toContain('发票抬头如何修改');
    expect(page).toContain('name="csat"');
    expect(page).toContain('name="nps"');
    const en = await (await fetch(`${concord().url}/concord/public/surveys/${token}`, { headers: { 'accept-language': 'en-GB,en;q=0.9' } })).text();
    expect(en).toContain('How did we do?');
  });

  it('refuses a tampered or expired link with a friendly page and a 4xx, and reaches nothing else', async () => {
    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const bad = await fetch(`${concord().url}/concord/public/surveys/${tampered}`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('此链接无效');
    const other = await fetch(`${concord().url}/concord/public/surveys/${surveyId + 1}.${token.split('.')[1]}.${token.split('.')[2]}`);
    expect(other.status).toBe(400);
    const expired = signSurveyToken(concord().secret, surveyId, new Date(Date.now() - 60_000));
    const old = await fetch(`${concord().url}/concord/public/surveys/${expired}`);
    expect(old.status).toBe(410);
    expect(await old.text()).toContain('已过期');
    const json = await http('POST', `/concord/public/surveys/${expired}`, { body: { csat: 5 } });
    expect([json.status, code(json)]).toEqual([410, 'SURVEY_LINK_EXPIRED']);
    expect((await http('GET', '/items/cc_cases', {})).status).toBe(403);
  });

  it('refuses answers out of range, and stores one answer credited to the resolving department', async () => {
    for (const body of [{ csat: 7 }, { csat: 0 }, { csat: 'great' }, { csat: 4, nps: 11 }, { csat: 4, comment: 'x'.repeat(2001) }, {}]) {
      const result = await http('POST', `/concord/public/surveys/${token}`, { body });
      expect([JSON.stringify(body), result.status, code(result)]).toEqual([JSON.stringify(body), 400, 'INVALID_PAYLOAD']);
    }
    expect(await rawAdmin<unknown[]>('GET', `/items/cc_survey_responses?filter[survey][_eq]=${surveyId}`)).toEqual([]);
    const [first, second] = await Promise.all([
      http('POST', `/concord/public/surveys/${token}`, { body: { csat: 4, nps: 9, comment: '很及时' } }),
      http('POST', `/concord/public/surveys/${token}`, { body: { csat: 2 } }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const stored = await rawAdmin<Array<{ csat: number; department: string; respondent: string | null }>>('GET', `/items/cc_survey_responses?filter[survey][_eq]=${surveyId}`);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ department: 'service', respondent: null });
    const used = await fetch(`${concord().url}/concord/public/surveys/${token}`);
    expect(used.status).toBe(409);
    expect(await used.text()).toContain('已经提交过');
  });

  it('takes the page form post and thanks the customer', async () => {
    const link = await http('POST', `/concord/surveys/${await secondSurvey()}/link`, { token: await tokenOf(agent) });
    expect(link.status).toBe(200);
    const { url, expires_at } = link.json!.data as { url: string; expires_at: string };
    expect(Date.parse(expires_at)).toBeGreaterThan(Date.now());
    const formToken = url.split('/').pop() as string;
    const invalid = await fetch(`${concord().url}/concord/public/surveys/${formToken}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'csat=9' });
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain('请选择 1 到 5 分');
    const posted = await fetch(`${concord().url}/concord/public/surveys/${formToken}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'csat=5&comment=%E5%BE%88%E5%A5%BD' });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toContain('感谢您的反馈');
  });

  it('gives a link by hand only to staff who can read the case', async () => {
    const outsider = await createStaff('finance', { label: 'survey.outsider' });
    const refused = await http('POST', `/concord/surveys/${surveyId}/link`, { token: await tokenOf(outsider) });
    expect([refused.status, code(refused)]).toEqual([404, 'NOT_FOUND']);
    const answered = await http('POST', `/concord/surveys/${surveyId}/link`, { token: await tokenOf(agent) });
    expect(code(answered)).toBe('SURVEY_ANSWERED');
  });
});

/** A second resolved case's survey (the first is answered by now). */
async function secondSurvey(): Promise<number> {
  const customer = await rawAdmin<{ id: number }>('POST', '/items/cc_customers', { name: `问卷客户二 ${Date.now()}` });
  const [inquiry] = await rawAdmin<Array<{ id: number }>>('GET', '/items/cc_workflows?filter[key][_eq]=inquiry&fields=id');
  const created = await http('POST', '/items/cc_cases', { token: await tokenOf(agent), body: { title: '合同续签咨询', workflow: inquiry!.id, customer: customer.id } });
  const id = (created.json!.data as { id: number }).id;
  // Through a generic update this time: the workflow hook takes the transition.
  const patched = await http('PATCH', `/items/cc_cases/${id}`, { token: await tokenOf(agent), body: { state: (await stateId('answered')), resolution_note: '已答复' } });
  expect(patched.status).toBe(200);
  const [survey] = await rawAdmin<Array<{ id: number }>>('GET', `/items/cc_surveys?filter[case][_eq]=${id}`);
  return survey!.id;
}

async function stateId(key: string): Promise<number> {
  const [inquiry] = await rawAdmin<Array<{ id: number }>>('GET', '/items/cc_workflows?filter[key][_eq]=inquiry&fields=id');
  const [state] = await rawAdmin<Array<{ id: number }>>('GET', `/items/cc_workflow_states?filter[workflow][_eq]=${inquiry!.id}&filter[key][_eq]=${key}&fields=id`);
  return state!.id;
}

describe('pulse surveys', () => {
  let team: number;
  let pulse: number;
  let member: StaffUser;
  let outsider: StaffUser;

  beforeAll(async () => {
    const [active] = await rawAdmin<Array<{ id: number }>>('GET', '/items/cc_teams?filter[status][_eq]=active&fields=id&sort=id&limit=1');
    team = active!.id;
    member = await createStaff('tech', { label: 'pulse.member' });
    outsider = await createStaff('tech', { label: 'pulse.outsider' });
    await rawAdmin('POST', '/items/cc_team_members', { team, user: member.id, role_in_team: 'backup' });
    pulse = (await rawAdmin<{ id: number }>('POST', '/items/cc_surveys', { kind: 'pulse', title: '团队脉搏 测试', team })).id;
  });

  it('records a member’s answer as theirs and their department’s, whatever the payload claims', async () => {
    const answered = await http('POST', '/items/cc_survey_responses', { token: await tokenOf(member), body: { survey: pulse, pulse: 4, comment: '协作顺畅' } });
    expect(answered.status).toBe(200);
    const [stored] = await rawAdmin<Array<{ respondent: string; department: string; pulse: number; csat: number | null }>>('GET', `/items/cc_survey_responses?filter[survey][_eq]=${pulse}`);
    expect(stored).toMatchObject({ respondent: member.id, department: 'tech', pulse: 4, csat: null });
    const forged = await http('POST', '/items/cc_survey_responses', { token: await tokenOf(outsider), body: { survey: pulse, pulse: 1, respondent: member.id, department: 'sales' } });
    expect(code(forged)).toBe('MANAGED_FIELD');
  });

  it('takes one answer per person, only from members of the team, in range', async () => {
    expect(code(await http('POST', '/items/cc_survey_responses', { token: await tokenOf(member), body: { survey: pulse, pulse: 5 } }))).toBe('SURVEY_ANSWERED');
    expect(code(await http('POST', '/items/cc_survey_responses', { token: await tokenOf(outsider), body: { survey: pulse, pulse: 5 } }))).toBe('NOT_TEAM_MEMBER');
    const other = await createStaff('tech', { label: 'pulse.other' });
    await rawAdmin('POST', '/items/cc_team_members', { team, user: other.id, role_in_team: 'backup' });
    expect(code(await http('POST', '/items/cc_survey_responses', { token: await tokenOf(other), body: { survey: pulse, pulse: 6 } }))).toBe('INVALID_PAYLOAD');
    expect(code(await http('POST', '/items/cc_survey_responses', { token: await tokenOf(other), body: [{ survey: pulse, pulse: 0 }] }))).toBe('INVALID_PAYLOAD');
    expect(await rawAdmin<unknown[]>('GET', `/items/cc_survey_responses?filter[survey][_eq]=${pulse}&filter[respondent][_eq]=${other.id}`)).toEqual([]);
  });

  it('does not let staff write a customer’s answer (that needs feedback.collect)', async () => {
    const result = await http('POST', '/items/cc_survey_responses', { token: await tokenOf(member), body: { survey: surveyId, csat: 5 } });
    expect(code(result)).toBe('MISSING_CAPABILITY');
  });
});
