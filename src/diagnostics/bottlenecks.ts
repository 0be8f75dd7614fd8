import type { Knex } from 'knex';
import type { ZonedPeriod } from '../evaluation/period.ts';
import { count, dialectOf, num, periodBindings, rows } from '../evaluation/sql.ts';
import { MEDIAN_RANKS, rankValueCtes } from '../evaluation/median.ts';
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
  const dialect = dialectOf(db);
  const keys = ['from_key', 'to_dept', 'to_state'];
  // One pass over the timed handoffs (timing them is the costly part) into a histogram per group and
  // whole hour, which gives each group's counts and sums and, through its running counts, the buckets
  // that hold the median's and the 90th percentile's ranks (src/evaluation/median.ts): only those
  // buckets' handoffs are ranked. ⌈0.9 n⌉ in integer arithmetic: (9n + 9) / 10 truncated. Ranking
  // every handoff of its group (a window) cost SQLite 7.5 of the query's 21 ms at scale 100. The cases
  // of each group, those furthest over the SLA first, come as one text column (one row per group,
  // however many cases). A group's sender may be unknown (null): its key is '' to be compared with `=`.
  const found = await rows(
    db,
    `with handoffs as materialized (
      select h.*, coalesce(h.from_dept, '') as from_key, ${dialect.integerPart('h.hours')} as bucket from (${handoffs.sql}) h
    ),
    histogram as materialized (
      select from_key, to_dept, to_state, bucket, cast(count(*) as integer) as n,
        sum(case when sla > 0 then 1 else 0 end) as with_sla,
        sum(case when sla > 0 and hours <= sla then 1 else 0 end) as within_sla,
        sum(case when sla > 0 and hours > sla then hours - sla else 0 end) as excess
      from handoffs
      group by from_key, to_dept, to_state, bucket
    ),
    ${rankValueCtes(keys, { ...MEDIAN_RANKS, p90: (n) => `(9 * ${n} + 9) / 10` }, (buckets) => `select h.from_key, h.to_dept, h.to_state, h.bucket, h.hours from handoffs h where exists (select 1 from ${buckets} b where b.from_key = h.from_key and b.to_dept = h.to_dept and b.to_state = h.to_state and b.bucket = h.bucket)`)},
    quantiles as (
      select from_key, to_dept, to_state,
        avg(case when label <> 'p90' then value end) as median_response_hours,
        max(case when label = 'p90' then value end) as p90_response_hours
      from rank_values group by from_key, to_dept, to_state
    ),
    per_case as (
      select from_key, to_dept, to_state, case_id, sum(case when sla > 0 and hours > sla then hours - sla else 0 end) as excess
      from handoffs group by from_key, to_dept, to_state, case_id
    ),
    case_lists as (
      select from_key, to_dept, to_state, ${idsText('case_id', 'excess desc, case_id')} as case_ids
      from per_case group by from_key, to_dept, to_state
    ),
    pairs as (
      select from_key, to_dept, to_state, sum(n) as handoffs, sum(with_sla) as handoffs_with_sla, sum(within_sla) as within_sla, sum(excess) as excess_hours
      from histogram group by from_key, to_dept, to_state
    )
    select case when p.from_key = '' then null else p.from_key end as from_dept, p.to_dept, p.to_state, p.handoffs, p.handoffs_with_sla,
      p.within_sla, p.excess_hours, q.median_response_hours, q.p90_response_hours, l.case_ids
    from pairs p
    join quantiles q on q.from_key = p.from_key and q.to_dept = p.to_dept and q.to_state = p.to_state
    join case_lists l on l.from_key = p.from_key and l.to_dept = p.to_dept and l.to_state = p.to_state`,
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
