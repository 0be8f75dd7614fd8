/**
 * What is truly there, recomputed for the diagnostics bench without src/diagnostics: plain reads of
 * the raw tables of a planted SQLite company and straightforward JavaScript over them, following
 * metrics.md "Diagnostics (v2)" (and §1 for response times) and the per-dimension rules written in
 * the header of src/diagnostics/dimensions.ts, for one department and one period. The bench judges
 * each finding the endpoint returned against it: a finding is true when the recomputation finds the
 * same thing with the same numbers. A benchmark may read whole tables; the product never does.
 *
 * Not recomputed (their findings are reported as unchecked): CSAT by handoffs, product and path, and
 * the pulse trend.
 */
import type { Knex } from 'knex';
import { workingDays } from '../../src/evaluation/period.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Event {
  id: number;
  case: number;
  to_state: number | null;
  transition: number | null;
  actor_department: string | null;
  occurred_at: number;
  is_handoff: boolean;
  is_override: boolean;
}

export interface Truth {
  /** `${from}|${to}|${state}` → excess hours and the cases. */
  bottlenecks: Map<string, { excess: number; cases: Set<number> }>;
  pingPong: Map<number, number>;
  /** dimension → (baseline − value) of each listed drop. */
  drops: Array<{ period_kind: string; dimension: string; drop: number; deviation: number }>;
  /** Open cases in the department's states → breach probability (null when fewer than 10 comparable). */
  atRisk: Map<number, number | null>;
  /** `${project}|${assignee}` → the late tasks of the groups listed (at least 2 late, at least half of those due). */
  lateTasks: Map<string, number[]>;
  loads: Map<string, { logged: number; tasks: number }>;
  capacity: number;
  attendance: Map<string, { invitations: number; attended: number }>;
  /** `${department}|${state}` → reopens and their cases. */
  reopens: Map<string, { reopens: number; cases: Set<number> }>;
}

const ms = (value: unknown): number => (typeof value === 'number' ? value : Date.parse(String(value)));
const bool = (value: unknown): boolean => value === true || value === 1 || value === '1' || value === 'true';
const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 === 1 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
};

export async function recompute(db: Knex, month: { starts_on: string; ends_on: string }, department: string, now: number): Promise<Truth> {
  // Asia/Shanghai (the bench companies' zone) has no daylight saving: midnight is +08:00.
  const start = Date.parse(`${month.starts_on}T00:00:00+08:00`);
  const end = Date.parse(`${month.ends_on}T00:00:00+08:00`);
  const states = new Map(
    (await db('cc_workflow_states').select('id', 'owner_department', 'response_sla_hours', 'is_terminal')).map((s) => [
      Number(s.id),
      { owner: String(s.owner_department), sla: s.response_sla_hours === null ? null : Number(s.response_sla_hours), terminal: bool(s.is_terminal) },
    ]),
  );
  const transitions = new Map((await db('cc_workflow_transitions').select('id', 'is_reopen', 'is_resolution')).map((t) => [Number(t.id), { reopen: bool(t.is_reopen), resolution: bool(t.is_resolution) }]));
  const events: Event[] = (await db('cc_case_events').select('id', 'case', 'to_state', 'transition', 'actor_department', 'occurred_at', 'is_handoff', 'is_override')).map((e) => ({
    id: Number(e.id),
    case: Number(e.case),
    to_state: e.to_state === null ? null : Number(e.to_state),
    transition: e.transition === null ? null : Number(e.transition),
    actor_department: e.actor_department ?? null,
    occurred_at: ms(e.occurred_at),
    is_handoff: bool(e.is_handoff),
    is_override: bool(e.is_override),
  }));
  const byCase = new Map<number, Event[]>();
  for (const e of events) {
    if (e.is_override) continue; // Override rows are ignored by every metric.
    const list = byCase.get(e.case) ?? [];
    list.push(e);
    byCase.set(e.case, list);
  }
  for (const list of byCase.values()) list.sort((a, b) => a.occurred_at - b.occurred_at || a.id - b.id);
  /** §1: min(t1, end) − occurred_at, t1 the earliest strictly later row of the case by the receiver. */
  const responseHours = (e: Event, windowEnd: number): number => {
    const receiver = states.get(e.to_state as number)?.owner;
    const answer = (byCase.get(e.case) ?? []).find((r) => r.occurred_at > e.occurred_at && r.actor_department === receiver);
    return (Math.min(answer?.occurred_at ?? windowEnd, windowEnd) - e.occurred_at) / HOUR;
  };
  const handoffsIn = (from: number, to: number) => [...byCase.values()].flat().filter((e) => e.is_handoff && e.occurred_at >= from && e.occurred_at < to);

  // Bottlenecks: the handoffs the department received in P.
  const bottlenecks = new Map<string, { excess: number; cases: Set<number> }>();
  const inP = handoffsIn(start, end);
  for (const e of inP) {
    const state = states.get(e.to_state as number)!;
    if (state.owner !== department) continue;
    const key = `${e.actor_department ?? ''}|${state.owner}|${e.to_state}`;
    const group = bottlenecks.get(key) ?? { excess: 0, cases: new Set<number>() };
    const hours = responseHours(e, end);
    if (state.sla !== null && state.sla > 0) group.excess += Math.max(0, hours - state.sla);
    group.cases.add(e.case);
    bottlenecks.set(key, group);
  }

  // Ping-pong: the cases with a handoff the department received in P, over all their handoffs in P.
  const pingPong = new Map<number, number>();
  const scopedCases = new Set(inP.filter((e) => states.get(e.to_state as number)?.owner === department).map((e) => e.case));
  for (const id of scopedCases) {
    const pairs = new Map<string, number>();
    for (const e of (byCase.get(id) ?? []).filter((x) => x.is_handoff && x.occurred_at >= start && x.occurred_at < end)) {
      const key = `${e.actor_department}>${states.get(e.to_state as number)?.owner}`;
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
    const bounces = [...pairs.values()].reduce((sum, n) => sum + n - 1, 0);
    if (bounces >= 1) pingPong.set(id, bounces);
  }

  // Anomalies: the department's scores, latest published cycle of each kind against up to 6 before it.
  const cycles = (await db('cc_evaluation_cycles').select('id', 'period_kind', 'starts_on').where('status', 'published')).filter((c) => ms(c.starts_on) < Date.parse(`${month.ends_on}T00:00:00Z`));
  const scores = await db('cc_evaluation_scores').select('cycle', 'dimension', 'score').where({ scope_kind: 'department', department });
  const drops: Truth['drops'] = [];
  for (const kind of new Set(cycles.map((c) => String(c.period_kind)))) {
    const ordered = cycles.filter((c) => c.period_kind === kind).sort((a, b) => ms(b.starts_on) - ms(a.starts_on));
    const [latest, ...earlier] = ordered;
    if (!latest) continue;
    const history = earlier.slice(0, 6).map((c) => Number(c.id));
    for (const dimension of new Set(scores.map((s) => String(s.dimension)))) {
      const value = scores.find((s) => Number(s.cycle) === Number(latest.id) && s.dimension === dimension)?.score;
      const before = scores.filter((s) => history.includes(Number(s.cycle)) && s.dimension === dimension && s.score !== null).map((s) => Number(s.score));
      if (value === null || value === undefined || before.length < 3) continue;
      const baseline = median(before);
      const mad = median(before.map((x) => Math.abs(x - baseline)));
      const deviation = (Number(value) - baseline) / Math.max(1.4826 * mad, 5);
      if (Math.abs(deviation) >= 2.5 && deviation < 0) drops.push({ period_kind: kind, dimension, drop: baseline - Number(value), deviation });
    }
  }

  // At risk: open cases in the department's states with an SLA and h < s; T over the 90 days before now.
  const atRisk = new Map<number, number | null>();
  const recent = handoffsIn(now - 90 * DAY, now);
  const timesOf = new Map<number, number[]>();
  const stateTimes = (state: number) => {
    let times = timesOf.get(state);
    if (!times) timesOf.set(state, (times = recent.filter((e) => e.to_state === state).map((e) => responseHours(e, now))));
    return times;
  };
  const cases = await db('cc_cases').select('id', 'state', 'state_entered_at', 'team', 'customer');
  for (const c of cases) {
    const state = states.get(Number(c.state));
    if (!state || state.terminal || state.owner !== department || !(state.sla && state.sla > 0) || c.state_entered_at === null) continue;
    const h = (now - ms(c.state_entered_at)) / HOUR;
    if (h >= state.sla) continue;
    const times = stateTimes(Number(c.state));
    const overH = times.filter((t) => t > h).length;
    atRisk.set(Number(c.id), overH < 10 ? null : times.filter((t) => t > (state.sla as number)).length / overH);
  }

  // Late tasks of the department due in P: done after due, or not done and due before min(now, end).
  const tasks = (await db('cc_tasks').select('id', 'project', 'assignee', 'department', 'due_at', 'done_at', 'logged_hours')).filter((t) => t.due_at !== null && ms(t.due_at) >= start && ms(t.due_at) < end);
  const lateTasks = new Map<string, number[]>();
  const dueTasks = new Map<string, number>();
  const cutoff = Math.min(now, end);
  for (const t of tasks) {
    if (t.department !== department) continue;
    const late = t.done_at !== null ? ms(t.done_at) > ms(t.due_at) : ms(t.due_at) < cutoff;
    const key = `${t.project ?? ''}|${t.assignee ?? ''}`;
    dueTasks.set(key, (dueTasks.get(key) ?? 0) + 1);
    if (!late) continue;
    lateTasks.set(key, [...(lateTasks.get(key) ?? []), Number(t.id)]);
  }
  // Listed: at least 2 late, and at least half of the group's tasks due.
  for (const [key, ids] of lateTasks) if (ids.length < 2 || 2 * ids.length < (dueTasks.get(key) ?? 0)) lateTasks.delete(key);

  // Loads: the department's active users, hours logged on their tasks due in P.
  const members = new Set((await db('directus_users').select('id').where({ status: 'active', cc_department: department })).map((u) => String(u.id)));
  const loads = new Map<string, { logged: number; tasks: number }>();
  for (const t of tasks) {
    if (t.assignee === null || !members.has(String(t.assignee))) continue;
    const load = loads.get(String(t.assignee)) ?? { logged: 0, tasks: 0 };
    load.logged += Number(t.logged_hours ?? 0);
    load.tasks += 1;
    loads.set(String(t.assignee), load);
  }
  const capacity = workingDays(month).length * 8;

  // Attendance: invitations of the department's users to meetings starting in P.
  const attendance = new Map<string, { invitations: number; attended: number }>();
  const invited = await db('cc_meeting_participants as mp').join('cc_meetings as m', 'm.id', 'mp.meeting').join('directus_users as u', 'u.id', 'mp.user').where('u.cc_department', department).select('mp.user', 'mp.attended', 'm.starts_at');
  for (const row of invited) {
    if (!(ms(row.starts_at) >= start && ms(row.starts_at) < end)) continue;
    const a = attendance.get(String(row.user)) ?? { invitations: 0, attended: 0 };
    a.invitations += 1;
    if (bool(row.attended)) a.attended += 1;
    attendance.set(String(row.user), a);
  }

  // Reopens in P, charged to the department and state of the latest resolution before each.
  const reopens = new Map<string, { reopens: number; cases: Set<number> }>();
  for (const list of byCase.values()) {
    for (const [i, e] of list.entries()) {
      if (e.transition === null || !transitions.get(e.transition)?.reopen || e.occurred_at < start || e.occurred_at >= end) continue;
      const resolution = list.slice(0, i).filter((r) => r.transition !== null && transitions.get(r.transition)?.resolution && r.occurred_at < e.occurred_at).pop();
      if (!resolution || resolution.actor_department !== department) continue;
      const key = `${resolution.actor_department}|${resolution.to_state}`;
      const group = reopens.get(key) ?? { reopens: 0, cases: new Set<number>() };
      group.reopens += 1;
      group.cases.add(e.case);
      reopens.set(key, group);
    }
  }
  return { bottlenecks, pingPong, drops, atRisk, lateTasks, loads, capacity, attendance, reopens };
}

export interface JudgedFinding {
  kind: string;
  impact: { value: number };
  evidence: { cases: number[]; tasks?: number[]; people?: string[] };
}

export type Verdict = 'planted' | 'true' | 'false' | 'unchecked';

const close = (a: number, b: number) => Math.abs(a - b) < 0.01 * Math.max(1, Math.abs(b));
const sameSet = (a: readonly (number | string)[], b: Iterable<number | string>) => {
  const s = new Set(b);
  return a.length === s.size && a.every((x) => s.has(x));
};

/** Whether a finding is planted, truly there by the recomputation, not there, or of a kind not recomputed. */
export function judge(f: JudgedFinding, truth: Truth, planted: { pairKey: string; pingPong: Set<number>; overloaded: string | null; utilisationTarget: number }): Verdict {
  const person = f.evidence.people?.[0] ?? null;
  switch (f.kind) {
    case 'bottleneck': {
      const hit = [...truth.bottlenecks.entries()].find(([, g]) => g.excess > 0 && close(g.excess, f.impact.value) && sameSet(f.evidence.cases, g.cases));
      return hit ? (hit[0] === planted.pairKey ? 'planted' : 'true') : 'false';
    }
    case 'ping_pong': {
      const id = f.evidence.cases[0] as number;
      if (planted.pingPong.has(id)) return 'planted';
      return truth.pingPong.get(id) === f.impact.value ? 'true' : 'false';
    }
    case 'anomaly':
      return truth.drops.some((d) => close(d.drop, f.impact.value)) ? (truth.drops.some((d) => d.dimension === 'communication' && d.period_kind === 'monthly' && close(d.drop, f.impact.value)) ? 'planted' : 'true') : 'false';
    case 'late_tasks': {
      const hit = [...truth.lateTasks.entries()].find(([key, ids]) => key.endsWith(`|${person ?? ''}`) && sameSet(f.evidence.tasks ?? [], ids));
      return hit && hit[1].length === f.impact.value ? 'true' : 'false';
    }
    case 'over_capacity': {
      if (person !== null && person === planted.overloaded) return 'planted';
      const load = truth.loads.get(person ?? '');
      return load && load.logged > truth.capacity && close(load.logged - truth.capacity, f.impact.value) ? 'true' : 'false';
    }
    case 'under_capacity': {
      const load = truth.loads.get(person ?? '');
      return load && load.tasks > 0 && load.logged < (planted.utilisationTarget / 2) * truth.capacity && close(planted.utilisationTarget * truth.capacity - load.logged, f.impact.value) ? 'true' : 'false';
    }
    case 'attendance': {
      const a = truth.attendance.get(person ?? '');
      return a && a.invitations - a.attended === f.impact.value && a.invitations - a.attended >= 2 && 2 * a.attended < a.invitations ? 'true' : 'false';
    }
    case 'reopens': {
      const hit = [...truth.reopens.values()].find((g) => g.reopens === f.impact.value && sameSet(f.evidence.cases, g.cases));
      return hit ? 'true' : 'false';
    }
    default:
      return 'unchecked';
  }
}
