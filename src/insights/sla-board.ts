import type { Knex } from 'knex';
import type { Item, ServiceContext } from '../directus/services.ts';
import { zoned } from '../evaluation/period.ts';
import type { EvaluationSettings } from '../evaluation/settings.ts';
import { count, num } from '../evaluation/sql.ts';
import type { InsightQuery } from './query.ts';

/**
 * The SLA and open-case board: the viewer's open cases by state (and so by owning department), how
 * many are past the state's response SLA, the oldest of them with a link each, and the SLA breaches
 * recorded in the period. Everything is read through Directus with the viewer's own permissions
 * (counts by its aggregate queries), so the board shows exactly the cases the viewer can open.
 */

export interface StateLine {
  state: number;
  name_zh: string;
  name_en: string | null;
  owner_department: string;
  response_sla_hours: number | null;
  open: number;
  overdue: number;
}

export interface OpenCase {
  id: number;
  title: string;
  priority: string | null;
  state: number;
  team: string | null;
  entered_at: string;
  age_hours: number;
  sla_hours: number | null;
  overdue: boolean;
}

/** An open case the early warning found at risk of breaching its state's response SLA. */
export interface AtRiskMark {
  id: number;
  title: string;
  state: number;
  due_at: string;
  hours_left: number;
}

export interface SlaBoard {
  period: InsightQuery['period'];
  states: StateLine[];
  oldest: OpenCase[];
  breaches: { response: number; resolution: number };
  /** Open cases at risk of a breach in their current state, soonest due first (at most AT_RISK_LIMIT). */
  at_risk: AtRiskMark[];
}

export const AT_RISK_LIMIT = 20;

type Ctx = ServiceContext & { db: Knex; settings: EvaluationSettings };

const HOUR = 3_600_000;

export async function slaBoard(ctx: Ctx, query: InsightQuery, now: Date = new Date()): Promise<SlaBoard> {
  const items = (collection: string) => new ctx.services.ItemsService(collection, { schema: ctx.schema, accountability: ctx.accountability, knex: ctx.db });
  const scope: Record<string, unknown>[] =
    query.scope.kind === 'department' ? [{ state: { owner_department: { _eq: query.scope.key } } }] : query.scope.kind === 'team' ? [{ team: { _eq: query.scope.key } }] : [];
  const open = { _and: [{ state: { is_terminal: { _eq: false } } }, ...scope] };
  const cases = items('cc_cases');
  const period = zoned(query.period, ctx.settings.timeZone);
  const breachScope: Record<string, unknown>[] =
    query.scope.kind === 'department' ? [{ state: { owner_department: { _eq: query.scope.key } } }] : query.scope.kind === 'team' ? [{ case: { team: { _eq: query.scope.key } } }] : [];
  // A viewer who may not read breach records at all sees none.
  const noneIfForbidden = (error: unknown): Promise<Item[]> => ((error as { code?: unknown }).code === 'FORBIDDEN' ? Promise.resolve([]) : Promise.reject(error));
  // At-risk marks come from the early warning's claims (cc_sla_breaches of kind `at_risk`, written by
  // the SLA schedule every few minutes, src/diagnostics/early-warning.ts), not from the diagnostics
  // endpoint: one small indexed read through the viewer's permissions, instead of recomputing every
  // state's 90-day response history on each board load. A claim counts while its case is still open
  // in the same state, in the same stay (claimed after it entered the state), and not yet due.
  const riskScope: Record<string, unknown>[] =
    query.scope.kind === 'department' ? [{ state: { owner_department: { _eq: query.scope.key } } }] : query.scope.kind === 'team' ? [{ case: { team: { _eq: query.scope.key } } }] : [];
  // The reads do not depend on one another, but for the overdue count on the states' SLAs: all are
  // asked at once, so the board waits for the slowest of them rather than for their sum.
  const statesRead: Promise<Array<{ id: number; name_zh: string; name_en: string | null; owner_department: string; response_sla_hours: unknown }>> = ctx
    .db('cc_workflow_states')
    .select('id', 'name_zh', 'name_en', 'owner_department', 'response_sla_hours')
    .where((q) => q.where('is_terminal', false).orWhereNull('is_terminal'))
    .then((found) => found);
  const overdueRead = statesRead.then((states) => {
    const withSla = states.filter((s) => (num(s.response_sla_hours) ?? 0) > 0);
    if (withSla.length === 0) return [] as Item[];
    const overdueFilter = {
      _and: [...open._and, { _or: withSla.map((s) => ({ _and: [{ state: { _eq: s.id } }, { state_entered_at: { _lte: new Date(now.getTime() - (num(s.response_sla_hours) as number) * HOUR).toISOString() } }] })) }],
    };
    return cases.readByQuery({ filter: overdueFilter, aggregate: { countDistinct: ['id'] }, group: ['state'] });
  });
  const [states, openByState, overdueByState, oldest, breachGroups, claims] = await Promise.all([
    statesRead,
    cases.readByQuery({ filter: open, aggregate: { countDistinct: ['id'] }, group: ['state'] }),
    overdueRead,
    cases.readByQuery({ filter: open, fields: ['id', 'title', 'priority', 'state', 'state_entered_at', 'team.name'], sort: ['state_entered_at'], limit: 20 }),
    items('cc_sla_breaches')
      .readByQuery({
        filter: { _and: [{ detected_at: { _gte: period.start.toISOString() } }, { detected_at: { _lt: period.end.toISOString() } }, ...breachScope] },
        aggregate: { countDistinct: ['id'] },
        group: ['kind'],
      })
      .catch(noneIfForbidden),
    items('cc_sla_breaches')
      .readByQuery({
        filter: { _and: [{ kind: { _eq: 'at_risk' } }, { due_at: { _gt: now.toISOString() } }, { case: { state: { is_terminal: { _eq: false } } } }, ...riskScope] },
        fields: ['state', 'due_at', 'detected_at', 'case.id', 'case.title', 'case.state', 'case.state_entered_at'],
        sort: ['due_at'],
        limit: AT_RISK_LIMIT * 2,
      })
      .catch(noneIfForbidden),
  ]);
  const tally = (groups: Item[]) => new Map(groups.map((g) => [Number(g['state']), count((g['countDistinct'] as Item | undefined)?.['id'])]));
  const openCounts = tally(openByState);
  const overdueCounts = tally(overdueByState);
  const stateById = new Map(states.map((s: { id: number }) => [Number(s.id), s]));
  const lines: StateLine[] = [...openCounts.entries()].map(([id, n]) => {
    const s = stateById.get(id) as { name_zh: string; name_en: string | null; owner_department: string; response_sla_hours: unknown } | undefined;
    return {
      state: id,
      name_zh: s?.name_zh ?? String(id),
      name_en: s?.name_en ?? null,
      owner_department: s?.owner_department ?? '',
      response_sla_hours: num(s?.response_sla_hours),
      open: n,
      overdue: overdueCounts.get(id) ?? 0,
    };
  });
  lines.sort((a, b) => b.overdue - a.overdue || b.open - a.open);

  const breaches = { response: 0, resolution: 0 };
  for (const g of breachGroups) {
    const kind = g['kind'] as 'response' | 'resolution';
    if (kind in breaches) breaches[kind] = count((g['countDistinct'] as Item | undefined)?.['id']);
  }

  const atRisk: AtRiskMark[] = [];
  for (const claim of claims) {
    const about = claim['case'] as Item | null;
    if (!about || Number(about['state']) !== Number(claim['state'])) continue;
    const detected = new Date(String(claim['detected_at']));
    const entered = new Date(String(about['state_entered_at']));
    if (detected.getTime() < entered.getTime()) continue;
    const due = new Date(String(claim['due_at']));
    if (atRisk.some((r) => r.id === Number(about['id']))) continue;
    atRisk.push({ id: Number(about['id']), title: String(about['title'] ?? ''), state: Number(claim['state']), due_at: due.toISOString(), hours_left: (due.getTime() - now.getTime()) / HOUR });
    if (atRisk.length >= AT_RISK_LIMIT) break;
  }

  return {
    period: query.period,
    at_risk: atRisk,
    states: lines,
    oldest: oldest.map((row) => {
      const state = stateById.get(Number(row['state'])) as { response_sla_hours: unknown } | undefined;
      const entered = new Date(String(row['state_entered_at']));
      const age = (now.getTime() - entered.getTime()) / HOUR;
      const sla = num(state?.response_sla_hours);
      return {
        id: Number(row['id']),
        title: String(row['title']),
        priority: (row['priority'] as string | null) ?? null,
        state: Number(row['state']),
        team: ((row['team'] as Item | null)?.['name'] as string | undefined) ?? null,
        entered_at: entered.toISOString(),
        age_hours: age,
        sla_hours: sla,
        overdue: sla !== null && sla > 0 && age > sla,
      };
    }),
    breaches,
  };
}
