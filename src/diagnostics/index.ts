import type { Knex } from 'knex';
import type { ServiceContext } from '../directus/services.ts';
import { zoned } from '../evaluation/period.ts';
import type { EvaluationSettings } from '../evaluation/settings.ts';
import { callerLanguage } from '../i18n/language.ts';
import type { InsightQuery } from '../insights/query.ts';
import { visibleRows, type Visibility } from '../insights/visibility.ts';
import { anomalies, type Anomaly } from './anomalies.ts';
import { atRisk, HISTORY_DAYS, type AtRisk } from './at-risk.ts';
import { bottlenecks, type Bottleneck } from './bottlenecks.ts';
import { describeFindings, type Finding } from './findings.ts';
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
  /** One explained statement per bottleneck over its SLA and per ping-pong case, in the caller's language. */
  findings: Finding[];
}

type Ctx = ServiceContext & { db: Knex; settings: EvaluationSettings };

export async function diagnose(ctx: Ctx, query: InsightQuery, now: Date = new Date()): Promise<Diagnosis> {
  const { db } = ctx;
  const period = zoned(query.period, ctx.settings.timeZone);
  const scope = query.scope;
  const caseScope: Record<string, unknown>[] =
    scope.kind === 'department' ? [{ state: { owner_department: { _eq: scope.key } } }] : scope.kind === 'team' ? [{ team: { _eq: scope.key } }] : [];
  const handoffsBetween = (start: Date, end: Date) => ({
    _and: [{ is_handoff: { _eq: true } }, { occurred_at: { _gte: start.toISOString() } }, { occurred_at: { _lt: end.toISOString() } }],
  });
  const scoreScope: Record<string, unknown>[] =
    scope.kind === 'department' ? [{ scope_kind: { _eq: 'department' } }, { department: { _eq: scope.key } }] : scope.kind === 'team' ? [{ scope_kind: { _eq: 'team' } }, { team: { _eq: scope.key } }] : [];
  // A viewer who may not read a collection at all sees nothing from it, rather than no answer.
  const visible = (collection: string, filter: Record<string, unknown>): Promise<Visibility> =>
    visibleRows(ctx, collection, filter).catch((error: unknown) => ((error as { code?: unknown }).code === 'FORBIDDEN' ? { all: false as const, ids: [] } : Promise.reject(error)));
  // One after another: SQLite serves a single connection, and PostgreSQL keeps a pool free.
  const cases = await visible('cc_cases', {});
  const periodEvents = await visible('cc_case_events', handoffsBetween(period.start, period.end));
  const recentEvents = await visible('cc_case_events', handoffsBetween(new Date(now.getTime() - HISTORY_DAYS * 86_400_000), now));
  const openCases = cases.all ? cases : await visible('cc_cases', { _and: [{ state: { is_terminal: { _eq: false } } }, ...caseScope] });
  const scores = await visible('cc_evaluation_scores', { _and: [{ cycle: { status: { _eq: 'published' } } }, ...scoreScope] });
  const inPeriod = { scope, events: periodEvents, cases };
  const found = { bottlenecks: await bottlenecks(db, period, inPeriod), ping_pong: await pingPong(db, period, inPeriod) };
  const [departments, states, language] = await Promise.all([
    db('cc_departments').select('code', 'name_zh', 'name_en'),
    db('cc_workflow_states').select('id', 'name_zh', 'name_en').whereIn('id', [...new Set(found.bottlenecks.map((b) => b.to_state))]),
    callerLanguage(db, ctx.accountability?.user),
  ]);
  const names = {
    departments: new Map(departments.map((d: { code: string; name_zh: string; name_en: string | null }) => [d.code, d])),
    states: new Map(states.map((s: { id: number; name_zh: string; name_en: string | null }) => [Number(s.id), s])),
  };
  return {
    period: { starts_on: query.period.starts_on, ends_on: query.period.ends_on },
    ...found,
    anomalies: await anomalies(db, query.period, scope, scores),
    at_risk: await atRisk(db, now, { scope, events: recentEvents, cases: openCases }),
    findings: describeFindings(found.bottlenecks, found.ping_pong, names, language),
  };
}
