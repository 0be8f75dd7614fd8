import type { Knex } from 'knex';
import type { ZonedPeriod } from '../evaluation/period.ts';
import { count, periodBindings, rows } from '../evaluation/sql.ts';
import { timedHandoffs } from './handoffs.ts';
import type { Restriction } from './restriction.ts';

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
  // Then each bounced case's handoffs in P, in order for its path: joining the bounced cases back to
  // the stored handoffs and sorting them cost SQLite more than half of the query (scale 1000, a
  // month, the company: 109 → 48 ms with the grouping above).
  const ofBounced = timedHandoffs(db, restriction, p, { scoped: false, timed: false, cases: 'select case_id from bounced' });
  const path = await rows(
    db,
    `with ${handoffs},
    bounced as materialized (
      select case_id, count(*) - count(distinct ${pair}) as bounces from handoffs group by case_id having count(*) > count(distinct ${pair})
    )
    select b.case_id, b.bounces, h.from_dept, h.to_dept
    from (${ofBounced.sql}) h
    join bounced b on b.case_id = h.case_id
    order by b.case_id, h.occurred_at, h.event_id`,
    [...all.bindings, ...(department ? [scope.key] : []), ...ofBounced.bindings],
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
