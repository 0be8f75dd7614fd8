import { share, type DimensionModule, type DimensionResult, type MetricContext } from '../catalogue.ts';
import { count, creditedToScopes, dialectOf, num, periodBindings, rows } from '../sql.ts';
import { medianCtes } from '../median.ts';
import { scopeId } from '../scopes.ts';
import { storedAnsweredAt } from '../../workflows/answered-at.ts';

/**
 * 1. communication — 跨部门团队沟通效率 (metrics.md §1)
 *
 * A handoff is a history row with `is_handoff` and `occurred_at` in P; it is received by the
 * `owner_department` d of its `to_state`. Its response time is `min(t1, end) − occurred_at`, t1 being
 * the earliest strictly later row of the same case by d (`actor_department = d`), or `end` when there
 * is none. It is within SLA when that time ≤ the `response_sla_hours` of its `to_state`; handoffs into
 * a state without a response SLA (null or 0) count in the median but not in the share. A department
 * gets the handoffs it received, a team the handoffs on its cases. Override rows are ignored
 * everywhere, as handoffs and as answers.
 *
 * raw: handoffs, handoffs_with_sla, median_response_hours (the mean of the two middle values for an
 * even count), within_sla_share. score = 100 × within_sla_share.
 */

export interface CommunicationAggregate {
  handoffs: number;
  handoffs_with_sla: number;
  within_sla: number;
  median_response_hours: number | null;
}

export function communicationResult(a: CommunicationAggregate): DimensionResult {
  const withinSlaShare = share(a.within_sla, a.handoffs_with_sla);
  return {
    score: withinSlaShare === null ? null : 100 * withinSlaShare,
    raw: {
      handoffs: a.handoffs,
      handoffs_with_sla: a.handoffs_with_sla,
      median_response_hours: a.handoffs === 0 ? null : a.median_response_hours,
      within_sla_share: withinSlaShare,
    },
    counts: { handoffs: a.handoffs },
  };
}

const EMPTY: CommunicationAggregate = { handoffs: 0, handoffs_with_sla: 0, within_sla: 0, median_response_hours: null };

/**
 * When handoff row `event` (into state `receiverState`) was answered: the first later history row of
 * its case by the receiving department before the period ends, not an override; unanswered, the
 * period's end. Binds the period's end twice. The communication score and the Insights handoff flow
 * share it, so their counts and medians agree. It is stored per handoff as `cc_case_events.answered_at`
 * (src/workflows/answered-at.ts), which the two read; this is the definition the stored column is
 * tested against.
 */
export function handoffAnsweredAt(event: string, receiverState: string): string {
  return `coalesce((
            select min(r.occurred_at) from cc_case_events r
            where r."case" = ${event}."case" and r.occurred_at > ${event}.occurred_at and r.occurred_at < ?
              and r.actor_department = ${receiverState}.owner_department and r.is_override is not true
          ), ?)`;
}

export const communication: DimensionModule = {
  key: 'communication',
  empty: () => communicationResult(EMPTY),
  async evaluate({ db, period }: MetricContext) {
    const sql = dialectOf(db);
    const p = periodBindings(db, period);
    // The median by whole-hour buckets (src/evaluation/median.ts): the histogram is grouped per receiver
    // and team first, then credited to the scopes, so no handoff is copied per scope before grouping.
    const found = await rows(
      db,
      `with timed as materialized (
        select c.team as team, st.owner_department as receiver, st.response_sla_hours as sla,
          ${sql.hours(storedAnsweredAt('e'), 'e.occurred_at')} as hours
        from cc_case_events e
        join cc_workflow_states st on st.id = e.to_state
        join cc_cases c on c.id = e."case"
        where e.is_handoff is true and e.is_override is not true and e.occurred_at >= ? and e.occurred_at < ?
      ),
      grouped as materialized (
        select receiver, team, bucket, count(*) as n,
          sum(case when sla > 0 then 1 else 0 end) as with_sla,
          sum(case when sla > 0 and hours <= sla then 1 else 0 end) as within_sla
        from (select receiver, team, sla, hours, ${sql.integerPart('hours')} as bucket from timed) t
        group by receiver, team, bucket
      ),
      histogram as materialized (
        select scope_kind, scope, bucket, cast(sum(n) as integer) as n, sum(with_sla) as with_sla, sum(within_sla) as within_sla
        from (
          ${creditedToScopes('grouped', 'receiver', 'team', ['bucket', 'n', 'with_sla', 'within_sla'])}
        ) credited
        group by scope_kind, scope, bucket
      ),
      ${medianCtes(
        ['scope_kind', 'scope'],
        // The handoffs of the middle buckets are found in one pass over the timed handoffs, then
        // credited to their receiver and their team (two passes, one per side, cost SQLite 3 of 33 ms).
        (buckets) => `select case when side.n = 1 then 'department' else 'team' end as scope_kind,
            case when side.n = 1 then t.receiver else cast(t.team as text) end as scope, t.bucket, t.hours
          from (select receiver, team, hours, ${sql.integerPart('hours')} as bucket from timed where ${sql.integerPart('hours')} in (select bucket from ${buckets})) t
          cross join (select 1 as n union all select 2) side
          where (side.n = 1 and t.receiver is not null) or (side.n = 2 and t.team is not null)`,
      )},
      totals as (
        select scope_kind, scope, sum(n) as handoffs, sum(with_sla) as handoffs_with_sla, sum(within_sla) as within_sla
        from histogram
        group by scope_kind, scope
      )
      select t.scope_kind as scope_kind, t.scope as scope, t.handoffs as handoffs, t.handoffs_with_sla as handoffs_with_sla,
        t.within_sla as within_sla, m.median as median_response_hours
      from totals t
      left join medians m on m.scope_kind = t.scope_kind and m.scope = t.scope`,
      [p.end, p.end, p.start, p.end],
    );
    return new Map(
      found.map((row) => [
        scopeId(row.scope_kind, row.scope as string),
        communicationResult({
          handoffs: count(row['handoffs']),
          handoffs_with_sla: count(row['handoffs_with_sla']),
          within_sla: count(row['within_sla']),
          median_response_hours: num(row['median_response_hours']),
        }),
      ]),
    );
  },
};
