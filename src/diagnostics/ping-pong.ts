import type { Knex } from 'knex';
import type { ZonedPeriod } from '../evaluation/period.ts';
import { count, inIds, periodBindings, rows } from '../evaluation/sql.ts';
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
  // Scope picks the cases; the pairs are counted over every visible handoff of those cases in P.
  // Who handed what to whom is all ping-pong needs: no response times.
  const all = timedHandoffs(db, restriction, p, { scoped: false, timed: false });
  const scoped = timedHandoffs(db, restriction, p, { timed: false });
  const found = await rows(
    db,
    `with handoffs as materialized (${all.sql}),
    scoped_cases as (select distinct case_id from (${scoped.sql}) s),
    pairs as (
      select case_id, from_dept, to_dept, count(*) as n from handoffs
      where case_id in (select case_id from scoped_cases)
      group by case_id, from_dept, to_dept
    )
    select case_id, sum(n - 1) as bounces from pairs group by case_id having sum(n - 1) >= 1`,
    [...all.bindings, ...scoped.bindings],
  );
  if (found.length === 0) return [];
  const bounces = new Map(found.map((row) => [Number(row['case_id']), count(row['bounces'])]));
  const listed = inIds(db, 'case_id', [...bounces.keys()]);
  const path = await rows(
    db,
    `with handoffs as materialized (${all.sql}) select case_id, from_dept, to_dept from handoffs where ${listed.sql} order by case_id, occurred_at, event_id`,
    [...all.bindings, listed.binding],
  );
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
