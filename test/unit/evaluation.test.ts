import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex, { type Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteReader } from '../../src/directus/read-lanes.ts';
import { evaluatePeriod, overallResult, type ScoreRow } from '../../src/evaluation/evaluate.ts';
import { refreshHistoryFacts } from '../../src/workflows/history-facts.ts';
import { cyclePeriod } from '../../src/evaluation/period.ts';
import { DEFAULT_TARGETS, type EvaluationSettings, type Weights } from '../../src/evaluation/settings.ts';
import { at, day, disposeMetricsDatabase, insertWorkflow, STATE, hours, metricsDatabase } from './evaluation-fixture.ts';

/**
 * Each formula of metrics.md against a few hand-built rows in a real (in-memory SQLite) database,
 * so the SQL that aggregates them is what is tested. October 2026, company time zone Asia/Shanghai:
 * P = [2026-09-30T16:00Z, 2026-10-31T16:00Z).
 */

const SETTINGS: EvaluationSettings = { timeZone: 'Asia/Shanghai', workdayHours: 8, targets: { ...DEFAULT_TARGETS } };
const EQUAL: Weights = { communication: 1, execution: 1, satisfaction: 1, utilisation: 1, cohesion: 1 };
const OCTOBER = cyclePeriod('monthly', '2026-10-01');

let db: Knex;

/** Workflow 1 (resolution SLA 48 h): received (service, 4 h) → escalated (tech, 8 h) → resolved (service, no SLA) → closed (terminal). */
const TRANSITION = { resolve: 10, reopen: 11, other: 12 };

beforeEach(async () => {
  db = await metricsDatabase();
  await db('cc_departments').insert([
    { code: 'service', name_zh: '客服部', sort: 1 },
    { code: 'tech', name_zh: '技术部', sort: 2 },
    { code: 'sales', name_zh: '销售部', sort: 3 },
    { code: 'hr', name_zh: '人力资源部', sort: 4 },
  ]);
  await db('directus_users').insert([
    { id: 's1', cc_department: 'service', status: 'active' },
    { id: 's2', cc_department: 'service', status: 'active' },
    { id: 's3', cc_department: 'service', status: 'suspended' },
    { id: 't1', cc_department: 'tech', status: 'active' },
    { id: 'k1', cc_department: 'sales', status: 'active' },
  ]);
  await db('cc_teams').insert([
    { id: 1, name: 'East', status: 'active', lead: 'k1' },
    { id: 2, name: 'Forming', status: 'forming', lead: 'k1' },
  ]);
  await insertWorkflow(db);
  await db('cc_workflow_transitions').insert([
    { id: TRANSITION.resolve, is_resolution: true },
    { id: TRANSITION.reopen, is_reopen: true },
    { id: TRANSITION.other },
  ]);
});

afterEach(async () => {
  await disposeMetricsDatabase(db);
});

async function addCase(id: number, options: { team?: number | null; opened?: string } = {}): Promise<void> {
  await db('cc_cases').insert({ id, workflow: 1, team: options.team === undefined ? 1 : options.team, opened_at: at(options.opened ?? '2026-09-01T09:00:00+08:00') });
}

async function event(caseId: number, when: string, department: string | null, toState: number, extra: { handoff?: boolean; transition?: number; override?: boolean } = {}): Promise<void> {
  await db('cc_case_events').insert({
    case: caseId,
    to_state: toState,
    transition: extra.transition ?? TRANSITION.other,
    actor_department: department,
    occurred_at: at(when),
    is_handoff: extra.handoff ?? false,
    is_override: extra.override ?? false,
  });
  // As every writer of history does (src/workflows/history-facts.ts).
  await refreshHistoryFacts(db, [caseId]);
}

async function evaluate(weights: Weights = EQUAL): Promise<ScoreRow[]> {
  return (await evaluatePeriod(db, { period: OCTOBER, settings: SETTINGS, weights })).scores;
}

function scoreOf(scores: ScoreRow[], scope: string, dimension: string): ScoreRow {
  const [kind, key] = scope.split(':') as [string, string];
  const row = scores.find((s) => s.scope_kind === kind && (kind === 'team' ? String(s.team) === key : s.department === key) && s.dimension === dimension);
  if (!row) throw new Error(`no ${dimension} score for ${scope}`);
  return row;
}

describe('scopes', () => {
  it('scores every department and every team that is not forming, six rows each', async () => {
    const scores = await evaluate();
    const scopes = [...new Set(scores.map((s) => `${s.scope_kind}:${s.department ?? s.team}`))];
    expect(scopes).toEqual(['department:service', 'department:tech', 'department:sales', 'department:hr', 'team:1']);
    expect(scores.filter((s) => s.department === 'hr').map((s) => s.dimension)).toEqual(['communication', 'execution', 'satisfaction', 'utilisation', 'cohesion', 'overall']);
  });

  it('gives a scope without any data n/a everywhere, never 0', async () => {
    const hr = (await evaluate()).filter((s) => s.department === 'hr');
    expect(hr.map((s) => s.score)).toEqual([null, null, null, null, null, null]);
    expect(scoreOf(hr, 'department:hr', 'communication').raw).toEqual({ handoffs: 0, handoffs_with_sla: 0, median_response_hours: null, within_sla_share: null });
    expect(scoreOf(hr, 'department:hr', 'utilisation').raw).toMatchObject({ capacity_hours: 0, utilisation: null, hours_score: null, budget: 0, budget_execution: null });
    expect(scoreOf(hr, 'department:hr', 'overall').raw).toEqual({ weights: EQUAL, dimensions: [] });
  });
});

describe('communication', () => {
  it('takes the median handoff response, the mean of the two middle values for an even count, and the share within the state SLA', async () => {
    // Four handoffs into tech (SLA 8 h), answered by tech after 1, 2, 4 and 10 hours.
    const answers = [1, 2, 4, 10];
    for (const [index, delay] of answers.entries()) {
      const caseId = index + 1;
      await addCase(caseId);
      const handed = Date.parse(`2026-10-0${index + 2}T10:00:00+08:00`);
      await event(caseId, new Date(handed).toISOString(), 'service', STATE.escalated, { handoff: true });
      // Someone else acting first is no answer from tech.
      await event(caseId, new Date(handed + hours(0.5)).toISOString(), 'service', STATE.escalated);
      await event(caseId, new Date(handed + hours(delay)).toISOString(), 'tech', STATE.escalated);
    }
    const tech = scoreOf(await evaluate(), 'department:tech', 'communication');
    expect(tech.raw).toEqual({ handoffs: 4, handoffs_with_sla: 4, median_response_hours: 3, within_sla_share: 0.75 });
    expect(tech.score).toBe(75);
    // The team gets the handoffs on its cases; service received none.
    expect(scoreOf(await evaluate(), 'team:1', 'communication').raw).toMatchObject({ handoffs: 4, median_response_hours: 3 });
    expect(scoreOf(await evaluate(), 'department:service', 'communication').score).toBeNull();
  });

  it('takes the median exactly for odd and even counts, ties, and middle values in one or in two whole-hour buckets', async () => {
    // The median is found through a histogram of whole hours (src/evaluation/dimensions/communication.ts):
    // compare it with a plain sort for delays crowded into few buckets, spread over many, and tied.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const samples: number[][] = [
      [5],
      [5, 5],
      [0.25, 0.5],
      [0.5, 1.5],
      [1, 2, 2, 2, 3],
      Array.from({ length: 26 }, () => Math.round(next() * 3 * 60) / 60),
      Array.from({ length: 31 }, () => Math.round(next() * 200 * 60) / 60),
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 7 : 7 + Math.round(next() * 59) / 60)),
    ];
    let caseId = 0;
    for (const delays of samples) {
      await db('cc_case_events').delete();
      await db('cc_cases').delete();
      const rows: Array<Record<string, unknown>> = [];
      for (const [index, delay] of delays.entries()) {
        caseId += 1;
        await addCase(caseId);
        const handed = Date.parse('2026-10-02T10:00:00+08:00') + index * 60_000;
        rows.push({ case: caseId, to_state: STATE.escalated, transition: TRANSITION.other, actor_department: 'service', occurred_at: at(new Date(handed).toISOString()), is_handoff: true, is_override: false });
        rows.push({ case: caseId, to_state: STATE.escalated, transition: TRANSITION.other, actor_department: 'tech', occurred_at: at(new Date(handed + hours(delay)).toISOString()), is_handoff: false, is_override: false });
      }
      await db('cc_case_events').insert(rows);
      await refreshHistoryFacts(db);
      const sorted = [...delays].sort((a, b) => a - b);
      const n = sorted.length;
      const expected = ((sorted[Math.floor((n + 1) / 2) - 1] as number) + (sorted[Math.floor((n + 2) / 2) - 1] as number)) / 2;
      const scores = await evaluate();
      for (const scope of ['department:tech', 'team:1']) {
        const raw = scoreOf(scores, scope, 'communication').raw;
        expect(raw['handoffs']).toBe(n);
        expect(raw['median_response_hours'] as number).toBeCloseTo(expected, 9);
      }
    }
  });

  it('counts a handoff still unanswered at the end of P as answered at the end, and leaves states without an SLA out of the share', async () => {
    await addCase(1);
    // Into service (SLA 4 h) at 20:00 on the last day: 4 h to the end of P, within.
    await event(1, '2026-10-31T20:00:00+08:00', 'tech', STATE.received, { handoff: true });
    // An answer after the end of P does not shorten it.
    await event(1, '2026-11-01T03:00:00+08:00', 'service', STATE.received);
    await addCase(2);
    // Into "resolved" (no response SLA): in the median, not in the share.
    await event(2, '2026-10-10T08:00:00+08:00', 'tech', STATE.resolved, { handoff: true });
    await event(2, '2026-10-10T14:00:00+08:00', 'service', STATE.resolved);
    const service = scoreOf(await evaluate(), 'department:service', 'communication');
    expect(service.raw).toEqual({ handoffs: 2, handoffs_with_sla: 1, median_response_hours: 5, within_sla_share: 1 });
  });

  it('places a handoff at 00:00 Asia/Shanghai on the first day in that month, and one a second earlier in the month before', async () => {
    await addCase(1);
    await event(1, '2026-09-30T23:59:59+08:00', 'service', STATE.sales, { handoff: true });
    await event(1, '2026-10-01T00:00:00+08:00', 'service', STATE.sales, { handoff: true });
    await event(1, '2026-10-01T01:00:00+08:00', 'sales', STATE.sales);
    await event(1, '2026-11-01T00:00:00+08:00', 'service', STATE.sales, { handoff: true });
    const sales = scoreOf(await evaluate(), 'department:sales', 'communication');
    expect(sales.raw).toEqual({ handoffs: 1, handoffs_with_sla: 1, median_response_hours: 1, within_sla_share: 1 });
  });

  it('ignores override rows, as handoffs and as answers', async () => {
    await addCase(1);
    await event(1, '2026-10-05T10:00:00+08:00', 'service', STATE.escalated, { handoff: true });
    await event(1, '2026-10-05T11:00:00+08:00', 'tech', STATE.escalated, { override: true });
    await event(1, '2026-10-05T20:00:00+08:00', 'tech', STATE.escalated);
    await event(1, '2026-10-06T10:00:00+08:00', 'service', STATE.escalated, { handoff: true, override: true });
    const tech = scoreOf(await evaluate(), 'department:tech', 'communication');
    expect(tech.raw).toEqual({ handoffs: 1, handoffs_with_sla: 1, median_response_hours: 10, within_sla_share: 0 });
    expect(tech.score).toBe(0);
  });
});

describe('execution', () => {
  it('charges a reopen to the department that made the latest resolution before it, and the case to its team', async () => {
    await addCase(5);
    await event(5, '2026-09-10T10:00:00+08:00', 'service', STATE.resolved, { transition: TRANSITION.resolve });
    await event(5, '2026-09-12T10:00:00+08:00', 'service', STATE.received, { transition: TRANSITION.reopen });
    await event(5, '2026-09-20T10:00:00+08:00', 'tech', STATE.resolved, { transition: TRANSITION.resolve });
    // An admin's override resolution is no resolution.
    await event(5, '2026-09-25T10:00:00+08:00', 'service', STATE.resolved, { transition: TRANSITION.resolve, override: true });
    await event(5, '2026-10-05T10:00:00+08:00', 'service', STATE.received, { transition: TRANSITION.reopen });
    const scores = await evaluate();
    expect(scoreOf(scores, 'department:tech', 'execution').raw).toMatchObject({ reopens: 1, resolutions: 0, reopen_rate: null });
    expect(scoreOf(scores, 'department:service', 'execution').raw).toMatchObject({ reopens: 0 });
    expect(scoreOf(scores, 'team:1', 'execution').raw).toMatchObject({ reopens: 1 });
  });

  it('weighs on-time tasks, the resolution SLA and reopens 0.5/0.3/0.2, renormalised over the parts that exist', async () => {
    await db('cc_projects').insert({ id: 1, team: 1 });
    await db('cc_meetings').insert({ id: 1, team: 1, starts_at: at('2026-10-09T10:00:00+08:00') });
    await db('cc_tasks').insert([
      { department: 'service', project: 1, due_at: at('2026-10-15T18:00:00+08:00'), done_at: at('2026-10-14T18:00:00+08:00'), logged_hours: 10 },
      { department: 'service', project: 1, due_at: at('2026-10-20T18:00:00+08:00'), done_at: at('2026-10-21T09:00:00+08:00'), logged_hours: 20 },
      { department: 'service', meeting: 1, due_at: at('2026-10-25T18:00:00+08:00'), done_at: null, logged_hours: 5 },
      // Due at the first instant of November: not October's.
      { department: 'service', project: 1, due_at: at('2026-11-01T00:00:00+08:00'), done_at: null, logged_hours: 7 },
    ]);
    // Case 1 resolved by tech within the 48 h SLA; case 2 resolved by service after it.
    await addCase(1, { opened: '2026-10-02T09:00:00+08:00' });
    await event(1, '2026-10-03T09:00:00+08:00', 'tech', STATE.resolved, { transition: TRANSITION.resolve });
    await addCase(2, { opened: '2026-10-05T09:00:00+08:00' });
    await event(2, '2026-10-09T09:00:00+08:00', 'service', STATE.resolved, { transition: TRANSITION.resolve });
    await event(1, '2026-10-12T09:00:00+08:00', 'service', STATE.received, { transition: TRANSITION.reopen });
    const scores = await evaluate();

    const service = scoreOf(scores, 'department:service', 'execution');
    expect(service.raw).toEqual({
      tasks_due: 3, tasks_on_time: 1, on_time_share: 1 / 3,
      resolutions: 1, resolutions_with_sla: 1, resolutions_within_sla: 0, case_sla_share: 0,
      reopens: 0, reopen_rate: 0,
    });
    expect(service.score).toBeCloseTo(100 * (0.5 / 3 + 0.3 * 0 + 0.2 * 1), 10);

    // Tech: no tasks, so 0.3 and 0.2 renormalised over 0.5. Its one resolution was reopened.
    const tech = scoreOf(scores, 'department:tech', 'execution');
    expect(tech.raw).toMatchObject({ tasks_due: 0, on_time_share: null, case_sla_share: 1, reopen_rate: 1 });
    expect(tech.score).toBeCloseTo((100 * (0.3 * 1 + 0.2 * 0)) / 0.5, 10);

    // The team gets the project's and the meeting's tasks, and both cases.
    expect(scoreOf(scores, 'team:1', 'execution').raw).toMatchObject({ tasks_due: 3, tasks_on_time: 1, resolutions: 2, resolutions_within_sla: 1, reopens: 1, reopen_rate: 0.5 });
  });
});

describe('satisfaction', () => {
  it('credits CSAT answers to the department they were credited to and to the survey team; NPS among those who gave one', async () => {
    await db('cc_surveys').insert([{ id: 1, kind: 'csat', team: 1 }, { id: 2, kind: 'pulse', team: 1 }]);
    await db('cc_survey_responses').insert([
      { survey: 1, csat: 5, nps: 10, department: 'tech', responded_at: at('2026-10-04T10:00:00+08:00') },
      { survey: 1, csat: 4, nps: 8, department: 'tech', responded_at: at('2026-10-05T10:00:00+08:00') },
      { survey: 1, csat: 2, nps: 3, department: 'service', responded_at: at('2026-10-06T10:00:00+08:00') },
      { survey: 1, csat: 3, nps: null, department: 'service', responded_at: at('2026-10-07T10:00:00+08:00') },
      { survey: 1, csat: 1, nps: 0, department: 'service', responded_at: at('2026-11-01T00:00:00+08:00') },
      // A pulse answer is no customer answer.
      { survey: 2, pulse: 5, department: 'service', responded_at: at('2026-10-07T10:00:00+08:00') },
    ]);
    const scores = await evaluate();
    expect(scoreOf(scores, 'department:tech', 'satisfaction').raw).toEqual({ responses: 2, csat_share: 1, csat_mean: 4.5, nps_responses: 2, nps: 50 });
    expect(scoreOf(scores, 'department:tech', 'satisfaction').score).toBe(100);
    expect(scoreOf(scores, 'department:service', 'satisfaction').raw).toEqual({ responses: 2, csat_share: 0, csat_mean: 2.5, nps_responses: 1, nps: -100 });
    const team = scoreOf(scores, 'team:1', 'satisfaction');
    expect(team.raw).toEqual({ responses: 4, csat_share: 0.5, csat_mean: 3.5, nps_responses: 3, nps: 0 });
    expect(team.score).toBe(50);
  });
});

describe('utilisation', () => {
  it('counts capacity from active department members and from the working days inside each team membership', async () => {
    // October 2026 has 22 working days (1 October is a Thursday).
    await db('cc_team_members').insert([
      { team: 1, user: 'k1', since: day('2026-01-01'), until: null },
      // Joined on Friday 16 October: 16th, 19th–23rd, 26th–30th = 11 days.
      { team: 1, user: 't1', since: day('2026-10-16'), until: null },
      // Left after Friday 2 October (until is the last day counted): 2 days.
      { team: 1, user: 's1', since: null, until: day('2026-10-02') },
      // Left before October.
      { team: 1, user: 's2', since: null, until: day('2026-09-30') },
    ]);
    await db('cc_projects').insert({ id: 1, team: 1 });
    await db('cc_tasks').insert([
      { department: 'service', project: 1, due_at: at('2026-10-15T18:00:00+08:00'), logged_hours: 140 },
      { department: 'tech', project: 1, due_at: at('2026-10-16T18:00:00+08:00'), logged_hours: 98 },
    ]);
    const scores = await evaluate();
    const service = scoreOf(scores, 'department:service', 'utilisation');
    // Two active members (a suspended one does not count) × 8 h × 22 days.
    expect(service.raw).toMatchObject({ logged_hours: 140, capacity_hours: 352, utilisation: 140 / 352 });
    expect(service.raw['hours_score']).toBeCloseTo(100 * (1 - Math.abs(140 / 352 - 0.85) / 0.85), 10);
    const team = scoreOf(scores, 'team:1', 'utilisation');
    expect(team.raw).toMatchObject({ logged_hours: 238, capacity_hours: (22 + 11 + 2) * 8, utilisation: 238 / 280 });
    expect(team.raw['hours_score']).toBe(100);
    expect(team.score).toBe(100);
  });

  it('pro-rates a budget spanning two cycles by its days inside each, against expense in the period', async () => {
    await db('cc_projects').insert({ id: 1, team: 1 });
    await db('cc_budgets').insert([
      // 30 days, 15 of them in October.
      { department: 'service', period_start: day('2026-09-16'), period_end: day('2026-10-16'), amount: 3000 },
      // A quarter (92 days) for the team's project: 31 in October.
      { project: 1, period_start: day('2026-10-01'), period_end: day('2027-01-01'), amount: 9200 },
    ]);
    await db('cc_transactions').insert([
      { kind: 'expense', amount: 1200, department: 'service', occurred_on: day('2026-10-01') },
      { kind: 'expense', amount: 600, department: 'service', occurred_on: day('2026-10-31') },
      { kind: 'expense', amount: 999, department: 'service', occurred_on: day('2026-11-01') },
      { kind: 'income', amount: 5000, department: 'service', occurred_on: day('2026-10-10') },
      { kind: 'expense', amount: 1550, project: 1, occurred_on: day('2026-10-20') },
    ]);
    const september = (await evaluatePeriod(db, { period: cyclePeriod('monthly', '2026-09-01'), settings: SETTINGS, weights: EQUAL })).scores;
    expect(scoreOf(september, 'department:service', 'utilisation').raw['budget']).toBeCloseTo(1500, 9);
    const scores = await evaluate();
    const service = scoreOf(scores, 'department:service', 'utilisation');
    expect(service.raw['budget']).toBeCloseTo(1500, 9);
    expect(service.raw['expense']).toBe(1800);
    expect(service.raw['budget_execution']).toBeCloseTo(1.2, 9);
    expect(service.raw['budget_score']).toBeCloseTo(80, 9);
    const team = scoreOf(scores, 'team:1', 'utilisation');
    expect(team.raw['budget']).toBeCloseTo(3100, 9);
    expect(team.raw['budget_execution']).toBeCloseTo(0.5, 9);
    // No members and no tasks: hours are n/a, the score is the budget part alone.
    expect(team.raw['hours_score']).toBeNull();
    expect(team.score).toBeCloseTo(50, 9);
  });
});

describe('cohesion', () => {
  it('combines pulse, cross-department closures (first close only) and meeting attendance', async () => {
    await db('cc_surveys').insert({ id: 2, kind: 'pulse', team: 1 });
    await db('cc_survey_responses').insert([
      { survey: 2, pulse: 4, department: 'sales', responded_at: at('2026-10-03T10:00:00+08:00') },
      { survey: 2, pulse: 5, department: 'tech', responded_at: at('2026-10-03T11:00:00+08:00') },
      { survey: 2, pulse: 3, department: 'tech', responded_at: at('2026-10-03T12:00:00+08:00') },
    ]);
    // Case 1: service and tech act before it closes in October — cross-department.
    await addCase(1);
    await event(1, '2026-10-02T09:00:00+08:00', 'service', STATE.received);
    await event(1, '2026-10-02T10:00:00+08:00', 'tech', STATE.escalated);
    await event(1, '2026-10-06T10:00:00+08:00', 'service', STATE.closed);
    // Case 6: service alone.
    await addCase(6);
    await event(6, '2026-10-03T09:00:00+08:00', 'service', STATE.received);
    await event(6, '2026-10-08T10:00:00+08:00', 'service', STATE.closed);
    // Case 7 first closed in September; closing again in October does not count.
    await addCase(7);
    await event(7, '2026-09-03T09:00:00+08:00', 'service', STATE.closed);
    await event(7, '2026-10-03T09:00:00+08:00', 'tech', STATE.received);
    await event(7, '2026-10-04T09:00:00+08:00', 'service', STATE.closed);
    // Case 8: tech acts only after the close.
    await addCase(8, { team: null });
    await event(8, '2026-10-03T09:00:00+08:00', 'service', STATE.closed);
    await event(8, '2026-10-04T09:00:00+08:00', 'tech', STATE.received);
    // Case 9: an override by tech closed it in September and touched it in October; neither is
    // an act nor a close, so service's own close in October is its first, and service alone acted.
    await addCase(9, { team: null });
    await event(9, '2026-09-20T09:00:00+08:00', 'tech', STATE.closed, { override: true });
    await event(9, '2026-10-02T09:00:00+08:00', 'service', STATE.received);
    await event(9, '2026-10-03T09:00:00+08:00', 'tech', STATE.escalated, { override: true });
    await event(9, '2026-10-05T09:00:00+08:00', 'service', STATE.closed);
    // Case 10: a row with no department is nobody's act.
    await addCase(10, { team: null });
    await event(10, '2026-10-02T09:00:00+08:00', null, STATE.received);
    await event(10, '2026-10-05T09:00:00+08:00', 'service', STATE.closed);
    await db('cc_meetings').insert({ id: 1, team: 1, starts_at: at('2026-10-10T10:00:00+08:00') });
    await db('cc_meeting_participants').insert([
      { meeting: 1, user: 'k1', attended: true },
      { meeting: 1, user: 't1', attended: true },
      { meeting: 1, user: 's1', attended: false },
    ]);
    const scores = await evaluate();
    const service = scoreOf(scores, 'department:service', 'cohesion');
    expect(service.raw).toEqual({
      pulse_responses: 0, pulse_mean: null, pulse_score: null,
      closed_cases: 5, cross_department_cases: 1, cross_department_share: 1 / 5,
      invitations: 1, attendances: 0, attendance_share: 0,
    });
    expect(service.score).toBeCloseTo((100 / 5 + 0) / 2, 10);
    const tech = scoreOf(scores, 'department:tech', 'cohesion');
    expect(tech.raw).toMatchObject({ pulse_responses: 2, pulse_mean: 4, pulse_score: 75, closed_cases: 1, cross_department_cases: 1, invitations: 1, attendances: 1 });
    expect(tech.score).toBeCloseTo((75 + 100 + 100) / 3, 10);
    const team = scoreOf(scores, 'team:1', 'cohesion');
    expect(team.raw).toMatchObject({ pulse_responses: 3, pulse_mean: 4, closed_cases: 2, cross_department_cases: 1, invitations: 3, attendances: 2 });
  });
});

describe('overall', () => {
  it('is the weighted mean of the dimensions that are not n/a, the weights renormalised over them', () => {
    const result = overallResult({ communication: 80, execution: null, satisfaction: 50, utilisation: null, cohesion: 20 }, { communication: 2, execution: 5, satisfaction: 1, utilisation: 1, cohesion: 1 });
    expect(result.score).toBeCloseTo((2 * 80 + 50 + 20) / 4, 10);
    expect(result.raw).toEqual({ weights: { communication: 2, execution: 5, satisfaction: 1, utilisation: 1, cohesion: 1 }, dimensions: ['communication', 'satisfaction', 'cohesion'] });
  });

  it('is n/a when no dimension counts, or when those that do weigh 0', () => {
    expect(overallResult({ communication: null, execution: null, satisfaction: null, utilisation: null, cohesion: null }, EQUAL).score).toBeNull();
    expect(overallResult({ communication: 70, execution: null, satisfaction: null, utilisation: null, cohesion: null }, { ...EQUAL, communication: 0 }).score).toBeNull();
  });

  it('uses the cycle weights when scoring a period', async () => {
    await addCase(1);
    await event(1, '2026-10-05T10:00:00+08:00', 'service', STATE.escalated, { handoff: true });
    await event(1, '2026-10-05T11:00:00+08:00', 'tech', STATE.escalated);
    await db('cc_surveys').insert({ id: 1, kind: 'csat', team: 1 });
    await db('cc_survey_responses').insert({ survey: 1, csat: 2, department: 'tech', responded_at: at('2026-10-06T10:00:00+08:00') });
    const weights = { ...EQUAL, communication: 3 };
    const tech = (await evaluate(weights)).filter((s) => s.department === 'tech');
    // communication 100 (weight 3), satisfaction 0 (weight 1); utilisation 0 (one member, no hours, weight 1).
    expect(scoreOf(tech, 'department:tech', 'overall').score).toBeCloseTo((3 * 100 + 0 + 0) / 5, 10);
  });
});

describe('two connections', () => {
  it('score a period exactly as one does (PostgreSQL: one snapshot on two; SQLite: two readers of the same file)', async () => {
    for (let id = 1; id <= 6; id += 1) {
      await addCase(id, { team: id % 2 === 0 ? 1 : null });
      await event(id, `2026-10-0${id}T09:00:00+08:00`, 'service', STATE.received);
      await event(id, `2026-10-0${id}T10:00:00+08:00`, 'service', STATE.escalated, { handoff: true });
      await event(id, `2026-10-0${id}T${10 + id}:30:00+08:00`, 'tech', STATE.resolved, { transition: TRANSITION.resolve, handoff: true });
      if (id % 3 === 0) await event(id, `2026-10-1${id}T09:00:00+08:00`, 'service', STATE.closed);
    }
    await db('cc_tasks').insert([
      { department: 'service', due_at: at('2026-10-05T18:00:00+08:00'), done_at: at('2026-10-05T12:00:00+08:00'), logged_hours: 6 },
      { department: 'tech', due_at: at('2026-10-06T18:00:00+08:00'), done_at: null, logged_hours: 2 },
    ]);
    const request = { period: OCTOBER, settings: SETTINGS, weights: EQUAL };
    // PostgreSQL: the fixture's pool lends one connection; a pool of four lets the evaluation take a
    // second. SQLite: the in-memory database is copied to a file, which a second connection can open.
    const onPostgres = db.client.config.client === 'pg';
    const dir = onPostgres ? null : mkdtempSync(join(tmpdir(), 'concord-lanes-'));
    if (dir) await db.raw('vacuum into ?', [join(dir, 'copy.db')]);
    const wide = dir ? knex({ client: 'sqlite3', connection: { filename: join(dir, 'copy.db') }, useNullAsDefault: true }) : knex({ ...db.client.config, pool: { min: 0, max: 4 } });
    let readerStatements = 0;
    if (dir) sqliteReader(wide)?.on('query', () => (readerStatements += 1));
    try {
      const lanes = await evaluatePeriod(wide, request);
      const single = await db.transaction((trx) => evaluatePeriod(trx, request));
      expect(lanes).toEqual(single);
      expect(scoreOf(lanes.scores, 'department:tech', 'execution').raw['resolutions']).toBe(6);
      const pool = (wide.client as { pool: { numFree(): number; numUsed(): number } }).pool;
      if (onPostgres) expect(pool.numFree() + pool.numUsed()).toBe(2);
      else expect(readerStatements).toBeGreaterThan(0);
    } finally {
      await wide.destroy();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });
});
