import type { Knex } from 'knex';
import { dialectOf } from '../evaluation/sql.ts';
import { storedAnsweredAt } from '../workflows/answered-at.ts';
import { visibleConditions, type Restriction } from './restriction.ts';

/**
 * The handoffs of a window `[start, end)` as metrics.md §1 times them, for the diagnostics: a CTE body
 * with one row per handoff — case_id, team, from_dept (the row's `actor_department`), to_dept (the
 * `owner_department` of its `to_state`), to_state, sla (`response_sla_hours`), occurred_at, hours
 * (the response time to the stored `answered_at`, which equals `handoffAnsweredAt`, or to `end`) and
 * span. Override rows are ignored. Scope as the communication dimension: a department the handoffs it
 * received, a team those on its cases. `scoped: false` leaves the scope out (at-risk history is per
 * state, not per scope); `timed: false` leaves `hours` null, for callers that only need who handed
 * what to whom (ping-pong): reading the answer is the costly part; `timed: 'span'` gives the response
 * time as `span` instead (the dialect's exact whole units, for sorting) and leaves `hours` null.
 * `team` is only read (from the case) when the scope or the caller (`team: true`) needs it: every
 * history row has its case (`case` is required and a foreign key), so leaving the join out changes
 * no row, and saves a look-up per handoff. `cases`: a query of case ids (no bindings) the handoffs
 * are limited to.
 */
export function timedHandoffs(
  db: Knex,
  restriction: Restriction,
  window: { start: unknown; end: unknown },
  options: { scoped?: boolean; timed?: boolean | 'span'; team?: boolean; cases?: string } = {},
): { sql: string; bindings: unknown[] } {
  const dialect = dialectOf(db);
  const where: string[] = [];
  const bindings: unknown[] = [];
  const scope = restriction.scope;
  if (options.scoped !== false && scope.kind === 'department') {
    where.push('ts.owner_department = ?');
    bindings.push(scope.key);
  } else if (options.scoped !== false && scope.kind === 'team') {
    where.push('c.team = ?');
    bindings.push(scope.key);
  }
  const visible = visibleConditions(db, restriction, 'e', 'e."case"');
  const team = options.team === true || (options.scoped !== false && scope.kind === 'team');
  return {
    sql: `select e.id as event_id, e."case" as case_id, ${team ? 'c.team' : 'null'} as team, e.actor_department as from_dept, ts.owner_department as to_dept, e.to_state as to_state,
        ts.response_sla_hours as sla, e.occurred_at as occurred_at,
        ${options.timed === false || options.timed === 'span' ? 'null' : dialect.hours(storedAnsweredAt('e'), 'e.occurred_at')} as hours,
        ${options.timed === 'span' ? dialect.span(storedAnsweredAt('e'), 'e.occurred_at') : 'null'} as span
      from cc_case_events e
      join cc_workflow_states ts on ts.id = e.to_state
      ${team ? 'join cc_cases c on c.id = e."case"' : ''}
      where e.is_handoff is true and e.is_override is not true and e.occurred_at >= ? and e.occurred_at < ?
        ${where.map((w) => `and ${w}`).join(' ')}${options.cases ? ` and e."case" in (${options.cases})` : ''}${visible.sql}`,
    bindings: [...(options.timed === false ? [] : [window.end, window.end]), window.start, window.end, ...bindings, ...visible.bindings],
  };
}
