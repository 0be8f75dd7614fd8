import type { Knex } from 'knex';
import type { Item, ServiceContext } from '../directus/services.ts';
import { fromDbTime, toDbTime } from '../directus/time.ts';
import { zoned } from '../evaluation/period.ts';
import type { EvaluationSettings } from '../evaluation/settings.ts';
import { count, inIds, num } from '../evaluation/sql.ts';
import type { InsightQuery } from './query.ts';
import { readsWholeCollection, visibleRows } from './visibility.ts';

/**
 * The SLA and open-case board: the viewer's open cases by state (and so by owning department), how
 * many are past the state's response SLA, the oldest of them with a link each, and the SLA breaches
 * recorded in the period, so the board shows exactly the cases the viewer can open. The open cases
 * are counted and listed in SQL over the rows the viewer may read (src/insights/visibility.ts: all of
 * them, when Directus counts as many for the viewer as the SQL finds, else the ids Directus returns).
 * Breaches and at-risk marks are read in SQL by whoever reads every case and every breach; anyone
 * else reads them through Directus with their own permissions, asked only when there is any.
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
  const { db } = ctx;
  const items = (collection: string) => new ctx.services.ItemsService(collection, { schema: ctx.schema, accountability: ctx.accountability, knex: db });
  const scope: Record<string, unknown>[] =
    query.scope.kind === 'department' ? [{ state: { owner_department: { _eq: query.scope.key } } }] : query.scope.kind === 'team' ? [{ team: { _eq: query.scope.key } }] : [];
  const open = { _and: [{ state: { is_terminal: { _eq: false } } }, ...scope] };
  const period = zoned(query.period, ctx.settings.timeZone);
  const breachScope: Record<string, unknown>[] =
    query.scope.kind === 'department' ? [{ state: { owner_department: { _eq: query.scope.key } } }] : query.scope.kind === 'team' ? [{ case: { team: { _eq: query.scope.key } } }] : [];
  // A viewer who may not read breach records at all sees none.
  const noneIfForbidden = (error: unknown): Promise<Item[]> => ((error as { code?: unknown }).code === 'FORBIDDEN' ? Promise.resolve([]) : Promise.reject(error));
  // At-risk marks come from the early warning's claims (cc_sla_breaches of kind `at_risk`, written by
  // the SLA schedule every few minutes, src/diagnostics/early-warning.ts), not from the diagnostics
  // endpoint: one small indexed read, instead of recomputing every state's 90-day response history on
  // each board load. A claim counts while its case is still open in the same state, in the same stay
  // (claimed after it entered the state), and not yet due.
  const riskScope: Record<string, unknown>[] =
    query.scope.kind === 'department' ? [{ state: { owner_department: { _eq: query.scope.key } } }] : query.scope.kind === 'team' ? [{ case: { team: { _eq: query.scope.key } } }] : [];
  const states: Array<{ id: number; name_zh: string; name_en: string | null; owner_department: string; response_sla_hours: unknown }> = await db('cc_workflow_states')
    .select('id', 'name_zh', 'name_en', 'owner_department', 'response_sla_hours')
    .where((q) => q.where('is_terminal', false).orWhereNull('is_terminal'));

  // The open cases in scope (the same rows as the filter `open`), limited to `ids` when given.
  const openCases = (ids?: readonly number[]) => {
    const q = db('cc_cases as c').join('cc_workflow_states as ws', 'ws.id', 'c.state').where('ws.is_terminal', false);
    if (query.scope.kind === 'department') q.where('ws.owner_department', query.scope.key);
    else if (query.scope.kind === 'team') q.where('c.team', query.scope.key);
    if (ids) {
      const list = inIds(db, 'c.id', ids);
      q.whereRaw(list.sql, [list.binding]);
    }
    return q;
  };
  const visible = await visibleRows(ctx, 'cc_cases', open, async () => count(((await openCases().count({ n: '*' })) as Array<{ n: unknown }>)[0]?.n));
  const ids = visible.all ? undefined : visible.ids;

  // Open and overdue per state in one grouped pass: overdue is past the state's response SLA.
  const withSla = states.filter((s) => (num(s.response_sla_hours) ?? 0) > 0);
  const overdue = withSla.map(() => '(c.state = ? and c.state_entered_at <= ?)').join(' or ');
  const overdueBindings = withSla.flatMap((s) => [s.id, toDbTime(db, new Date(now.getTime() - (num(s.response_sla_hours) as number) * HOUR))]);
  const [byState, oldest, breachGroups, claims] = await Promise.all([
    openCases(ids)
      .select('c.state')
      .count({ open: '*' })
      .select(db.raw(`sum(case when ${overdue || '1 = 0'} then 1 else 0 end) as overdue`, overdueBindings as Knex.RawBinding[]))
      .groupBy('c.state') as Promise<Array<{ state: unknown; open: unknown; overdue: unknown }>>,
    openCases(ids)
      .leftJoin('cc_teams as t', 't.id', 'c.team')
      .select('c.id', 'c.title', 'c.priority', 'c.state', 'c.state_entered_at', 't.name as team_name')
      .orderBy([{ column: 'c.state_entered_at', order: 'asc' }, { column: 'c.id', order: 'asc' }])
      .limit(20) as Promise<Array<Record<string, unknown>>>,
    breachCounts(),
    atRiskClaims(),
  ]);

  async function bothReadWhole(): Promise<boolean> {
    const [breaches, cases] = await Promise.all([readsWholeCollection(db, ctx.accountability, 'cc_sla_breaches'), readsWholeCollection(db, ctx.accountability, 'cc_cases')]);
    return breaches && cases;
  }

  /** Breaches detected in the period, by kind, as `{ kind, n }`. */
  async function breachCounts(): Promise<Array<{ kind: unknown; n: unknown }>> {
    const q = db('cc_sla_breaches as b').where('b.detected_at', '>=', toDbTime(db, period.start)).andWhere('b.detected_at', '<', toDbTime(db, period.end));
    if (query.scope.kind === 'department') q.join('cc_workflow_states as bs', 'bs.id', 'b.state').where('bs.owner_department', query.scope.key);
    else if (query.scope.kind === 'team') q.join('cc_cases as bc', 'bc.id', 'b.case').where('bc.team', query.scope.key);
    const found = (await q.clone().select('b.kind').count({ n: '*' }).groupBy('b.kind')) as Array<{ kind: unknown; n: unknown }>;
    // None at all, or a reader of every breach and case: the SQL's answer is theirs.
    if (found.length === 0 || (await bothReadWhole())) return found;
    const groups = await items('cc_sla_breaches')
      .readByQuery({
        filter: { _and: [{ detected_at: { _gte: period.start.toISOString() } }, { detected_at: { _lt: period.end.toISOString() } }, ...breachScope] },
        aggregate: { countDistinct: ['id'] },
        group: ['kind'],
      })
      .catch(noneIfForbidden);
    return groups.map((g) => ({ kind: g['kind'], n: (g['countDistinct'] as Item | undefined)?.['id'] }));
  }

  /** The claims that may mark a case at risk, soonest due first, as Directus would list them for the viewer. */
  async function atRiskClaims(): Promise<Item[]> {
    const q = db('cc_sla_breaches as b')
      .join('cc_cases as c', 'c.id', 'b.case')
      .join('cc_workflow_states as cs', 'cs.id', 'c.state')
      .where('b.kind', 'at_risk')
      .andWhere('b.due_at', '>', toDbTime(db, now))
      .andWhere('cs.is_terminal', false);
    if (query.scope.kind === 'department') q.join('cc_workflow_states as bs', 'bs.id', 'b.state').where('bs.owner_department', query.scope.key);
    else if (query.scope.kind === 'team') q.where('c.team', query.scope.key);
    const found = (await q
      .select('b.state', 'b.due_at', 'b.detected_at', 'c.id as case_id', 'c.title as case_title', 'c.state as case_state', 'c.state_entered_at as case_entered')
      .orderBy([{ column: 'b.due_at', order: 'asc' }, { column: 'b.id', order: 'asc' }])
      .limit(AT_RISK_LIMIT * 2)) as Array<Record<string, unknown>>;
    if (found.length === 0) return [];
    if (await bothReadWhole()) {
      return found.map((row) => ({
        state: row['state'],
        due_at: fromDbTime(row['due_at'])?.toISOString(),
        detected_at: fromDbTime(row['detected_at'])?.toISOString(),
        case: { id: row['case_id'], title: row['case_title'], state: row['case_state'], state_entered_at: fromDbTime(row['case_entered'])?.toISOString() },
      }));
    }
    return items('cc_sla_breaches')
      .readByQuery({
        filter: { _and: [{ kind: { _eq: 'at_risk' } }, { due_at: { _gt: now.toISOString() } }, { case: { state: { is_terminal: { _eq: false } } } }, ...riskScope] },
        fields: ['state', 'due_at', 'detected_at', 'case.id', 'case.title', 'case.state', 'case.state_entered_at'],
        sort: ['due_at'],
        limit: AT_RISK_LIMIT * 2,
      })
      .catch(noneIfForbidden);
  }

  const stateById = new Map(states.map((s: { id: number }) => [Number(s.id), s]));
  const lines: StateLine[] = byState.map((row) => {
    const id = Number(row.state);
    const s = stateById.get(id) as { name_zh: string; name_en: string | null; owner_department: string; response_sla_hours: unknown } | undefined;
    return {
      state: id,
      name_zh: s?.name_zh ?? String(id),
      name_en: s?.name_en ?? null,
      owner_department: s?.owner_department ?? '',
      response_sla_hours: num(s?.response_sla_hours),
      open: count(row.open),
      overdue: count(row.overdue),
    };
  });
  // Equal lines by state, so the order does not depend on how the database grouped them.
  lines.sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.state - b.state);

  const breaches = { response: 0, resolution: 0 };
  for (const g of breachGroups) {
    const kind = g.kind as 'response' | 'resolution';
    if (kind in breaches) breaches[kind] = count(g.n);
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
      const entered = fromDbTime(row['state_entered_at']) as Date;
      const age = (now.getTime() - entered.getTime()) / HOUR;
      const sla = num(state?.response_sla_hours);
      return {
        id: Number(row['id']),
        title: String(row['title']),
        priority: (row['priority'] as string | null) ?? null,
        state: Number(row['state']),
        team: (row['team_name'] as string | null | undefined) ?? null,
        entered_at: entered.toISOString(),
        age_hours: age,
        sla_hours: sla,
        overdue: sla !== null && sla > 0 && age > sla,
      };
    }),
    breaches,
  };
}
