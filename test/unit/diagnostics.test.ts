import type { Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anomalies } from '../../src/diagnostics/anomalies.ts';
import { atRisk, atRiskCandidates } from '../../src/diagnostics/at-risk.ts';
import { bottlenecks } from '../../src/diagnostics/bottlenecks.ts';
import { EVIDENCE_LIMIT, storedEvidence } from '../../src/diagnostics/action-diagnosis.ts';
import { describeFindings } from '../../src/diagnostics/findings.ts';
import { pingPong } from '../../src/diagnostics/ping-pong.ts';
import { EVERYTHING, type Restriction } from '../../src/diagnostics/restriction.ts';
import { cyclePeriod, zoned } from '../../src/evaluation/period.ts';
import { refreshHistoryFacts } from '../../src/workflows/history-facts.ts';
import { at, day, disposeMetricsDatabase, insertWorkflow, metricsDatabase, STATE } from './evaluation-fixture.ts';

/**
 * Each diagnostic of metrics.md "Diagnostics (v2)" against a few hand-built rows in a real database,
 * so the SQL is what is tested. October 2026 in Asia/Shanghai.
 */

const OCTOBER = cyclePeriod('monthly', '2026-10-01');
const P = zoned(OCTOBER, 'Asia/Shanghai');
const COMPANY: Restriction = { scope: { kind: 'company' }, ...EVERYTHING };

let db: Knex;

beforeEach(async () => {
  db = await metricsDatabase();
  await db('cc_departments').insert([
    { code: 'service', name_zh: '客服部', sort: 1 },
    { code: 'tech', name_zh: '技术部', sort: 2 },
    { code: 'sales', name_zh: '销售部', sort: 3 },
  ]);
  await insertWorkflow(db);
});

afterEach(async () => {
  await disposeMetricsDatabase(db);
});

async function addCase(id: number, options: { team?: number; state?: number; entered?: string } = {}): Promise<void> {
  await db('cc_cases').insert({ id, workflow: 1, team: options.team ?? 1, opened_at: at('2026-09-01T09:00:00+08:00'), state: options.state ?? STATE.received, state_entered_at: options.entered ? at(options.entered) : null });
}

async function event(caseId: number, when: string, department: string | null, toState: number, extra: { handoff?: boolean; override?: boolean } = {}): Promise<void> {
  await db('cc_case_events').insert({ case: caseId, to_state: toState, actor_department: department, occurred_at: at(when), is_handoff: extra.handoff ?? false, is_override: extra.override ?? false });
  // As every writer of history does (src/workflows/history-facts.ts).
  await refreshHistoryFacts(db, [caseId]);
}

/** A handoff from `from` into `toState` at `when`, answered by the receiver `after` hours later. */
async function handoff(caseId: number, when: string, from: string, toState: number, after: number, receiver: string): Promise<void> {
  await event(caseId, when, from, toState, { handoff: true });
  await event(caseId, new Date(Date.parse(when) + after * 3_600_000).toISOString(), receiver, toState);
}

describe('bottlenecks', () => {
  it('takes p90 as the smallest time with at least 90 % at or below it: the 4th of 4 and the 9th of 10, never interpolated', async () => {
    // service → tech (escalated): 4 handoffs of 1, 2, 3, 10 h. ⌈0.9·4⌉ = 4 → 10 h; median (2 + 3)/2.
    for (const [i, h] of [1, 2, 3, 10].entries()) {
      await addCase(100 + i);
      await handoff(100 + i, `2026-10-0${i + 2}T09:00:00+08:00`, 'service', STATE.escalated, h, 'tech');
    }
    // Cases furthest over the SLA first (103: 2 h over), then by id.
    // sales → service (received): 10 handoffs of 1 … 10 h. ⌈0.9·10⌉ = 9 → 9 h.
    for (let i = 0; i < 10; i += 1) {
      await addCase(200 + i);
      await handoff(200 + i, `2026-10-${String(10 + i).padStart(2, '0')}T09:00:00+08:00`, 'sales', STATE.received, i + 1, 'service');
    }
    const found = await bottlenecks(db, P, COMPANY);
    const tech = found.find((b) => b.to_department === 'tech');
    expect(tech).toMatchObject({ from_department: 'service', to_state: STATE.escalated, handoffs: 4, median_response_hours: 2.5, p90_response_hours: 10, within_sla_share: 0.75, excess_hours: 2, cases: [103, 100, 101, 102] });
    const service = found.find((b) => b.to_department === 'service');
    // SLA 4 h: 1–4 within; excess (1 + 2 + … + 6) = 21.
    expect(service).toMatchObject({ handoffs: 10, median_response_hours: 5.5, p90_response_hours: 9, within_sla_share: 0.4, excess_hours: 21 });
  });

  it('ranks by excess hours, then by handoffs; an unanswered handoff counts until the end of P; override rows are ignored', async () => {
    await addCase(1);
    // service → sales (SLA 24): never answered, from 2026-10-31 00:00 → end of P is 24 h later: no excess.
    await event(1, '2026-10-31T00:00:00+08:00', 'service', STATE.sales, { handoff: true });
    await addCase(2);
    // sales → tech: 20 h (12 h over), answer by override ignored so the real answer counts.
    await event(2, '2026-10-05T08:00:00+08:00', 'sales', STATE.escalated, { handoff: true });
    await event(2, '2026-10-05T09:00:00+08:00', 'tech', STATE.escalated, { override: true });
    await event(2, '2026-10-06T04:00:00+08:00', 'tech', STATE.escalated);
    // service → tech twice at 10 h each: 4 h over in total, but more handoffs.
    await addCase(3);
    await handoff(3, '2026-10-07T09:00:00+08:00', 'service', STATE.escalated, 10, 'tech');
    await handoff(3, '2026-10-09T09:00:00+08:00', 'service', STATE.escalated, 10, 'tech');
    // An override handoff is no handoff.
    await event(3, '2026-10-12T09:00:00+08:00', 'service', STATE.escalated, { handoff: true, override: true });
    const found = await bottlenecks(db, P, COMPANY);
    expect(found.map((b) => [b.from_department, b.to_department, b.excess_hours, b.handoffs])).toEqual([
      ['sales', 'tech', 12, 1],
      ['service', 'tech', 4, 2],
      ['service', 'sales', 0, 1],
    ]);
    expect(found[2]?.median_response_hours).toBe(24);
    expect(found[1]?.cases).toEqual([3]);
  });

  it('gives a department the handoffs it received, and names only cases the viewer may read', async () => {
    await addCase(1);
    await handoff(1, '2026-10-05T09:00:00+08:00', 'service', STATE.escalated, 10, 'tech');
    await addCase(2);
    await handoff(2, '2026-10-05T09:00:00+08:00', 'tech', STATE.received, 1, 'service');
    const tech = await bottlenecks(db, P, { scope: { kind: 'department', key: 'tech' }, ...EVERYTHING });
    expect(tech.map((b) => b.to_department)).toEqual(['tech']);
    const hidden = await bottlenecks(db, P, { scope: { kind: 'company' }, events: { all: true }, cases: { all: false, ids: [2] } });
    expect(hidden.flatMap((b) => b.cases)).toEqual([2]);
  });
});

describe('ping-pong', () => {
  it('counts A→B, B→A, A→B as one bounce, with the departments in handoff order', async () => {
    await addCase(1);
    await handoff(1, '2026-10-02T09:00:00+08:00', 'service', STATE.escalated, 1, 'tech');
    await handoff(1, '2026-10-03T09:00:00+08:00', 'tech', STATE.received, 1, 'service');
    await handoff(1, '2026-10-04T09:00:00+08:00', 'service', STATE.escalated, 1, 'tech');
    // A → B → C without a repeat is no ping-pong.
    await addCase(2);
    await handoff(2, '2026-10-02T09:00:00+08:00', 'service', STATE.escalated, 1, 'tech');
    await handoff(2, '2026-10-03T09:00:00+08:00', 'tech', STATE.sales, 1, 'sales');
    // A repeat outside P does not count.
    await addCase(3);
    await handoff(3, '2026-09-20T09:00:00+08:00', 'service', STATE.escalated, 1, 'tech');
    await handoff(3, '2026-10-03T09:00:00+08:00', 'service', STATE.escalated, 1, 'tech');
    expect(await pingPong(db, P, COMPANY)).toEqual([{ case: 1, departments: ['service', 'tech', 'service', 'tech'], bounces: 1 }]);
  });

  it('sums (count − 1) over the directed pairs, and leaves out cases the viewer may not read', async () => {
    await addCase(1);
    for (let i = 0; i < 3; i += 1) {
      await handoff(1, `2026-10-0${2 * i + 2}T09:00:00+08:00`, 'service', STATE.escalated, 1, 'tech');
      await handoff(1, `2026-10-0${2 * i + 3}T09:00:00+08:00`, 'tech', STATE.received, 1, 'service');
    }
    expect((await pingPong(db, P, COMPANY))[0]?.bounces).toBe(4);
    expect(await pingPong(db, P, { scope: { kind: 'company' }, events: { all: true }, cases: { all: false, ids: [] } })).toEqual([]);
  });

  it('takes an unknown sender as one sender, and never mistakes two different pairs for one', async () => {
    // Two handoffs from nobody known into tech: one pair, one bounce.
    await addCase(1);
    await event(1, '2026-10-02T09:00:00+08:00', null, STATE.escalated, { handoff: true });
    await event(1, '2026-10-03T09:00:00+08:00', null, STATE.escalated, { handoff: true });
    // sales → tech and salest → ech would read alike if the pair were the two codes side by side.
    await db('cc_workflow_states').insert({ id: 6, workflow: 1, owner_department: 'ech', response_sla_hours: 4 });
    await addCase(2);
    await event(2, '2026-10-02T09:00:00+08:00', 'sales', STATE.escalated, { handoff: true });
    await event(2, '2026-10-03T09:00:00+08:00', 'salest', 6, { handoff: true });
    expect(await pingPong(db, P, COMPANY)).toEqual([{ case: 1, departments: ['tech'], bounces: 1 }]);
  });

  it('gives a department the cases with a handoff it received, a team its cases, and counts all their handoffs in P', async () => {
    await addCase(1, { team: 1 });
    await handoff(1, '2026-10-02T09:00:00+08:00', 'service', STATE.escalated, 1, 'tech');
    await handoff(1, '2026-10-03T09:00:00+08:00', 'service', STATE.escalated, 1, 'tech');
    await addCase(2, { team: 2 });
    await handoff(2, '2026-10-02T09:00:00+08:00', 'tech', STATE.sales, 1, 'sales');
    await handoff(2, '2026-10-03T09:00:00+08:00', 'sales', STATE.received, 1, 'service');
    await handoff(2, '2026-10-04T09:00:00+08:00', 'service', STATE.sales, 1, 'sales');
    await handoff(2, '2026-10-05T09:00:00+08:00', 'sales', STATE.received, 1, 'service');
    const bounced = (restriction: Restriction) => pingPong(db, P, restriction).then((found) => found.map((p) => [p.case, p.bounces]));
    expect(await bounced(COMPANY)).toEqual([[1, 1], [2, 1]]);
    expect(await bounced({ scope: { kind: 'department', key: 'tech' }, ...EVERYTHING })).toEqual([[1, 1]]);
    // Case 2 reaches service in P, and both of its pairs' handoffs count: sales → service twice.
    expect(await bounced({ scope: { kind: 'department', key: 'service' }, ...EVERYTHING })).toEqual([[2, 1]]);
    expect(await bounced({ scope: { kind: 'team', key: 2 }, ...EVERYTHING })).toEqual([[2, 1]]);
    expect(await bounced({ scope: { kind: 'team', key: 3 }, ...EVERYTHING })).toEqual([]);
  });
});

describe('anomalies', () => {
  async function cycles(scores: number[]): Promise<void> {
    // Oldest first; the last is the latest published monthly cycle.
    for (const [i, score] of scores.entries()) {
      const month = String(i + 1).padStart(2, '0');
      await db('cc_evaluation_cycles').insert({ id: i + 1, period_kind: 'monthly', starts_on: day(`2026-${month}-01`), ends_on: day(`2026-${String(i + 2).padStart(2, '0')}-01`), status: 'published' });
      await db('cc_evaluation_scores').insert({ cycle: i + 1, scope_kind: 'department', department: 'service', dimension: 'communication', score });
    }
  }

  it('flags a drop against the median of the 6 earlier cycles, with the MAD floored at 5', async () => {
    // Baseline of the 6 before the latest: 80 (the first cycle, 10, is beyond the window); MAD 0 → 5: (60 − 80)/5 = −4.
    await cycles([10, 79, 80, 81, 80, 80, 80, 60]);
    expect(await anomalies(db, { starts_on: '2026-08-01', ends_on: '2026-12-01' }, { kind: 'company' }, { all: true })).toEqual([
      { period_kind: 'monthly', scope_kind: 'department', scope: 'service', dimension: 'communication', value: 60, baseline: 80, deviation: -4 },
    ]);
  });

  it('keeps to the scope asked for, and names a team by its id', async () => {
    await cycles([80, 80, 80, 80, 40]);
    for (let id = 1; id <= 5; id += 1) await db('cc_evaluation_scores').insert({ cycle: id, scope_kind: 'team', team: 7, dimension: 'cohesion', score: id === 5 ? 95 : 60 });
    const period = { starts_on: '2026-05-01', ends_on: '2026-06-01' };
    expect((await anomalies(db, period, { kind: 'team', key: 7 }, { all: true })).map((a) => [a.scope_kind, a.scope, a.dimension, a.deviation])).toEqual([['team', 7, 'cohesion', 7]]);
    expect((await anomalies(db, period, { kind: 'department', key: 'service' }, { all: true })).map((a) => a.deviation)).toEqual([-8]);
    expect(await anomalies(db, period, { kind: 'company' }, { all: false, ids: [] })).toEqual([]);
  });

  it('lists nothing for a flat history whose change stays below the MAD floor, nor with fewer than 3 earlier cycles', async () => {
    // Baseline 80, MAD 0 → 5: (70 − 80)/5 = −2 < 2.5.
    await cycles([80, 80, 80, 80, 70]);
    expect(await anomalies(db, { starts_on: '2026-05-01', ends_on: '2026-06-01' }, { kind: 'company' }, { all: true })).toEqual([]);
    await db('cc_evaluation_cycles').update({ status: 'draft' }).whereIn('id', [1, 2]);
    await db('cc_evaluation_scores').where('cycle', 5).update({ score: 10 });
    expect(await anomalies(db, { starts_on: '2026-05-01', ends_on: '2026-06-01' }, { kind: 'company' }, { all: true })).toEqual([]);
  });
});

describe('at risk', () => {
  const NOW = new Date('2026-10-20T12:00:00+08:00');

  /** `n` past handoffs into the escalated state (SLA 8 h), answered after each of `times` hours. */
  async function history(times: number[]): Promise<void> {
    for (const [i, h] of times.entries()) {
      await addCase(500 + i, { state: STATE.closed });
      await handoff(500 + i, new Date(Date.parse('2026-09-01T09:00:00+08:00') + i * 86_400_000).toISOString(), 'service', STATE.escalated, h, 'tech');
    }
  }

  it('gives the share of comparable past handoffs that went on past the SLA, listed from 0.5', async () => {
    // In escalated for 5 h of 8. Past: 12 over 5 h, of which 9 over 8 h → 0.75; 3 quick ones don't compare.
    await history([1, 2, 3, 6, 7, 7, 9, 10, 11, 12, 20, 30, 40, 50, 60]);
    await addCase(1, { state: STATE.escalated, entered: '2026-10-20T07:00:00+08:00' });
    // Past its SLA already: not at risk but breached.
    await addCase(2, { state: STATE.escalated, entered: '2026-10-19T07:00:00+08:00' });
    expect(await atRisk(db, NOW, COMPANY)).toEqual([{ case: 1, state: STATE.escalated, department: 'tech', hours_in_state: 5, sla_hours: 8, breach_probability: 0.75 }]);
  });

  it('names only open cases the viewer may read, while T still counts the closed cases behind it', async () => {
    await history([1, 2, 3, 6, 7, 7, 9, 10, 11, 12, 20, 30, 40, 50, 60]);
    await addCase(1, { state: STATE.escalated, entered: '2026-10-20T07:00:00+08:00' });
    await addCase(2, { state: STATE.escalated, entered: '2026-10-20T08:00:00+08:00' });
    const found = await atRisk(db, NOW, { scope: { kind: 'company' }, events: { all: true }, cases: { all: false, ids: [2] } });
    expect(found.map((r) => [r.case, r.breach_probability])).toEqual([[2, 0.75]]);
  });

  it('does not count a past time equal to the time waited as above it, nor mix the states', async () => {
    // h = 5: the two past 5 h answers are not above it; 10 are, 9 of them over 8 h → 0.9.
    await history([5, 5, 6, 9, 10, 11, 12, 20, 30, 40, 50, 60]);
    await addCase(1, { state: STATE.escalated, entered: '2026-10-20T07:00:00+08:00' });
    // Another state's open case and history stay apart.
    await addCase(2, { state: STATE.received, entered: '2026-10-20T11:00:00+08:00' });
    const candidates = await atRiskCandidates(db, NOW, COMPANY);
    expect(candidates.find((c) => c.case === 1)).toMatchObject({ comparable: 12, over_elapsed: 10, over_sla: 9, breach_probability: 0.9 });
    expect(candidates.find((c) => c.case === 2)).toMatchObject({ comparable: 0, over_elapsed: 0, over_sla: 0, breach_probability: null });
  });

  it('does not count a past time equal to the SLA as over it', async () => {
    // h = 5, s = 8: the two 8 h answers are above 5 h but not over 8 h → 7 of 10.
    await history([5, 5, 6, 8, 8, 9, 10, 11, 12, 20, 30, 40]);
    await addCase(1, { state: STATE.escalated, entered: '2026-10-20T07:00:00+08:00' });
    const [candidate] = await atRiskCandidates(db, NOW, COMPANY);
    expect(candidate).toMatchObject({ case: 1, comparable: 12, over_elapsed: 10, over_sla: 7, breach_probability: 0.7 });
  });

  it('is null with fewer than 10 comparable handoffs, and then not listed', async () => {
    await history([9, 10, 11, 12, 20, 30, 40, 50, 60]);
    await addCase(1, { state: STATE.escalated, entered: '2026-10-20T07:00:00+08:00' });
    const [candidate] = await atRiskCandidates(db, NOW, COMPANY);
    expect(candidate).toMatchObject({ case: 1, over_elapsed: 9, over_sla: 9, breach_probability: null });
    expect(await atRisk(db, NOW, COMPANY)).toEqual([]);
  });
});

describe('findings', () => {
  const names = {
    departments: new Map([
      ['sales', { name_zh: '销售部', name_en: 'Sales' }],
      ['service', { name_zh: '客服部', name_en: 'Service' }],
    ]),
    states: new Map([[STATE.received, { name_zh: '已受理', name_en: 'Received', response_sla_hours: 4 }]]),
  };
  // A busy pair: 250 handoffs, half answered 41 h or more past the 4 h SLA, 10342.3 h over it in all.
  const slow = { from_department: 'sales', to_department: 'service', to_state: STATE.received, handoffs: 250, median_response_hours: 45, p90_response_hours: 80, within_sla_share: 0.1, excess_hours: 10342.3, cases: [3, 7] };
  const onTime = { ...slow, from_department: 'service', excess_hours: 0 };
  // The median handoff on time (3 h of 4), a quarter of them late.
  const tail = { ...slow, from_department: 'tech', median_response_hours: 3, within_sla_share: 0.75, excess_hours: 20 };

  it('explains each bottleneck over its SLA and each ping-pong case in the caller\'s language, with its cases as evidence', () => {
    const zh = describeFindings([slow, onTime, tail], [{ case: 9, departments: ['sales', 'service', 'sales', 'service'], bounces: 1 }], { ...names, departments: new Map([...names.departments, ['tech', { name_zh: '技术部', name_en: 'Tech' }]]) }, 'zh-CN');
    expect(zh.map((f) => [f.kind, f.title, f.impact, f.evidence])).toEqual([
      // The title: the median response less the SLA (45 − 4), not the total excess, which ranks and is in the detail.
      ['bottleneck', '销售部→客服部 交接超时 41 小时', { value: 10342.3, unit: 'hours' }, { cases: [3, 7] }],
      ['bottleneck', '技术部→客服部 25% 的交接超过 4 小时时限', { value: 20, unit: 'hours' }, { cases: [3, 7] }],
      ['ping_pong', '事项 #9 来回转交 1 次', { value: 1, unit: 'bounces' }, { cases: [9] }],
    ]);
    expect(zh[0]?.detail).toBe('250 次交接进入「已受理」(时限 4 小时),响应中位数 45 小时,P90 80 小时,时限内 10%,合计超时 10342.3 小时;涉及 2 个事项。');
    const en = describeFindings([slow, tail], [], names, 'en-US');
    expect(en.map((f) => f.title)).toEqual(['Sales→Service handoffs answered 41 h past their SLA (median)', 'tech→Service: 25% of handoffs over the 4 h SLA']);
    expect(en[0]?.detail).toContain('"Received"');
    expect(en[0]?.detail).toContain('10342.3 h over it in all');
  });
});

describe('evidence stored on an improvement action', () => {
  it('keeps the first EVIDENCE_LIMIT ids of each sort with the full counts, so a busy bottleneck cannot grow the row', () => {
    const cases = Array.from({ length: 5000 }, (_, i) => 10_000 - i);
    const stored = storedEvidence({ kind: 'bottleneck', impact: { value: 10342.3, unit: 'hours' }, evidence: { cases } });
    expect(EVIDENCE_LIMIT).toBe(20);
    expect(stored).toEqual({ kind: 'bottleneck', impact: { value: 10342.3, unit: 'hours' }, evidence: { cases: cases.slice(0, 20) }, total: { cases: 5000 } });
    expect(JSON.stringify(stored).length).toBeLessThan(400);
    // A small finding is kept whole, tasks and people too.
    const small = { kind: 'over_capacity' as const, impact: { value: 24, unit: 'hours' as const }, evidence: { cases: [], tasks: [1, 2], people: ['u1'] } };
    expect(storedEvidence(small)).toEqual({ ...small, total: { cases: 0, tasks: 2, people: 1 } });
    expect(storedEvidence({ ...small, evidence: { cases: [], tasks: Array.from({ length: 30 }, (_, i) => i), people: ['u1'] } }, 5)).toMatchObject({ evidence: { tasks: [0, 1, 2, 3, 4] }, total: { tasks: 30 } });
  });
});
