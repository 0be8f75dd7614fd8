import type { Knex } from 'knex';
import { readConnection } from '../directus/read-lanes.ts';
import type { ServiceContext } from '../directus/services.ts';
import { storedAnsweredAt } from '../workflows/answered-at.ts';
import { zoned } from '../evaluation/period.ts';
import type { EvaluationSettings } from '../evaluation/settings.ts';
import { medianCtes } from '../evaluation/median.ts';
import { count, dialectOf, inIds, num, periodBindings, rows } from '../evaluation/sql.ts';
import type { InsightQuery } from './query.ts';
import { visibleRows } from './visibility.ts';

/**
 * Handoff flow between departments (交接): for each pair sender → receiver, the handoffs of the
 * period, the median response time and the share answered within the receiving state's response
 * SLA — the same definitions as the communication dimension (metrics.md §1), counted over the
 * handoffs the viewer may read. The worst pair is the one with the lowest SLA share among pairs
 * with at least three handoffs under an SLA (ties: the slower median).
 */

export interface HandoffPair {
  from: string | null;
  to: string;
  handoffs: number;
  handoffs_with_sla: number;
  within_sla: number;
  within_sla_share: number | null;
  median_response_hours: number | null;
}

export interface HandoffFlow {
  period: InsightQuery['period'] & { start: string; end: string };
  departments: Array<{ code: string; name_zh: string; name_en: string | null }>;
  pairs: HandoffPair[];
  worst: { from: string | null; to: string } | null;
}

type Ctx = ServiceContext & { db: Knex; settings: EvaluationSettings };

export async function handoffFlow(ctx: Ctx, query: InsightQuery): Promise<HandoffFlow> {
  const { db } = ctx;
  // Asked now, answered while the flow is counted.
  const departmentsRead: Promise<HandoffFlow['departments']> = db('cc_departments').select('code', 'name_zh', 'name_en').orderBy(['sort', 'code']).then((found) => found);
  departmentsRead.catch(() => undefined);
  const period = zoned(query.period, ctx.settings.timeZone);
  const p = periodBindings(db, period);
  const sql = dialectOf(db);
  const scopeFilter: Record<string, unknown>[] = [];
  const where: string[] = [];
  const bindings: unknown[] = [];
  // The case is joined only where the scope asks about it: every history row has its case (a
  // not-null foreign key), so the join drops none.
  let joinCase = '';
  if (query.scope.kind === 'department') {
    scopeFilter.push({ _or: [{ from_state: { owner_department: { _eq: query.scope.key } } }, { to_state: { owner_department: { _eq: query.scope.key } } }] });
    where.push('(fs.owner_department = ? or ts.owner_department = ?)');
    bindings.push(query.scope.key, query.scope.key);
  } else if (query.scope.kind === 'team') {
    scopeFilter.push({ case: { team: { _eq: query.scope.key } } });
    joinCase = 'join cc_cases c on c.id = e."case"';
    where.push('c.team = ?');
    bindings.push(query.scope.key);
  }
  /**
   * The pairs over the handoffs in scope, limited to `ids` when given, with the median by whole-hour
   * buckets (src/evaluation/median.ts) instead of ranking every handoff (scale 1000: a quarter's window
   * sort was most of the request). Departments are '' instead of null inside, as the median's keys
   * must be.
   */
  const flowOver = async (ids?: readonly number[]) => {
    const extra = [...where];
    const extraBindings = [...bindings];
    if (ids) {
      const list = inIds(db, 'e.id', ids);
      extra.push(list.sql);
      extraBindings.push(list.binding);
    }
    return rows(
      await readConnection(db),
      `with handoffs as materialized (
        select coalesce(fs.owner_department, '') as from_dept, coalesce(ts.owner_department, '') as to_dept, ts.response_sla_hours as sla,
          ${sql.hours(storedAnsweredAt('e'), 'e.occurred_at')} as hours
        from cc_case_events e
        join cc_workflow_states ts on ts.id = e.to_state
        left join cc_workflow_states fs on fs.id = e.from_state
        ${joinCase}
        where e.is_handoff is true and e.is_override is not true and e.occurred_at >= ? and e.occurred_at < ?
          ${extra.map((w) => `and ${w}`).join(' ')}
      ),
      histogram as materialized (
        select from_dept, to_dept, bucket, cast(count(*) as integer) as n,
          sum(case when sla > 0 then 1 else 0 end) as with_sla,
          sum(case when sla > 0 and hours <= sla then 1 else 0 end) as within_sla
        from (select from_dept, to_dept, sla, hours, ${sql.integerPart('hours')} as bucket from handoffs) h
        group by from_dept, to_dept, bucket
      ),
      ${medianCtes(
        ['from_dept', 'to_dept'],
        (buckets) => `select from_dept, to_dept, ${sql.integerPart('hours')} as bucket, hours from handoffs where ${sql.integerPart('hours')} in (select bucket from ${buckets})`,
      )},
      totals as (
        select from_dept, to_dept, sum(n) as handoffs, sum(with_sla) as handoffs_with_sla, sum(within_sla) as within_sla
        from histogram
        group by from_dept, to_dept
      )
      select nullif(t.from_dept, '') as from_dept, nullif(t.to_dept, '') as to_dept, t.handoffs as handoffs,
        t.handoffs_with_sla as handoffs_with_sla, t.within_sla as within_sla, m.median as median_response_hours
      from totals t
      left join medians m on m.from_dept = t.from_dept and m.to_dept = t.to_dept
      order by t.handoffs desc, t.from_dept, t.to_dept`,
      [p.end, p.end, p.start, p.end, ...extraBindings],
    );
  };
  // The flow over every handoff in scope: what the viewer sees when they may read them all, which
  // Directus's count of the handoffs they may read (the same rows as the query's) decides.
  const everyone = flowOver();
  everyone.catch(() => undefined);
  const visible = await visibleRows(
    ctx,
    'cc_case_events',
    {
      _and: [
        { is_handoff: { _eq: true } },
        { _or: [{ is_override: { _null: true } }, { is_override: { _eq: false } }] },
        { occurred_at: { _gte: period.start.toISOString() } },
        { occurred_at: { _lt: period.end.toISOString() } },
        ...scopeFilter,
      ],
    },
    async () => (await everyone).reduce((n, row) => n + count(row['handoffs']), 0),
  );
  const found = visible.all ? await everyone : await flowOver(visible.ids);
  const pairs: HandoffPair[] = found.map((row) => {
    const withSla = count(row['handoffs_with_sla']);
    const within = count(row['within_sla']);
    return {
      from: (row['from_dept'] as string | null) ?? null,
      to: String(row['to_dept']),
      handoffs: count(row['handoffs']),
      handoffs_with_sla: withSla,
      within_sla: within,
      within_sla_share: withSla > 0 ? within / withSla : null,
      median_response_hours: num(row['median_response_hours']),
    };
  });
  const candidates = pairs.filter((pair) => pair.handoffs_with_sla >= 3 && pair.within_sla_share !== null);
  candidates.sort((a, b) => (a.within_sla_share as number) - (b.within_sla_share as number) || (b.median_response_hours ?? 0) - (a.median_response_hours ?? 0));
  const worst = candidates[0] ? { from: candidates[0].from, to: candidates[0].to } : null;
  const departments = await departmentsRead;
  return { period: { ...query.period, start: period.start.toISOString(), end: period.end.toISOString() }, departments, pairs, worst };
}
