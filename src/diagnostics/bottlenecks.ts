import type { Knex } from 'knex';
import type { ZonedPeriod } from '../evaluation/period.ts';
import { count, num, periodBindings, rows } from '../evaluation/sql.ts';
import { timedHandoffs } from './handoffs.ts';
import { idsOf, idsText, type Restriction } from './restriction.ts';

/**
 * Bottleneck (metrics.md "Diagnostics (v2)") — one per (from_department, to_department, to_state)
 * over the handoffs in P: from = the row's `actor_department`, to = the `owner_department` of its
 * `to_state`. Response time, SLA and "answered" as §1. Keys: handoffs, median_response_hours (mean of
 * the two middle values for an even count), p90_response_hours (the smallest response time with at
 * least 90 % of the group's times ≤ it: the ⌈0.9 n⌉-th in ascending order), within_sla_share (among
 * handoffs into a state with an SLA), excess_hours (Σ max(0, response − SLA) over those), cases (ids: those with the most
 * hours over the SLA first, then by id). Ranked by excess_hours, then handoffs.
 */
export interface Bottleneck {
  from_department: string | null;
  to_department: string;
  to_state: number;
  handoffs: number;
  median_response_hours: number | null;
  p90_response_hours: number | null;
  within_sla_share: number | null;
  excess_hours: number;
  cases: number[];
}

export async function bottlenecks(db: Knex, period: ZonedPeriod, restriction: Restriction): Promise<Bottleneck[]> {
  const p = periodBindings(db, period);
  const handoffs = timedHandoffs(db, restriction, p);
  // One pass over the timed handoffs (timing them is the costly part): per group its statistics and
  // its cases, those furthest over the SLA first, as one text column (one row per group, however
  // many cases). ⌈0.9 n⌉ in integer arithmetic: (9n + 9) / 10 truncated. The rank and the group's
  // count share one window, so the handoffs are sorted once for both (a count over the partition
  // alone was a second sort: scale 1000 on SQLite, 248 → 232 ms).
  const found = await rows(
    db,
    `with handoffs as materialized (${handoffs.sql}),
    ranked as (
      select from_dept, to_dept, to_state, sla, hours,
        row_number() over w as rn,
        count(*) over (w rows between unbounded preceding and unbounded following) as n
      from handoffs
      window w as (partition by from_dept, to_dept, to_state order by hours)
    ),
    per_case as (
      select from_dept, to_dept, to_state, case_id, sum(case when sla > 0 and hours > sla then hours - sla else 0 end) as excess
      from handoffs group by from_dept, to_dept, to_state, case_id
    ),
    case_lists as (
      select from_dept, to_dept, to_state, ${idsText('case_id', 'excess desc, case_id')} as case_ids
      from per_case group by from_dept, to_dept, to_state
    ),
    pairs as (
      select from_dept, to_dept, to_state, count(*) as handoffs,
        sum(case when sla > 0 then 1 else 0 end) as handoffs_with_sla,
        sum(case when sla > 0 and hours <= sla then 1 else 0 end) as within_sla,
        sum(case when sla > 0 and hours > sla then hours - sla else 0 end) as excess_hours,
        avg(case when rn = (n + 1) / 2 or rn = (n + 2) / 2 then hours end) as median_response_hours,
        max(case when rn = (9 * n + 9) / 10 then hours end) as p90_response_hours
      from ranked
      group by from_dept, to_dept, to_state
    )
    select p.*, l.case_ids from pairs p
    join case_lists l on l.from_dept is not distinct from p.from_dept and l.to_dept = p.to_dept and l.to_state = p.to_state`,
    handoffs.bindings,
  );
  const result: Bottleneck[] = found.map((row) => {
    const withSla = count(row['handoffs_with_sla']);
    return {
      from_department: (row['from_dept'] as string | null) ?? null,
      to_department: String(row['to_dept']),
      to_state: Number(row['to_state']),
      handoffs: count(row['handoffs']),
      median_response_hours: num(row['median_response_hours']),
      p90_response_hours: num(row['p90_response_hours']),
      within_sla_share: withSla > 0 ? count(row['within_sla']) / withSla : null,
      excess_hours: count(row['excess_hours']),
      cases: idsOf(row['case_ids']),
    };
  });
  return result.sort(
    (a, b) =>
      b.excess_hours - a.excess_hours ||
      b.handoffs - a.handoffs ||
      String(a.from_department ?? '').localeCompare(String(b.from_department ?? '')) ||
      a.to_department.localeCompare(b.to_department) ||
      a.to_state - b.to_state,
  );
}
