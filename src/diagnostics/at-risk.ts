import type { Knex } from 'knex';
import { isSqlite } from '../directus/time.ts';
import { count, dialectOf, num, rows } from '../evaluation/sql.ts';
import { timedHandoffs } from './handoffs.ts';
import { visibleConditions, type Restriction } from './restriction.ts';

/**
 * At risk (metrics.md "Diagnostics (v2)") — an open case (its state not terminal) that has been in
 * its current state h hours (since `state_entered_at`), the state having a response SLA s > 0, with
 * h < s. T = the response times (§1, answered by `now` or timed to `now`) of the handoffs into that
 * same state in the 90 days before now; breach_probability = #(T > s) / #(T > h), null when
 * #(T > h) < 10. Listed when ≥ 0.5, by probability, then by time left (s − h). A department scope
 * gets the open cases in states it owns, a team its cases; T is the state's, over the handoffs the
 * viewer may read. #(T > h) is counted by ranking: the history and the open cases of a state sorted
 * by time together (a history time equal to h sorts first, being not above it), so each case reads
 * how many history times are at or below its h — one sort per state, not a scan per case. Two marks
 * ride in the same sort, so the state's own counts need no grouping pass of their own: one at s (its
 * running count is #(T ≤ s)) and one past every time (#T). The history is read once, straight into
 * that sort: a grouping pass and a stored copy of the 90 days cost a third of the query at scale 1000
 * (SQLite 306 → 215 ms). The sort key is one integer per point, the time as the dialect's exact span
 * doubled, plus one for a case or a mark (so history sorts first at an equal time): PostgreSQL sorted
 * its numeric hours, with the flag as a second key, several times slower.
 */
export interface AtRisk {
  case: number;
  state: number;
  department: string;
  hours_in_state: number;
  sla_hours: number;
  breach_probability: number;
}

export const HISTORY_DAYS = 90;
export const MIN_COMPARABLE = 10;
export const LISTED_FROM = 0.5;

/** A point past any response time (near the largest 64-bit integer): the mark whose running count is the state's #T. */
const PAST_EVERY_SPAN = '9000000000000000000';

/** The open cases with their comparable counts, before the null and 0.5 rules (exposed for tests). */
export interface AtRiskCandidate extends Omit<AtRisk, 'breach_probability'> {
  /** When the case entered its state, as the database holds it. */
  entered_at: unknown;
  /** #T: the handoffs into the state in the 90 days before now. */
  comparable: number;
  over_sla: number;
  over_elapsed: number;
  breach_probability: number | null;
}

export async function atRiskCandidates(db: Knex, now: Date, restriction: Restriction): Promise<AtRiskCandidate[]> {
  const dialect = dialectOf(db);
  const nowAt = dialect.instant(now);
  const since = dialect.instant(new Date(now.getTime() - HISTORY_DAYS * 86_400_000));
  // T is a statistic of the state, never naming a case: it is limited by the handoffs the viewer may
  // read, not by the (open) cases the list may name.
  const history = timedHandoffs(db, { ...restriction, cases: { all: true } }, { start: since, end: nowAt }, { scoped: false, timed: 'span' });
  const where: string[] = [];
  const bindings: unknown[] = [];
  if (restriction.scope.kind === 'department') {
    where.push('st.owner_department = ?');
    bindings.push(restriction.scope.key);
  } else if (restriction.scope.kind === 'team') {
    where.push('c.team = ?');
    bindings.push(restriction.scope.key);
  }
  const visible = visibleConditions(db, restriction, null, 'c.id');
  const nowParam = isSqlite(db) ? '?' : 'cast(? as timestamptz)';
  // The open cases are read state by state through the cases' state index: `cross join` keeps that
  // order on SQLite, which has no statistics to choose it by; PostgreSQL is told so with a lateral
  // probe (`offset 0` keeps it from being flattened back into a join), as it otherwise hashes every
  // case ever opened (scale 1000: 50 ms of its 290).
  const cases = isSqlite(db)
    ? 'cc_cases c'
    : 'lateral (select o.id, o.state, o.state_entered_at, o.team from cc_cases o where o.state = st.id offset 0) c';
  const found = await rows(
    db,
    `with open_cases as materialized (
      select c.id as case_id, c.state as state, c.state_entered_at as entered_at, st.owner_department as department, st.response_sla_hours as sla,
        ${dialect.hours(nowParam, 'c.state_entered_at')} as elapsed, ${dialect.span(nowParam, 'c.state_entered_at')} as elapsed_span
      from cc_workflow_states st cross join ${cases}
      where c.state = st.id and st.is_terminal is not true and st.response_sla_hours > 0 and c.state_entered_at is not null
        ${where.map((w) => `and ${w}`).join(' ')}${visible.sql}
    ),
    history as (
      select to_state, span from (${history.sql}) h where to_state in (select state from open_cases where elapsed < sla)
    ),
    points as (
      select to_state as state, span * 2 as point, 1 as is_history, 0 as mark, null as case_id from history
      union all
      select state, elapsed_span * 2 + 1, 0, 0, case_id from open_cases where elapsed < sla
      union all
      select distinct state, ${dialect.hoursSpan('sla')} * 2 + 1, 0, 1, cast(null as integer) from open_cases where elapsed < sla
      union all
      select distinct state, ${PAST_EVERY_SPAN}, 0, 2, cast(null as integer) from open_cases where elapsed < sla
    ),
    ranked as materialized (
      select state, mark, case_id, at_or_below from (
        select state, is_history, mark, case_id,
          sum(is_history) over (partition by state order by point rows between unbounded preceding and current row) as at_or_below
        from points
      ) r
      where is_history = 0
    ),
    per_state as materialized (
      select total.state as state, total.at_or_below as comparable, total.at_or_below - within.at_or_below as over_sla
      from ranked total join ranked within on within.state = total.state and within.mark = 1
      where total.mark = 2
    )
    select o.case_id, o.state, o.entered_at, o.department, o.sla, o.elapsed,
      coalesce(ps.comparable, 0) as comparable,
      coalesce(ps.over_sla, 0) as over_sla,
      coalesce(ps.comparable, 0) - r.at_or_below as over_elapsed
    from open_cases o
    join ranked r on r.case_id = o.case_id and r.mark = 0
    left join per_state ps on ps.state = o.state
    where o.elapsed < o.sla`,
    [nowAt, nowAt, ...bindings, ...visible.bindings, ...history.bindings],
  );
  return found.map((row) => {
    const overSla = count(row['over_sla']);
    const overElapsed = count(row['over_elapsed']);
    return {
      case: Number(row['case_id']),
      state: Number(row['state']),
      department: String(row['department']),
      hours_in_state: num(row['elapsed']) as number,
      sla_hours: num(row['sla']) as number,
      entered_at: row['entered_at'],
      comparable: count(row['comparable']),
      over_sla: overSla,
      over_elapsed: overElapsed,
      breach_probability: overElapsed < MIN_COMPARABLE ? null : overSla / overElapsed,
    };
  });
}

export async function atRisk(db: Knex, now: Date, restriction: Restriction): Promise<AtRisk[]> {
  const listed: AtRisk[] = [];
  for (const c of await atRiskCandidates(db, now, restriction)) {
    if (c.breach_probability === null || c.breach_probability < LISTED_FROM) continue;
    listed.push({ case: c.case, state: c.state, department: c.department, hours_in_state: c.hours_in_state, sla_hours: c.sla_hours, breach_probability: c.breach_probability });
  }
  return listed.sort((a, b) => b.breach_probability - a.breach_probability || a.sla_hours - a.hours_in_state - (b.sla_hours - b.hours_in_state) || a.case - b.case);
}
