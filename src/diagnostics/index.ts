import type { Knex } from 'knex';
import type { ServiceContext } from '../directus/services.ts';
import { zoned } from '../evaluation/period.ts';
import { inLanes, type LaneTask } from '../directus/read-lanes.ts';
import type { EvaluationSettings } from '../evaluation/settings.ts';
import { personName } from '../ui/people-names.ts';
import { callerLanguage, type Language } from '../i18n/language.ts';
import type { InsightQuery } from '../insights/query.ts';
import { visibleRows, type Visibility } from '../insights/visibility.ts';
import { anomalies, type Anomaly } from './anomalies.ts';
import { atRisk, type AtRisk } from './at-risk.ts';
import { bottlenecks, type Bottleneck } from './bottlenecks.ts';
import { describeDimensionFindings, rankFindings, type DimensionStats } from './dimension-findings.ts';
import { attendanceByMember, csatGroups, dueTaskFindings, previousWindow, pulseTrend, reopensByResolver, type RowAccess } from './dimensions.ts';
import { describeFindings, type Finding, type Names } from './findings.ts';
import { pingPong, type PingPong } from './ping-pong.ts';

export type { Anomaly, AtRisk, Bottleneck, Finding, PingPong };

/**
 * Diagnostics (metrics.md "Diagnostics (v2)"): where collaboration breaks in a period and scope —
 * bottlenecks, ping-pong cases, anomalous scores and open cases at risk of a breach — each computed by
 * the database over exactly the rows the viewer may read (Insights visibility): the handoffs and
 * cases through `cc_case_events` and `cc_cases`, the scores through `cc_evaluation_scores`. A case is
 * only ever named when the viewer can read it.
 */
export interface Diagnosis {
  period: { starts_on: string; ends_on: string };
  bottlenecks: Bottleneck[];
  ping_pong: PingPong[];
  anomalies: Anomaly[];
  at_risk: AtRisk[];
  /** Ranked, explained statements (the four kinds and the per-dimension findings) in the caller's language. */
  findings: Finding[];
}

type Ctx = ServiceContext & { db: Knex; settings: EvaluationSettings };

/** Everything a diagnosis is computed from, before it is put into words. */
export interface DiagnosisStats extends DimensionStats {
  period: { starts_on: string; ends_on: string };
  bottlenecks: Bottleneck[];
  ping_pong: PingPong[];
  at_risk: AtRisk[];
}

/** What the viewer may read, per collection the diagnostics look at. */
export interface DiagnosisAccess {
  /** `cc_case_events`; each query keeps its own window of it (the handoffs of P, of the last 90 days). */
  events: Visibility;
  cases: Visibility;
  openCases: Visibility;
  scores: Visibility;
  tasks: Visibility;
  responses: Visibility;
  participants: Visibility;
}

/** `DiagnosisAccess` whose answers may still be coming. */
export type PendingAccess = { readonly [K in keyof DiagnosisAccess]: DiagnosisAccess[K] | Promise<DiagnosisAccess[K]> };

/** Sees nothing: what a task is given for a collection it does not read. */
const NOTHING: Visibility = { all: false, ids: [] };

export const SEES_EVERYTHING: DiagnosisAccess = {
  events: { all: true },
  cases: { all: true },
  openCases: { all: true },
  scores: { all: true },
  tasks: { all: true },
  responses: { all: true },
  participants: { all: true },
};

export async function diagnose(ctx: Ctx, query: InsightQuery, now: Date = new Date()): Promise<Diagnosis> {
  const { db } = ctx;
  const period = zoned(query.period, ctx.settings.timeZone);
  const scope = query.scope;
  const caseScope: Record<string, unknown>[] =
    scope.kind === 'department' ? [{ state: { owner_department: { _eq: scope.key } } }] : scope.kind === 'team' ? [{ team: { _eq: scope.key } }] : [];
  const scoreScope: Record<string, unknown>[] =
    scope.kind === 'department' ? [{ scope_kind: { _eq: 'department' } }, { department: { _eq: scope.key } }] : scope.kind === 'team' ? [{ scope_kind: { _eq: 'team' } }, { team: { _eq: scope.key } }] : [];
  // A viewer who may not read a collection at all sees nothing from it, rather than no answer.
  // `window`: a period's rows not cut to the scope (the queries do that), of which a restricted
  // viewer reads a part: their ids are read at once (visibleRows' `idsFirst`).
  const visible = (collection: string, filter: Record<string, unknown>, window = false): Promise<Visibility> =>
    visibleRows(ctx, collection, filter, undefined, { idsFirst: window }).catch((error: unknown) => ((error as { code?: unknown }).code === 'FORBIDDEN' ? { all: false as const, ids: [] } : Promise.reject(error)));
  const before = zoned(previousWindow(query.period), ctx.settings.timeZone);
  // The whole tables first: a viewer who reads all of one reads all of any part of it, and the
  // history is read exactly where its cases are when its rules follow theirs (visibleRows). A window
  // of the history (the handoffs of P, of the last 90 days) is restricted by the history's own
  // answer: each query keeps only its window's rows anyway. The answers are not awaited here: each
  // statement of the diagnosis starts as soon as the answers it needs are in (`diagnosisStats`),
  // on Concord's readers while Directus's connection is still answering the others. One question at a
  // time, as Directus's SQLite connection answers them anyway (on PostgreSQL that keeps them from
  // crowding the lanes' two cores), the history's second, as most statements read by it.
  // Each answer is handled where it is made (`last`), so one that fails before a statement awaits
  // it does not stop Node.
  let last: Promise<unknown> = Promise.resolve();
  const next = (ask: () => Promise<Visibility>): Promise<Visibility> => {
    const answer = last.then(ask, ask);
    last = answer.catch(() => undefined);
    return answer;
  };
  const cases = next(() => visible('cc_cases', {}));
  const events = next(() => visible('cc_case_events', {}));
  const access: PendingAccess = {
    cases,
    events,
    tasks: next(() => visible('cc_tasks', { _and: [{ due_at: { _gte: period.start.toISOString() } }, { due_at: { _lt: period.end.toISOString() } }] }, true)),
    openCases: next(() => cases.then((answer) => (answer.all ? answer : visible('cc_cases', { _and: [{ state: { is_terminal: { _eq: false } } }, ...caseScope] })))),
    responses: next(() => visible('cc_survey_responses', { _and: [{ responded_at: { _gte: before.start.toISOString() } }, { responded_at: { _lt: period.end.toISOString() } }] }, true)),
    scores: next(() => visible('cc_evaluation_scores', { _and: [{ cycle: { status: { _eq: 'published' } } }, ...scoreScope] })),
    participants: next(() => visible('cc_meeting_participants', { _and: [{ meeting: { starts_at: { _gte: period.start.toISOString() } } }, { meeting: { starts_at: { _lt: period.end.toISOString() } } }] }, true)),
  };
  const stats = await diagnosisStats(db, ctx.settings, query, access, now);
  const language = await callerLanguage(db, ctx.accountability?.user);
  const names = await namesFor(db, stats);
  return {
    period: stats.period,
    bottlenecks: stats.bottlenecks,
    ping_pong: stats.ping_pong,
    anomalies: [...stats.anomalies],
    at_risk: stats.at_risk,
    findings: findingsOf(stats, names, language),
  };
}

/**
 * The statistics of a diagnosis over the rows `access` allows, their queries in lanes
 * (src/directus/read-lanes.ts), each starting once the answers it reads by are in.
 */
export async function diagnosisStats(
  db: Knex,
  settings: EvaluationSettings,
  query: Pick<InsightQuery, 'period' | 'scope'>,
  access: PendingAccess,
  now: Date = new Date(),
  options: { atRisk?: boolean } = {},
): Promise<DiagnosisStats> {
  const period = zoned(query.period, settings.timeZone);
  const scope = query.scope;
  // A task and the parts of `access` it reads: it starts when they are known, and is given nothing
  // of the others (a query that read one by mistake would see no row, never too many).
  const reading = <T,>(parts: ReadonlyArray<keyof DiagnosisAccess>, run: (lane: Knex, seen: DiagnosisAccess) => Promise<T>): LaneTask<Knex, T> => {
    const after = Promise.all(parts.map((part) => access[part]));
    return {
      after,
      run: async (lane) => {
        const known = await after;
        const seen: DiagnosisAccess = { cases: NOTHING, events: NOTHING, openCases: NOTHING, scores: NOTHING, tasks: NOTHING, responses: NOTHING, participants: NOTHING };
        parts.forEach((part, at) => (seen[part] = known[at] as Visibility));
        return run(lane, seen);
      },
    };
  };
  const inPeriod = (seen: DiagnosisAccess) => ({ scope, events: seen.events, cases: seen.cases });
  const rowsOf = (seen: DiagnosisAccess): RowAccess => ({ scope, tasks: seen.tasks, responses: seen.responses, participants: seen.participants, events: seen.events, cases: seen.cases });
  // Longest first (their usual cost at a month), so the two lanes end close together.
  const [csat, found, risky, dueTasks, pingPongs, reopens, anomalous, pulse, attendance] = await inLanes(db, [
    reading(['responses', 'events', 'cases'], (lane, seen) => csatGroups(lane, period, rowsOf(seen))),
    reading(['events', 'cases'], (lane, seen) => bottlenecks(lane, period, inPeriod(seen))),
    reading(['events', 'openCases'], (lane, seen) => (options.atRisk === false ? Promise.resolve([]) : atRisk(lane, now, { scope, events: seen.events, cases: seen.openCases }))),
    reading(['tasks'], (lane, seen) => dueTaskFindings(lane, period, rowsOf(seen), { now, settings })),
    reading(['events', 'cases'], (lane, seen) => pingPong(lane, period, inPeriod(seen))),
    reading(['events', 'cases'], (lane, seen) => reopensByResolver(lane, period, rowsOf(seen))),
    reading(['scores'], (lane, seen) => anomalies(lane, query.period, scope, seen.scores)),
    reading(['responses'], (lane, seen) => pulseTrend(lane, period, rowsOf(seen), settings.timeZone)),
    reading(['participants'], (lane, seen) => attendanceByMember(lane, period, rowsOf(seen))),
  ] as const);
  return {
    period: { starts_on: query.period.starts_on, ends_on: query.period.ends_on },
    bottlenecks: found,
    ping_pong: pingPongs,
    anomalies: anomalous,
    at_risk: risky,
    late_tasks: dueTasks.late,
    reopens,
    csat,
    loads: dueTasks.loads,
    attendance,
    pulse,
  };
}

/** The names the statements use: departments, the states, projects, people and products they mention. */
export async function namesFor(db: Knex, stats: DiagnosisStats): Promise<Names> {
  const stateIds = [...new Set([...stats.bottlenecks.map((b) => b.to_state), ...stats.reopens.flatMap((r) => (r.state === null ? [] : [r.state]))])];
  const projectIds = [...new Set(stats.late_tasks.flatMap((t) => (t.project === null ? [] : [t.project])))];
  const people = [...new Set([...stats.late_tasks.flatMap((t) => (t.assignee === null ? [] : [t.assignee])), ...stats.loads.map((m) => m.user), ...stats.attendance.map((a) => a.user)])];
  const productIds = [...new Set(stats.csat.flatMap((g) => (g.by === 'product' ? [g.group as number] : [])))];
  const departments: Array<{ code: string; name_zh: string; name_en: string | null }> = await db('cc_departments').select('code', 'name_zh', 'name_en');
  const states: Array<{ id: number; name_zh: string; name_en: string | null; response_sla_hours: unknown }> =
    stateIds.length === 0 ? [] : await db('cc_workflow_states').select('id', 'name_zh', 'name_en', 'response_sla_hours').whereIn('id', stateIds);
  const projects: Array<{ id: number; name: string | null }> = projectIds.length === 0 ? [] : await db('cc_projects').select('id', 'name').whereIn('id', projectIds);
  const users: Array<{ id: string; first_name: string | null; last_name: string | null }> = people.length === 0 ? [] : await db('directus_users').select('id', 'first_name', 'last_name').whereIn('id', people);
  const products: Array<{ id: number; name: string | null }> = productIds.length === 0 ? [] : await db('cc_products').select('id', 'name').whereIn('id', productIds);
  return {
    departments: new Map(departments.map((d) => [d.code, d])),
    states: new Map(states.map((s) => [Number(s.id), { name_zh: s.name_zh, name_en: s.name_en, response_sla_hours: s.response_sla_hours === null || s.response_sla_hours === undefined ? null : Number(s.response_sla_hours) }])),
    projects: new Map(projects.map((p) => [Number(p.id), p.name ?? `#${p.id}`])),
    people: new Map(users.flatMap((u) => (personName(u) === '' ? [] : [[u.id, personName(u)] as const]))),
    products: new Map(products.map((p) => [Number(p.id), p.name ?? `#${p.id}`])),
  };
}

export function findingsOf(stats: DiagnosisStats, names: Names, language: Language): Finding[] {
  return rankFindings([...describeFindings(stats.bottlenecks, stats.ping_pong, names, language), ...describeDimensionFindings(stats, names, language)]);
}
