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
  // One pass: every visible handoff in P (who handed what to whom is all ping-pong needs: no
  // response times); the scope picks the cases from those same rows (a department the cases with a
  // handoff it received, a team its cases), and the pairs are counted over all their handoffs in P.
  // The bounced cases come back with their handoffs in order, for the path. The company scope is
  // every case, so it takes the rows as they are.
  const all = timedHandoffs(db, restriction, p, { scoped: false, timed: false, team: restriction.scope.kind === 'team' });
  const scope = restriction.scope;
  const inScope = scope.kind === 'department' ? 'where to_dept = ?' : scope.kind === 'team' ? 'where team = ?' : '';
  const path = await rows(
    db,
    `with handoffs as materialized (${all.sql}),
    scoped as materialized (
      ${scope.kind === 'company' ? 'select * from handoffs' : `select * from handoffs where case_id in (select case_id from handoffs ${inScope})`}
    ),
    pairs as (
      select case_id, from_dept, to_dept, count(*) as n from scoped group by case_id, from_dept, to_dept
    ),
    bounced as (
      select case_id, sum(n - 1) as bounces from pairs group by case_id having sum(n - 1) >= 1
    )
    select s.case_id, b.bounces, s.from_dept, s.to_dept from scoped s join bounced b on b.case_id = s.case_id
    order by s.case_id, s.occurred_at, s.event_id`,
    [...all.bindings, ...(scope.kind === 'company' ? [] : [scope.key])],
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
