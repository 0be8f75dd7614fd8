import type { Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { causeLine, describeDimensionFindings, rankFindings } from '../../src/diagnostics/dimension-findings.ts';
import { attendanceByMember, csatGroups, dueTaskFindings, lateTasks, memberLoads, pulseTrend, READ_ALL, reopensByResolver, type RowAccess } from '../../src/diagnostics/dimensions.ts';
import { describeFindings } from '../../src/diagnostics/findings.ts';
import { cyclePeriod, zoned } from '../../src/evaluation/period.ts';
import { at, disposeMetricsDatabase, insertWorkflow, metricsDatabase, STATE } from './evaluation-fixture.ts';

/**
 * The per-dimension diagnostics (issue 19 item 1) against a few hand-built rows in a real database:
 * late tasks, reopens, CSAT groups, member loads, attendance and the pulse trend. October 2026 in
 * Asia/Shanghai (22 working days: a capacity of 176 h at 8 h a day).
 */

const OCTOBER = cyclePeriod('monthly', '2026-10-01');
const P = zoned(OCTOBER, 'Asia/Shanghai');
const COMPANY: RowAccess = { scope: { kind: 'company' }, ...READ_ALL };
const SETTINGS = { workdayHours: 8, targets: { utilisation: 0.85 } };
const RESOLVE = 1;
const REOPEN = 2;

let db: Knex;

beforeEach(async () => {
  db = await metricsDatabase();
  await db('cc_departments').insert([
    { code: 'service', name_zh: '客服部', name_en: 'Service', sort: 1 },
    { code: 'tech', name_zh: '技术部', name_en: 'Tech', sort: 2 },
  ]);
  await insertWorkflow(db);
  await db('cc_workflow_transitions').insert([
    { id: RESOLVE, is_resolution: true },
    { id: REOPEN, is_reopen: true },
  ]);
  await db('directus_users').insert([
    { id: 'u1', cc_department: 'service', first_name: '伟', last_name: '张' },
    { id: 'u2', cc_department: 'service', first_name: '芳', last_name: '李' },
    { id: 'u3', cc_department: 'tech', first_name: '强', last_name: '王' },
  ]);
});

afterEach(async () => {
  await disposeMetricsDatabase(db);
});

async function addCase(id: number, customer: number | null = null): Promise<void> {
  await db('cc_cases').insert({ id, workflow: 1, team: 1, customer, opened_at: at('2026-09-01T09:00:00+08:00'), state: STATE.received });
}

async function event(caseId: number, when: string, department: string, toState: number, extra: { transition?: number; handoff?: boolean; override?: boolean } = {}): Promise<void> {
  await db('cc_case_events').insert({ case: caseId, to_state: toState, transition: extra.transition ?? null, actor_department: department, occurred_at: at(when), is_handoff: extra.handoff ?? false, is_override: extra.override ?? false });
}

describe('execution: late tasks by project and assignee', () => {
  const NOW = new Date('2026-10-20T12:00:00+08:00');

  beforeEach(async () => {
    await db('cc_projects').insert([
      { id: 1, name: 'Alpha', team: 1 },
      { id: 2, name: 'Beta', team: 1 },
    ]);
    await db('cc_tasks').insert([
      // u1: done 5 h late; not done, due 2 h before now; on time; due after now (not late yet).
      { id: 1, project: 1, assignee: 'u1', department: 'service', due_at: at('2026-10-05T09:00:00+08:00'), done_at: at('2026-10-05T14:00:00+08:00') },
      { id: 2, project: 1, assignee: 'u1', department: 'service', due_at: at('2026-10-20T10:00:00+08:00'), done_at: null },
      { id: 3, project: 1, assignee: 'u1', department: 'service', due_at: at('2026-10-06T09:00:00+08:00'), done_at: at('2026-10-06T08:00:00+08:00') },
      { id: 4, project: 1, assignee: 'u1', department: 'service', due_at: at('2026-10-25T09:00:00+08:00'), done_at: null },
      // u3 in tech: two late of two; a late task due in September is outside P.
      { id: 5, project: null, assignee: 'u3', department: 'tech', due_at: at('2026-10-07T09:00:00+08:00'), done_at: null },
      { id: 6, project: 1, assignee: 'u3', department: 'tech', due_at: at('2026-09-07T09:00:00+08:00'), done_at: null },
      { id: 7, project: null, assignee: 'u3', department: 'tech', due_at: at('2026-10-08T09:00:00+08:00'), done_at: at('2026-10-08T10:00:00+08:00') },
      // u2: two late of five, fewer than half: an ordinary month, not listed.
      { id: 8, project: 1, assignee: 'u2', department: 'service', due_at: at('2026-10-09T09:00:00+08:00'), done_at: at('2026-10-09T11:00:00+08:00') },
      { id: 9, project: 1, assignee: 'u2', department: 'service', due_at: at('2026-10-10T09:00:00+08:00'), done_at: at('2026-10-10T11:00:00+08:00') },
      ...[10, 11, 12].map((id) => ({ id, project: 1, assignee: 'u2', department: 'service', due_at: at(`2026-10-${id + 1}T09:00:00+08:00`), done_at: at(`2026-10-${id + 1}T08:00:00+08:00`) })),
      // u1 in a second project: one late of one, below MIN_LATE.
      { id: 13, project: 2, assignee: 'u1', department: 'service', due_at: at('2026-10-12T09:00:00+08:00'), done_at: at('2026-10-12T10:00:00+08:00') },
    ]);
  });

  it('lists a project and assignee with at least MIN_LATE late tasks (done after due, or open past due by now) making at least half of those due, with their late hours and ids', async () => {
    const found = await lateTasks(db, P, COMPANY, NOW);
    expect(found).toEqual([
      { project: null, assignee: 'u3', due: 2, late: 2, late_hours: 13 * 24 + 3 + 1, tasks: [5, 7] },
      { project: 1, assignee: 'u1', due: 4, late: 2, late_hours: 7, tasks: [1, 2] },
    ]);
  });

  it('keeps to the scope and to the tasks the viewer may read', async () => {
    expect((await lateTasks(db, P, { ...COMPANY, scope: { kind: 'department', key: 'tech' } }, NOW)).map((t) => t.assignee)).toEqual(['u3']);
    expect(await lateTasks(db, P, { ...COMPANY, tasks: { all: false, ids: [3, 4] } }, NOW)).toEqual([]);
    expect(await lateTasks(db, P, { ...COMPANY, tasks: { all: false, ids: [2] } }, NOW)).toEqual([]);
    // Counted over the tasks the viewer may read: two of u2's, both late, are a pattern to them.
    expect(await lateTasks(db, P, { ...COMPANY, tasks: { all: false, ids: [8, 9] } }, NOW)).toEqual([{ project: 1, assignee: 'u2', due: 2, late: 2, late_hours: 4, tasks: [8, 9] }]);
  });

  it('gives late tasks and member loads asked together what each gives alone, each by its own scope', async () => {
    // A tech task of u1 (service), open past due, with 300 h logged: tech's late task, service's load.
    await db('cc_tasks').insert({ id: 20, project: 2, assignee: 'u1', department: 'tech', due_at: at('2026-10-03T09:00:00+08:00'), done_at: null, logged_hours: 300 });
    await db('cc_team_members').insert({ team: 1, user: 'u1' });
    const scopes: RowAccess['scope'][] = [{ kind: 'company' }, { kind: 'department', key: 'service' }, { kind: 'department', key: 'tech' }, { kind: 'team', key: 1 }];
    for (const scope of scopes) {
      const access = { ...COMPANY, scope };
      expect(await dueTaskFindings(db, P, access, { now: NOW, settings: SETTINGS })).toEqual({ late: await lateTasks(db, P, access, NOW), loads: await memberLoads(db, P, access, SETTINGS) });
    }
    const of = (scope: RowAccess['scope']) => dueTaskFindings(db, P, { ...COMPANY, scope }, { now: NOW, settings: SETTINGS });
    const company = await of({ kind: 'company' });
    expect(company.late.find((g) => g.project === 2)).toMatchObject({ assignee: 'u1', due: 2, late: 2, tasks: [13, 20] });
    expect(company.loads.map((m) => [m.user, m.load, m.task_ids])).toContainEqual(['u1', 'over', [1, 2, 3, 4, 13, 20]]);
    const service = await of({ kind: 'department', key: 'service' });
    expect(service.late.flatMap((g) => g.tasks)).not.toContain(20);
    expect(service.loads.find((m) => m.user === 'u1')).toMatchObject({ load: 'over', logged_hours: 300 });
    const tech = await of({ kind: 'department', key: 'tech' });
    expect(tech.loads.map((m) => m.user)).not.toContain('u1');
  });
});

describe('execution: reopens by resolving department and state', () => {
  it('charges each reopen to the latest resolution before it, ignoring override rows', async () => {
    await addCase(1);
    await event(1, '2026-10-02T09:00:00+08:00', 'service', STATE.resolved, { transition: RESOLVE });
    await event(1, '2026-10-03T09:00:00+08:00', 'service', STATE.received, { transition: REOPEN });
    await event(1, '2026-10-04T09:00:00+08:00', 'tech', STATE.resolved, { transition: RESOLVE });
    await event(1, '2026-10-05T09:00:00+08:00', 'service', STATE.received, { transition: REOPEN });
    await addCase(2);
    await event(2, '2026-10-02T09:00:00+08:00', 'service', STATE.resolved, { transition: RESOLVE });
    await event(2, '2026-10-04T09:00:00+08:00', 'tech', STATE.resolved, { transition: RESOLVE, override: true });
    await event(2, '2026-10-06T09:00:00+08:00', 'service', STATE.received, { transition: REOPEN });
    // A reopen before P is not counted.
    await event(2, '2026-09-06T09:00:00+08:00', 'service', STATE.received, { transition: REOPEN });
    expect(await reopensByResolver(db, P, COMPANY)).toEqual([
      { department: 'service', state: STATE.resolved, reopens: 2, cases: [1, 2] },
      { department: 'tech', state: STATE.resolved, reopens: 1, cases: [1] },
    ]);
    expect(await reopensByResolver(db, P, { ...COMPANY, scope: { kind: 'department', key: 'tech' } })).toEqual([{ department: 'tech', state: STATE.resolved, reopens: 1, cases: [1] }]);
    // Case 2 is counted but never named to a viewer who cannot read it.
    expect((await reopensByResolver(db, P, { ...COMPANY, cases: { all: false, ids: [1] } }))[0]).toEqual({ department: 'service', state: STATE.resolved, reopens: 2, cases: [1] });
    // History the viewer may not read is neither a reopen nor a resolution to charge one to: without
    // the tech resolution of case 1 and the reopens of case 2, both reopens of case 1 go to service.
    const hidden = await db('cc_case_events').pluck('id').where((q) => q.where({ case: 1, actor_department: 'tech' }).orWhere({ case: 2, transition: REOPEN }));
    const readable = await db('cc_case_events').pluck('id').whereNotIn('id', hidden);
    expect(await reopensByResolver(db, P, { ...COMPANY, scope: { kind: 'department', key: 'service' }, events: { all: false, ids: readable } })).toEqual([
      { department: 'service', state: STATE.resolved, reopens: 2, cases: [1] },
    ]);
  });
});

describe('satisfaction: CSAT by handoff count, product and path', () => {
  beforeEach(async () => {
    await db('cc_products').insert([
      { id: 1, name: '云主机' },
      { id: 2, name: '对象存储' },
    ]);
    await db('cc_purchases').insert([
      { customer: 1, product: 1 },
      { customer: 1, product: 1 },
      { customer: 2, product: 2 },
    ]);
    // Cases 1–3 (customer 1) handed over 3 times, scoring 2, 2, 2; cases 4–7 (customer 2) never, scoring 4, 5, 4, 4.
    for (const id of [1, 2, 3]) {
      await addCase(id, 1);
      await event(id, '2026-10-02T09:00:00+08:00', 'service', STATE.escalated, { handoff: true });
      await event(id, '2026-10-03T09:00:00+08:00', 'tech', STATE.received, { handoff: true });
      await event(id, '2026-10-04T09:00:00+08:00', 'service', STATE.escalated, { handoff: true });
      // An override handoff is no handoff.
      await event(id, '2026-10-05T09:00:00+08:00', 'service', STATE.escalated, { handoff: true, override: true });
    }
    for (const id of [4, 5, 6, 7]) await addCase(id, 2);
    for (const [id, csat] of [[1, 2], [2, 2], [3, 2], [4, 4], [5, 5], [6, 4], [7, 4]] as const) {
      await db('cc_surveys').insert({ id, kind: 'csat', team: 1, case: id });
      await db('cc_survey_responses').insert({ id, survey: id, csat, department: 'service', responded_at: at('2026-10-20T09:00:00+08:00') });
    }
  });

  it('lists each group scoring at least half a point below the rest, with the cases behind it', async () => {
    const found = await csatGroups(db, P, COMPANY);
    expect(found.map((g) => [g.by, g.group, g.responses, g.mean, g.others_mean, g.cases])).toEqual(
      expect.arrayContaining([
        ['handoffs', 3, 3, 2, 4.25, [1, 2, 3]],
        ['product', 1, 3, 2, 4.25, [1, 2, 3]],
        ['path', ['tech', 'service', 'tech'], 3, 2, 4.25, [1, 2, 3]],
      ]),
    );
    expect(found).toHaveLength(3);
    const [zh] = describeDimensionFindings({ late_tasks: [], reopens: [], csat: found.filter((g) => g.by === 'handoffs'), loads: [], attendance: [], pulse: null, anomalies: [] }, { departments: new Map(), states: new Map() }, 'zh-CN');
    expect(zh?.title).toBe('转交 3 次及以上的事项满意度 2.0,其余 4.3');
    expect(zh?.impact).toEqual({ value: 2.25, unit: 'csat_points' });
  });

  it('counts only the responses the viewer may read, and needs 3 on each side', async () => {
    expect(await csatGroups(db, P, { ...COMPANY, responses: { all: false, ids: [1, 2, 4, 5, 6, 7] } })).toEqual([]);
    expect(await csatGroups(db, P, { ...COMPANY, scope: { kind: 'department', key: 'tech' } })).toEqual([]);
  });
});

describe('utilisation: members over and under capacity', () => {
  it('compares each member\'s logged hours with workday hours × working days of P', async () => {
    await db('cc_tasks').insert([
      { id: 1, assignee: 'u1', department: 'service', due_at: at('2026-10-05T09:00:00+08:00'), logged_hours: 120 },
      { id: 2, assignee: 'u1', department: 'service', due_at: at('2026-10-06T09:00:00+08:00'), logged_hours: 80 },
      { id: 3, assignee: 'u2', department: 'service', due_at: at('2026-10-06T09:00:00+08:00'), logged_hours: 10 },
      { id: 4, assignee: 'u3', department: 'tech', due_at: at('2026-10-06T09:00:00+08:00'), logged_hours: 100 },
      { id: 5, assignee: 'u3', department: 'tech', due_at: at('2026-11-06T09:00:00+08:00'), logged_hours: 300 },
    ]);
    const found = await memberLoads(db, P, COMPANY, SETTINGS);
    expect(found.map((m) => [m.user, m.load, m.logged_hours, m.capacity_hours, Math.round(m.excess_hours * 10) / 10, m.task_ids])).toEqual([
      ['u1', 'over', 200, 176, 24, [1, 2]],
      ['u2', 'under', 10, 176, 139.6, [3]],
    ]);
    expect((await memberLoads(db, P, { ...COMPANY, scope: { kind: 'department', key: 'tech' } }, SETTINGS)).map((m) => m.user)).toEqual([]);
    // Over capacity only by tasks the viewer cannot read: not listed.
    expect((await memberLoads(db, P, { ...COMPANY, tasks: { all: false, ids: [1] } }, SETTINGS)).map((m) => [m.user, m.load])).toEqual([]);
  });
});

describe('cohesion: attendance by member and pulse trend', () => {
  it('lists members who missed 2 or more meetings and attended fewer than half', async () => {
    await db('cc_meetings').insert([
      { id: 1, team: 1, starts_at: at('2026-10-05T09:00:00+08:00') },
      { id: 2, team: 1, starts_at: at('2026-10-12T09:00:00+08:00') },
      { id: 3, team: 2, starts_at: at('2026-10-19T09:00:00+08:00') },
      { id: 4, team: 1, starts_at: at('2026-09-19T09:00:00+08:00') },
    ]);
    const rowsOf = (user: string, attended: boolean[]) => attended.map((a, i) => ({ meeting: i + 1, user, attended: a }));
    await db('cc_meeting_participants').insert([...rowsOf('u1', [false, false, false, false]), ...rowsOf('u2', [true, true, false]), ...rowsOf('u3', [false, false])]);
    expect(await attendanceByMember(db, P, COMPANY)).toEqual([
      { user: 'u1', invitations: 3, attended: 0, missed: 3 },
      { user: 'u3', invitations: 2, attended: 0, missed: 2 },
    ]);
    expect((await attendanceByMember(db, P, { ...COMPANY, scope: { kind: 'department', key: 'tech' } })).map((a) => a.user)).toEqual(['u3']);
    expect((await attendanceByMember(db, P, { ...COMPANY, scope: { kind: 'team', key: 2 } })).map((a) => a.user)).toEqual([]);
  });

  it('reports a pulse that fell 10 points or more against the period just before', async () => {
    await db('cc_surveys').insert({ id: 1, kind: 'pulse', team: 1 });
    const pulse = (score: number, when: string) => ({ survey: 1, pulse: score, department: 'service', responded_at: at(when) });
    await db('cc_survey_responses').insert([
      pulse(5, '2026-09-05T09:00:00+08:00'),
      pulse(5, '2026-09-06T09:00:00+08:00'),
      pulse(4, '2026-09-07T09:00:00+08:00'),
      pulse(3, '2026-10-05T09:00:00+08:00'),
      pulse(3, '2026-10-06T09:00:00+08:00'),
      pulse(3, '2026-10-07T09:00:00+08:00'),
    ]);
    const trend = await pulseTrend(db, P, COMPANY, 'Asia/Shanghai');
    expect(trend?.previous).toMatchObject({ starts_on: '2026-09-01', responses: 3 });
    expect(trend?.drop).toBeCloseTo(100 * (14 / 3 - 1) / 4 - 50, 6);
    expect(await pulseTrend(db, P, { ...COMPANY, scope: { kind: 'department', key: 'tech' } }, 'Asia/Shanghai')).toBeNull();
    expect(await pulseTrend(db, P, { ...COMPANY, responses: { all: false, ids: [1, 2, 4, 5, 6] } }, 'Asia/Shanghai')).toBeNull();
  });
});

describe('findings per dimension', () => {
  const names = {
    departments: new Map([
      ['sales', { name_zh: '销售部', name_en: 'Sales' }],
      ['service', { name_zh: '客服部', name_en: 'Service' }],
    ]),
    states: new Map([[STATE.received, { name_zh: '已受理', name_en: 'Received', response_sla_hours: 4 }]]),
    people: new Map([['u1', '张伟']]),
    projects: new Map([[1, 'Alpha']]),
  };

  it('ranks by dimension, then direct causes before anomalies, then impact; the cause line joins the lead with the bounced cases', () => {
    const slow = { from_department: 'sales', to_department: 'service', to_state: STATE.received, handoffs: 30, median_response_hours: 45, p90_response_hours: 60, within_sla_share: 0.1, excess_hours: 1230, cases: [3] };
    const communication = describeFindings([slow], Array.from({ length: 12 }, (_, i) => ({ case: 100 + i, departments: ['sales', 'service', 'sales', 'service'], bounces: 1 })), names, 'zh-CN');
    const others = describeDimensionFindings(
      {
        late_tasks: [{ project: 1, assignee: 'u1', due: 5, late: 3, late_hours: 30, tasks: [7, 8, 9] }],
        reopens: [],
        csat: [],
        loads: [{ user: 'u1', tasks: 2, logged_hours: 200, capacity_hours: 176, utilisation: 200 / 176, load: 'over', excess_hours: 24, task_ids: [1, 2] }],
        attendance: [],
        pulse: null,
        anomalies: [{ period_kind: 'monthly', scope_kind: 'department', scope: 'service', dimension: 'communication', value: 60, baseline: 80, deviation: -4 }],
      },
      names,
      'zh-CN',
    );
    const ranked = rankFindings([...others, ...communication]);
    expect(ranked.map((f) => [f.dimension, f.kind])).toEqual([
      ['communication', 'bottleneck'],
      ...Array.from({ length: 12 }, () => ['communication', 'ping_pong']),
      ['communication', 'anomaly'],
      ['execution', 'late_tasks'],
      ['utilisation', 'over_capacity'],
    ]);
    expect(causeLine(ranked.filter((f) => f.dimension === 'communication'), 'zh-CN')).toBe('销售部→客服部 交接超时 41 小时,12 个事项来回转交');
    const late = ranked.find((f) => f.kind === 'late_tasks');
    expect(late).toMatchObject({ title: '张伟 在「Alpha」有 3 个任务逾期', impact: { value: 3, unit: 'tasks' }, evidence: { cases: [], tasks: [7, 8, 9], people: ['u1'] } });
    expect(ranked.find((f) => f.kind === 'over_capacity')?.title).toBe('张伟 超负荷 24 小时');
    expect(causeLine([], 'en-US')).toBeNull();
  });
});

describe('early warning text', () => {
  it('says how long the case has waited, how often this state ran over, and the chance it breaches, with the title as text', async () => {
    const { warningNotice } = await import('../../src/diagnostics/early-warning.ts');
    const c = { case: 12, title: '<b>主板</b>故障', state_name: '已升级技术部', state_name_en: 'Escalated', hours_in_state: 5, sla_hours: 8, comparable: 50, over_sla: 39, breach_probability: 0.8 };
    const zh = warningNotice('zh-CN', c, new Date('2026-12-03T08:00:00Z'));
    expect(zh.subject).toBe('事项 #12 可能超时:<b>主板</b>故障');
    expect(zh.message).toContain('进入「已升级技术部」已 5 小时;过去 90 天这一状态的交接有 78% 超过 8 小时时限。');
    expect(zh.message).toContain('它有 80% 的可能超时(时限至 2026-12-03 08:00 UTC)');
    expect(zh.message).not.toMatch(/(^|[^\\])</);
    expect(warningNotice('en-US', c, new Date('2026-12-03T08:00:00Z')).message).toContain('"Escalated" for 5 h; in the past 90 days 78% of handoffs');
  });
});
