import type { Knex } from 'knex';
import type { ZonedPeriod } from '../evaluation/period.ts';
import { count, periodBindings, rows } from '../evaluation/sql.ts';
import { timedHandoffs } from './handoffs.ts';
import { visibleConditions, type Restriction } from './restriction.ts';

/**
 * Ping-pong (metrics.md "Diagnostics (v2)") — a case whose handoffs in P repeat a directed pair
 * (from = the row's `actor_department`, to = the `owner_department` of its `to_state`):
 * bounces = Σ over its directed pairs of (count − 1), listed when ≥ 1. `departments` is the path the
 * case took in handoff order: the first handoff's sender, then each receiver (a sender that is not the
 * previous receiver is written in between; consecutive repeats collapse). A department scope sees the
 * cases with a handoff it received in P, and counts all their handoffs in P.
 */
export interface PingPong {
  case: number;
  departments: string[];
  bounces: number;
}

export async function pingPong(db: Knex, period: ZonedPeriod, restriction: Restriction): Promise<PingPong[]> {
  const p = periodBindings(db, period);
  // One pass over every visible handoff in P (who handed what to whom is all ping-pong needs: no
  // response times); the scope picks the cases from those same rows (a department the cases with a
  // handoff it received). A case's bounces are its handoffs less its distinct directed pairs
  // (Σ (count − 1) over the pairs), counted in one grouping by case: grouping the pairs first and
  // then the cases sorted the period's handoffs twice. The pair is one text, each sender written
  // after its length so that no two pairs read alike. The company scope is every case, and a team's
  // its cases (a case's handoffs share its team): they group the rows as they are read.
  const scope = restriction.scope;
  const department = scope.kind === 'department';
  const all = timedHandoffs(db, restriction, p, { scoped: !department, timed: false });
  const pair = `coalesce(length(from_dept), -1) || ':' || coalesce(from_dept, '') || to_dept`;
  const handoffs = department
    ? `all_handoffs as materialized (${all.sql}),
    handoffs as (select * from all_handoffs where case_id in (select case_id from all_handoffs where to_dept = ?))`
    : `handoffs as (${all.sql})`;
  // Then each bounced case's handoffs in P, in order for its path, read by case through the
  // history's case index (the same conditions as `timedHandoffs`): joining the bounced cases back to
  // the period's handoffs and sorting them cost SQLite more than half of the query (scale 1000, a
  // month, the company: 109 → 48 ms with the grouping above).
  const visible = visibleConditions(db, restriction, 'e', 'e."case"');
  const path = await rows(
    db,
    `with ${handoffs},
    bounced as materialized (
      select case_id, count(*) - count(distinct ${pair}) as bounces from handoffs group by case_id having count(*) > count(distinct ${pair})
    )
    select b.case_id, b.bounces, e.actor_department as from_dept, ts.owner_department as to_dept
    from bounced b
    cross join cc_case_events e
    join cc_workflow_states ts on ts.id = e.to_state
    where e."case" = b.case_id and e.is_handoff is true and e.is_override is not true and e.occurred_at >= ? and e.occurred_at < ?${visible.sql}
    order by b.case_id, e.occurred_at, e.id`,
    [...all.bindings, ...(department ? [scope.key] : []), p.start, p.end, ...visible.bindings],
  );
  if (path.length === 0) return [];
  const bounces = new Map(path.map((row) => [Number(row['case_id']), count(row['bounces'])]));
  const departments = new Map<number, string[]>();
  for (const row of path) {
    const id = Number(row['case_id']);
    if (!bounces.has(id)) continue;
    const list = departments.get(id) ?? [];
    for (const dept of [row['from_dept'], row['to_dept']]) {
      if (dept !== null && dept !== undefined && list[list.length - 1] !== dept) list.push(String(dept));
    }
    departments.set(id, list);
  }
  return [...bounces.entries()]
    .map(([id, n]) => ({ case: id, departments: departments.get(id) ?? [], bounces: n }))
    .sort((a, b) => b.bounces - a.bounces || a.case - b.case);
}
