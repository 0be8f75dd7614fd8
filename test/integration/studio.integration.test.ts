import { beforeAll, describe, expect, it } from 'vitest';
import '../../src/errors.ts';
import { refusalCodes } from '../../src/i18n/refusals.ts';
import { ROLE_IDS } from '../../src/access/model.ts';
import { DASHBOARDS } from '../../src/insights/dashboards.ts';
import { BOOKMARKS } from '../../src/studio/landing.ts';
import { concord, createStaff, http, rawAdmin, tokenOf, type StaffUser } from '../harness/concord.ts';

/**
 * Issue 10, on the server: refusals in the caller's language on every path, notifications in each
 * recipient's language, the project settings Studio reads, customer.manage, where new staff land,
 * the composition preview, the transitions a case offers, and workflow definitions checked on save.
 */

const TAG = `studio-${Date.now().toString(36)}`;
const concordAdmin = () => concord().adminToken;
let complaint: number;
const state: Record<string, number> = {};

async function newTeam(members: Array<StaffUser>, status = 'forming'): Promise<number> {
  const team = await rawAdmin<{ id: number }>('POST', '/items/cc_teams', {
    name: `${TAG} team ${Math.random().toString(36).slice(2, 7)}`,
    status,
    members: members.map((m) => ({ user: m.id, role_in_team: 'representative' })),
  });
  return team.id;
}

async function newCase(actor: StaffUser, team: number | null, fields: Record<string, unknown> = {}): Promise<number> {
  const customer = await rawAdmin<{ id: number }>('POST', '/items/cc_customers', { name: `${TAG} 客户` });
  const created = await http('POST', '/items/cc_cases', { token: await tokenOf(actor), body: { title: `${TAG} 投诉`, workflow: complaint, customer: customer.id, team, ...fields } });
  expect(created.status, created.text).toBe(200);
  return (created.json?.data as { id: number }).id;
}

beforeAll(async () => {
  const [workflow] = await rawAdmin<Array<{ id: number }>>('GET', '/items/cc_workflows?filter[key][_eq]=complaint&fields=id');
  complaint = workflow!.id;
  for (const s of await rawAdmin<Array<{ id: number; key: string }>>('GET', `/items/cc_workflow_states?filter[workflow][_eq]=${complaint}&fields=id,key&limit=-1`)) state[s.key] = s.id;
});

describe('refusals in the caller’s language', () => {
  let chinese: StaffUser;
  let english: StaffUser;
  let team: number;
  let englishTeam: number;
  let chineseLead: StaffUser;
  let englishLead: StaffUser;
  let chineseBuilder: StaffUser;
  let englishBuilder: StaffUser;

  beforeAll(async () => {
    chinese = await createStaff('sales', { label: 'zh-caller' });
    english = await createStaff('sales', { label: 'en-caller' });
    await rawAdmin('PATCH', `/users/${english.id}`, { language: 'en-US' });
    // Sales members leading the two teams; the activation below is HR's.
    chineseLead = await createStaff('sales', { label: 'zh-lead', manager: true });
    englishLead = await createStaff('sales', { label: 'en-lead', manager: true });
    await rawAdmin('PATCH', `/users/${englishLead.id}`, { language: 'en-US' });
    team = await newTeam([chineseLead, englishLead]);
    englishTeam = await newTeam([chineseLead, englishLead]);
    await rawAdmin('PATCH', `/items/cc_teams/${team}`, { lead: chineseLead.id });
    await rawAdmin('PATCH', `/items/cc_teams/${englishTeam}`, { lead: englishLead.id });
    // A team's status is HR's (team.build) to change, not its lead's.
    chineseBuilder = await createStaff('hr', { label: 'zh-builder' });
    englishBuilder = await createStaff('hr', { label: 'en-builder' });
    await rawAdmin('PATCH', `/users/${englishBuilder.id}`, { language: 'en-US' });
  });

  it('answers a person without a language of their own in the project’s (Chinese), and an English user in English, with the same code', async () => {
    const body = { status: 'active' };
    const zh = await http('PATCH', `/items/cc_teams/${team}`, { token: await tokenOf(chineseBuilder), body });
    const en = await http('PATCH', `/items/cc_teams/${englishTeam}`, { token: await tokenOf(englishBuilder), body });
    for (const result of [zh, en]) {
      expect(result.status).toBe(422);
      expect(result.json?.errors?.[0]?.extensions?.['code']).toBe('COMPOSITION_BELOW_MINIMUM');
    }
    expect(zh.json?.errors?.[0]?.message).toMatch(/^团队「.+」还不能启用:市场部现有 0 人,最少需要 2 人;客服部现有 0 人/);
    expect(zh.json?.errors?.[0]?.message).not.toContain('销售部');
    expect(zh.json?.errors?.[0]?.message).toContain('请先从这些部门补充成员,或让团队保持“组建中”。');
    expect(en.json?.errors?.[0]?.message).toMatch(/^Team ".+" cannot be active: Marketing has 0 of the minimum 2 representatives; Customer service has 0/);
    expect(en.json?.errors?.[0]?.message).toContain('keep the team forming.');
  });

  it('speaks Chinese on the endpoint, the batch and GraphQL paths alike, naming fields by their labels', async () => {
    const agent = await createStaff('service', { label: 'zh-agent' });
    const caseId = await newCase(agent, null);
    await http('POST', `/concord/cases/${caseId}/transitions`, { token: await tokenOf(agent), body: { to: 'investigating' } });
    const viaEndpoint = await http('POST', `/concord/cases/${caseId}/transitions`, { token: await tokenOf(agent), body: { to: 'resolved' } });
    const viaBatch = await http('PATCH', '/items/cc_cases', { token: await tokenOf(agent), body: { keys: [caseId], data: { state: state['resolved'] } } });
    const viaGraphql = await http('POST', '/graphql', {
      token: await tokenOf(agent),
      body: { query: `mutation { update_cc_cases_item(id: ${caseId}, data: { state: ${state['resolved']} }) { id } }` },
    });
    for (const result of [viaEndpoint, viaBatch, viaGraphql]) {
      const error = result.json?.errors?.[0];
      expect(error?.extensions?.['code']).toBe('MISSING_FIELDS');
      expect(error?.extensions?.['fields']).toEqual(['resolution_note']);
      expect(error?.message).toBe('执行此转换前请先填写:「解决说明」。');
    }
  });

  it('leaves Directus’s own errors as Directus words them', async () => {
    const result = await http('GET', '/items/cc_budgets', { token: await tokenOf(chinese) });
    expect(result.json?.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect(result.json?.errors?.[0]?.message).toMatch(/permission/i);
  });

  it('answers callers who are not signed in in the project’s language', async () => {
    const result = await http('GET', '/concord/public/surveys/not-a-token');
    expect(result.status).toBe(400);
    // Routes for signed-in people turn anyone else away before reading their request.
    const anonymous = await http('POST', '/concord/cases/abc/transitions', { body: { to: 1 } });
    expect([anonymous.status, anonymous.json?.errors?.[0]?.extensions?.['code']]).toEqual([403, 'FORBIDDEN']);
    const json = await http('POST', '/concord/public/surveys/not-a-token', { body: { csat: 5 } });
    expect(json.json?.errors?.[0]?.extensions?.['code']).toBe('INVALID_SURVEY_LINK');
    expect(json.json?.errors?.[0]?.message).toBe('此链接无效。请使用邮件中的完整链接,或联系我们获取新的链接。');
  });
});

describe('what Studio reads from the project', () => {
  it('speaks Chinese by default, has an owner, and lists the authority matrix module', async () => {
    const settings = await rawAdmin<{ default_language: string; project_owner: string | null; module_bar: Array<{ id: string; enabled: boolean }> }>(
      'GET',
      '/settings?fields=default_language,project_owner,module_bar',
    );
    expect(settings.default_language).toBe('zh-CN');
    expect(settings.project_owner).toMatch(/@/);
    expect(settings.module_bar.find((m) => m.id === 'concord-matrix')).toMatchObject({ enabled: true });
  });

  it('titles every refusal in both languages, for Studio’s error dialogs', async () => {
    const rows = await rawAdmin<Array<{ key: string; language: string; value: string }>>('GET', '/translations?filter[key][_starts_with]=errors.&limit=-1&fields=key,language,value');
    for (const code of refusalCodes()) {
      for (const language of ['zh-CN', 'en-US']) expect(rows.some((r) => r.key === `errors.${code}` && r.language === language && r.value.length > 0), `${code} ${language}`).toBe(true);
    }
    expect(rows.find((r) => r.key === 'errors.COMPOSITION_BELOW_MINIMUM' && r.language === 'zh-CN')?.value).toBe('团队人数未达组建要求');
  });
});

describe('handoff notifications', () => {
  it('tell each recipient in their own language which department now owns the case', async () => {
    const agent = await createStaff('service', { label: 'handoff-agent' });
    const techZh = await createStaff('tech', { label: 'handoff-tech-zh' });
    const techEn = await createStaff('tech', { label: 'handoff-tech-en' });
    await rawAdmin('PATCH', `/users/${techEn.id}`, { language: 'en-US' });
    const team = await newTeam([agent, techZh, techEn]);
    const caseId = await newCase(agent, team, { description: '设备间歇性断电' });
    const token = await tokenOf(agent);
    expect((await http('POST', `/concord/cases/${caseId}/transitions`, { token, body: { to: 'investigating' } })).status).toBe(200);
    expect((await http('POST', `/concord/cases/${caseId}/transitions`, { token, body: { to: 'escalated' } })).status).toBe(200);
    const subjectFor = async (user: StaffUser) =>
      (await rawAdmin<Array<{ subject: string; message: string }>>('GET', `/notifications?filter[recipient][_eq]=${user.id}&filter[item][_eq]=${caseId}&fields=subject,message`))[0];
    expect((await subjectFor(techZh))?.subject).toBe(`事项 #${caseId} 已转交技术部:${TAG} 投诉`);
    expect((await subjectFor(techZh))?.message).toBe(`「${TAG} 投诉」经「升级至技术部」进入「已升级技术部」,现由技术部负责。`);
    expect((await subjectFor(techEn))?.subject).toBe(`Case #${caseId} handed over to Technology: ${TAG} 投诉`);
  });
});

describe('the transitions a case offers', () => {
  it('name departments and capabilities in both languages', async () => {
    const agent = await createStaff('service', { label: 'offer-agent' });
    const caseId = await newCase(agent, null);
    const offered = await http('GET', `/concord/cases/${caseId}/transitions`, { token: await tokenOf(agent) });
    const data = offered.json?.data as { state: { owner_name: Record<string, string> }; transitions: Array<{ to: { key: string; owner_name: Record<string, string> }; capability_name: Record<string, string> }> };
    expect(data.state.owner_name).toEqual({ 'zh-CN': '客服部', 'en-US': 'Customer service' });
    expect(data.transitions.find((t) => t.to.key === 'investigating')?.capability_name).toEqual({ 'zh-CN': '处理客户投诉', 'en-US': 'Handle customer complaints' });
  });
});

describe('customers', () => {
  it('are created and edited by sales (customer.manage), read by everyone else', async () => {
    const sales = await createStaff('sales', { label: 'cust-sales' });
    const service = await createStaff('service', { label: 'cust-service' });
    const created = await http('POST', '/items/cc_customers', { token: await tokenOf(sales), body: { name: `${TAG} 新客户`, tier: 'key', contact_phone: '13800000000' } });
    expect(created.status, created.text).toBe(200);
    const id = (created.json?.data as { id: number }).id;
    expect((await http('PATCH', `/items/cc_customers/${id}`, { token: await tokenOf(sales), body: { region: '华东' } })).status).toBe(200);

    const refusedCreate = await http('POST', '/items/cc_customers', { token: await tokenOf(service), body: { name: `${TAG} 不该有` } });
    expect(refusedCreate.status).toBe(403);
    expect((await http('PATCH', `/items/cc_customers/${id}`, { token: await tokenOf(service), body: { region: '华北' } })).status).toBe(403);
    const read = await http('GET', `/items/cc_customers/${id}?fields=name,region`, { token: await tokenOf(service) });
    expect(read.json?.data).toEqual({ name: `${TAG} 新客户`, region: '华东' });
  });
});

describe('where new staff land in Studio', () => {
  it('is their department’s open cases when it owns a workflow step, else their open tasks, unless set otherwise', async () => {
    const service = await createStaff('service', { label: 'land-service' });
    const hr = await createStaff('hr', { label: 'land-hr' });
    const pageOf = async (id: string) => (await rawAdmin<{ last_page: string | null }>('GET', `/users/${id}?fields=last_page`)).last_page;
    expect(await pageOf(service.id)).toBe(`/content/cc_cases?bookmark=${BOOKMARKS.myDepartmentOpenCases}`);
    expect(await pageOf(hr.id)).toBe(`/content/cc_tasks?bookmark=${BOOKMARKS.myTasks}`);
    const chosen = await rawAdmin<{ id: string }>('POST', '/users', { email: `${TAG}.chosen@example.com`, cc_department: 'sales', last_page: '/insights' });
    expect(await pageOf(chosen.id)).toBe('/insights');
    // An executive belongs to no department and lands on 协同总览.
    const executive = await rawAdmin<{ id: string }>('POST', '/users', { email: `${TAG}.exec@example.com`, role: ROLE_IDS.executive });
    expect(await pageOf(executive.id)).toBe(`/insights/${DASHBOARDS.find((d) => d.name.startsWith('协同总览'))!.id}`);
  });
});

describe('POST /concord/teams/composition/preview', () => {
  it('counts staged additions and removals, for a saved team and for one not saved yet', async () => {
    const lead = await createStaff('sales', { label: 'preview-lead' });
    const marketing = await Promise.all([createStaff('marketing', { label: 'pv-m1' }), createStaff('marketing', { label: 'pv-m2' })]);
    const token = await tokenOf(lead);
    type Preview = { lines: Array<{ department: string; members: number; shortfall: number }>; satisfied: boolean };
    const line = (preview: Preview, department: string) => preview.lines.find((l) => l.department === department);

    const unsaved = await http('POST', '/concord/teams/composition/preview', { token, body: { team: null, members: { create: marketing.map((m) => ({ user: m.id, role_in_team: 'representative' })), update: [], delete: [] } } });
    expect(unsaved.status, unsaved.text).toBe(200);
    expect(line(unsaved.json?.data as Preview, 'marketing')).toMatchObject({ members: 2, shortfall: 0 });
    expect((unsaved.json?.data as Preview).satisfied).toBe(false);

    const team = await newTeam([marketing[0]!, lead]);
    const [row] = await rawAdmin<Array<{ id: number }>>('GET', `/items/cc_team_members?filter[team][_eq]=${team}&filter[user][_eq]=${marketing[0]!.id}&fields=id`);
    const staged = await http('POST', '/concord/teams/composition/preview', { token, body: { team, members: { create: [{ user: marketing[1]!.id }], update: [], delete: [row!.id] } } });
    expect(line(staged.json?.data as Preview, 'marketing')?.members).toBe(1);
    expect(line(staged.json?.data as Preview, 'sales')?.members).toBe(1);
  });

  it('refuses what it cannot read, with the usual codes', async () => {
    const person = await createStaff('sales', { label: 'preview-bad' });
    const token = await tokenOf(person);
    expect((await http('POST', '/concord/teams/composition/preview', { body: { team: null } })).status).toBe(403);
    const bad = await http('POST', '/concord/teams/composition/preview', { token, body: { team: null, members: 'everyone' } });
    expect(bad.json?.errors?.[0]?.extensions?.['code']).toBe('INVALID_PAYLOAD');
    const missing = await http('POST', '/concord/teams/composition/preview', { token, body: { team: 999999 } });
    expect(missing.json?.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });
});

describe('workflow definitions are checked when saved', () => {
  async function newWorkflow(): Promise<{ id: number; states: Record<string, number> }> {
    const workflow = await rawAdmin<{ id: number }>('POST', '/items/cc_workflows', { key: `${TAG}-${Math.random().toString(36).slice(2, 7)}`, name_zh: `${TAG} 流程`, case_type: 'inquiry' });
    const states: Record<string, number> = {};
    for (const [key, extra] of [
      ['open', { is_initial: true }],
      ['done', { is_terminal: true }],
    ] as const) {
      states[key] = (await rawAdmin<{ id: number }>('POST', '/items/cc_workflow_states', { workflow: workflow.id, key, name_zh: key, owner_department: 'service', ...extra })).id;
    }
    return { id: workflow.id, states };
  }

  it('refuses a second initial state, on single, nested and batch writes, and changes nothing', async () => {
    const workflow = await newWorkflow();
    const single = await http('POST', '/items/cc_workflow_states', { token: concordAdmin(), body: { workflow: workflow.id, key: 'again', name_zh: '又一个开始', owner_department: 'service', is_initial: true } });
    expect(single.json?.errors?.[0]?.extensions?.['code']).toBe('INVALID_WORKFLOW');
    expect(single.json?.errors?.[0]?.message).toContain('有 2 个初始状态(只能有一个)');
    const nested = await http('PATCH', `/items/cc_workflows/${workflow.id}`, { token: concordAdmin(), body: { states: { create: [], update: [{ id: workflow.states['done'], is_initial: true }], delete: [] } } });
    expect(nested.json?.errors?.[0]?.extensions?.['code']).toBe('INVALID_WORKFLOW');
    const batch = await http('PATCH', '/items/cc_workflow_states', { token: concordAdmin(), body: { keys: [workflow.states['done']], data: { is_initial: true } } });
    expect(batch.json?.errors?.[0]?.extensions?.['code']).toBe('INVALID_WORKFLOW');
    const states = await rawAdmin<Array<{ key: string; is_initial: boolean }>>('GET', `/items/cc_workflow_states?filter[workflow][_eq]=${workflow.id}&fields=key,is_initial&sort=id`);
    expect(states).toEqual([
      { key: 'open', is_initial: true },
      { key: 'done', is_initial: false },
    ]);
  });

  it('lets a workflow nobody uses be built step by step, but opens no case with it until it is complete', async () => {
    const workflow = await rawAdmin<{ id: number }>('POST', '/items/cc_workflows', { key: `${TAG}-draft`, name_zh: `${TAG} 草稿流程`, case_type: 'inquiry' });
    await rawAdmin('POST', '/items/cc_workflow_states', { workflow: workflow.id, key: 'open', name_zh: '开始', owner_department: 'service', is_initial: true });
    const agent = await createStaff('service', { label: 'draft-agent' });
    const customer = await rawAdmin<{ id: number }>('POST', '/items/cc_customers', { name: `${TAG} 草稿客户` });
    const refused = await http('POST', '/items/cc_cases', { token: await tokenOf(agent), body: { title: `${TAG} 草稿`, workflow: workflow.id, customer: customer.id } });
    expect(refused.json?.errors?.[0]?.extensions?.['code']).toBe('INVALID_WORKFLOW');
    expect(refused.json?.errors?.[0]?.message).toBe(`流程「${TAG} 草稿流程」的定义有误:没有终止状态(至少需要一个)。请管理员完善这个流程后,再用它登记事项。`);
  });

  it('keeps a workflow in use complete: its only terminal state stays terminal and is not deleted', async () => {
    const workflow = await newWorkflow();
    const agent = await createStaff('service', { label: 'inuse-agent' });
    const customer = await rawAdmin<{ id: number }>('POST', '/items/cc_customers', { name: `${TAG} 在用客户` });
    expect((await http('POST', '/items/cc_cases', { token: await tokenOf(agent), body: { title: `${TAG} 在用`, workflow: workflow.id, customer: customer.id } })).status).toBe(200);
    const unset = await http('PATCH', `/items/cc_workflow_states/${workflow.states['done']}`, { token: concordAdmin(), body: { is_terminal: false } });
    expect(unset.json?.errors?.[0]?.extensions?.['code']).toBe('INVALID_WORKFLOW');
    expect(unset.json?.errors?.[0]?.message).toContain('已有事项在使用这个流程');
    const removed = await http('DELETE', `/items/cc_workflow_states/${workflow.states['done']}`, { token: concordAdmin() });
    expect(removed.json?.errors?.[0]?.extensions?.['code']).toBe('INVALID_WORKFLOW');
    expect((await rawAdmin<{ is_terminal: boolean }>('GET', `/items/cc_workflow_states/${workflow.states['done']}?fields=is_terminal`)).is_terminal).toBe(true);
  });

  it('refuses a transition to a state of another workflow, or requiring what is not a case field', async () => {
    const workflow = await newWorkflow();
    const other = await newWorkflow();
    const foreign = await http('POST', '/items/cc_workflow_transitions', {
      token: concordAdmin(),
      body: { workflow: workflow.id, from_state: workflow.states['open'], to_state: other.states['done'], name_zh: '跨流程', capability: 'inquiry.receive' },
    });
    expect(foreign.json?.errors?.[0]?.extensions?.['code']).toBe('INVALID_WORKFLOW');
    expect(foreign.json?.errors?.[0]?.message).toContain('转换「跨流程」用到的状态「done」属于另一个流程');
    const unknownField = await http('POST', '/items/cc_workflow_transitions', {
      token: concordAdmin(),
      body: { workflow: workflow.id, from_state: workflow.states['open'], to_state: workflow.states['done'], name_zh: '关闭', capability: 'inquiry.receive', required_fields: ['resolution_note', 'colour'] },
    });
    expect(unknownField.json?.errors?.[0]?.message).toContain('必填字段「colour」不是客户事项的字段');
    const managed = await http('POST', '/items/cc_workflow_transitions', {
      token: concordAdmin(),
      body: { workflow: workflow.id, from_state: workflow.states['open'], to_state: workflow.states['done'], name_zh: '关闭', capability: 'inquiry.receive', required_fields: ['resolved_at'] },
    });
    expect(managed.json?.errors?.[0]?.extensions?.['code']).toBe('INVALID_WORKFLOW');
  });

  it('lets a transition require any real case field, and then asks for it by its label', async () => {
    const workflow = await newWorkflow();
    const created = await http('POST', '/items/cc_workflow_transitions', {
      token: concordAdmin(),
      body: { workflow: workflow.id, from_state: workflow.states['open'], to_state: workflow.states['done'], name_zh: '关闭', capability: 'inquiry.receive', required_fields: ['team'] },
    });
    expect(created.status, created.text).toBe(200);
    const agent = await createStaff('service', { label: 'team-required' });
    const customer = await rawAdmin<{ id: number }>('POST', '/items/cc_customers', { name: `${TAG} 字段客户` });
    const caseRow = await http('POST', '/items/cc_cases', { token: await tokenOf(agent), body: { title: `${TAG} 无团队`, workflow: workflow.id, customer: customer.id } });
    const id = (caseRow.json?.data as { id: number }).id;
    const refused = await http('POST', `/concord/cases/${id}/transitions`, { token: await tokenOf(agent), body: { to: 'done' } });
    expect(refused.json?.errors?.[0]?.extensions?.['fields']).toEqual(['team']);
    expect(refused.json?.errors?.[0]?.message).toBe('执行此转换前请先填写:「团队」。');
  });
});
