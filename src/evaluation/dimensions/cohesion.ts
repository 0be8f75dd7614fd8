import { meanOfAvailable, share, perScope, type DimensionModule, type DimensionResult, type MetricContext } from '../catalogue.ts';
import { count, creditedToScopes, periodBindings, rows } from '../sql.ts';
import { isSqlite } from '../../directus/time.ts';

/**
 * 5. cohesion — 团队凝聚力与协同度 (metrics.md §5)
 *
 * Pulse: responses with `responded_at` in P to surveys of `kind = pulse`, with `pulse` set; a
 * department gets those credited to it (`department` = the respondent's department), a team those of
 * its surveys. pulse_score = 100 × (pulse_mean − 1) / 4.
 * Cross-department participation: a case is closed in P when its first history row into a terminal
 * state lies in P; it is cross-department when the rows of that case up to and including that row
 * have actors from at least two departments (non-null `actor_department`). A department gets the
 * closed cases with at least one of those rows by d, a team its cases. Override rows are ignored.
 * Meeting attendance: `cc_meeting_participants` of meetings with `starts_at` in P; a department gets
 * its members' rows (`user.cc_department = d`), a team the rows of its meetings.
 *
 * raw: pulse_responses, pulse_mean, pulse_score, closed_cases, cross_department_cases,
 * cross_department_share, invitations, attendances, attendance_share.
 * score = the mean of pulse_score, 100 × cross_department_share and 100 × attendance_share that are
 * not n/a.
 */

export interface CohesionAggregate {
  pulse_responses: number;
  pulse_sum: number;
  closed_cases: number;
  cross_department_cases: number;
  invitations: number;
  attendances: number;
}

export function cohesionResult(a: CohesionAggregate): DimensionResult {
  const pulseMean = share(a.pulse_sum, a.pulse_responses);
  const pulseScore = pulseMean === null ? null : (100 * (pulseMean - 1)) / 4;
  const crossShare = share(a.cross_department_cases, a.closed_cases);
  const attendanceShare = share(a.attendances, a.invitations);
  return {
    score: meanOfAvailable([pulseScore, crossShare === null ? null : 100 * crossShare, attendanceShare === null ? null : 100 * attendanceShare]),
    raw: {
      pulse_responses: a.pulse_responses,
      pulse_mean: pulseMean,
      pulse_score: pulseScore,
      closed_cases: a.closed_cases,
      cross_department_cases: a.cross_department_cases,
      cross_department_share: crossShare,
      invitations: a.invitations,
      attendances: a.attendances,
      attendance_share: attendanceShare,
    },
    counts: { pulse_responses: a.pulse_responses, closed_cases: a.closed_cases, invitations: a.invitations },
  };
}

const EMPTY: CohesionAggregate = { pulse_responses: 0, pulse_sum: 0, closed_cases: 0, cross_department_cases: 0, invitations: 0, attendances: 0 };

export const cohesion: DimensionModule = {
  key: 'cohesion',
  empty: () => cohesionResult(EMPTY),
  async evaluate(ctx: MetricContext) {
    const { of, results } = perScope(EMPTY);
    for (const row of await pulse(ctx)) {
      const a = of(row.scope_kind, row.scope);
      a.pulse_responses = count(row['pulse_responses']);
      a.pulse_sum = count(row['pulse_sum']);
    }
    for (const row of await crossDepartmentClosures(ctx)) {
      const a = of(row.scope_kind, row.scope);
      a.closed_cases = count(row['closed_cases']);
      a.cross_department_cases = count(row['cross_department_cases']);
    }
    for (const row of await attendance(ctx)) {
      const a = of(row.scope_kind, row.scope);
      a.invitations = count(row['invitations']);
      a.attendances = count(row['attendances']);
    }
    return results((a) => cohesionResult(a));
  },
};

function pulse({ db, period }: MetricContext) {
  const p = periodBindings(db, period);
  return rows(
    db,
    `with answered as materialized (
      select r.department as department, s.team as team, r.pulse as pulse
      from cc_survey_responses r
      join cc_surveys s on s.id = r.survey
      where s.kind = 'pulse' and r.pulse is not null and r.responded_at >= ? and r.responded_at < ?
    ),
    scoped as (
      ${creditedToScopes('answered', 'department', 'team', ['pulse'])}
    )
    select scope_kind, scope, count(*) as pulse_responses, sum(pulse) as pulse_sum
    from scoped
    group by scope_kind, scope`,
    [p.start, p.end],
  );
}

/**
 * Cases closed in P and, per case, whether two or more departments acted on it up to and including
 * its closing row; credited to each acting department and to the case's team. Both read the closure
 * stored with the case (`first_closed_at`, `closing_departments`: src/workflows/case-closure.ts,
 * which holds the definition) through the cases' first-closure index. The closed cases are counted
 * per team and set of acting departments first: a company has a few such sets, so each set's list is
 * unpacked once rather than once per case (SQLite, scale 100: 15 → 4 ms). Two cases with the same set
 * written in another order only make two groups. Grouping the history before the end of P and probing
 * each closed case's rows took 57 of the evaluation's 166 ms at scale 100 on SQLite.
 */
function crossDepartmentClosures({ db, period }: MetricContext) {
  const p = periodBindings(db, period);
  const list = isSqlite(db) ? 'departments' : 'departments::json';
  const departments = isSqlite(db) ? `json_each(${list}) j` : `lateral json_array_elements_text(${list}) j(value)`;
  const crossing = `case when json_array_length(${list}) >= 2 then n else 0 end`;
  return rows(
    db,
    `with closed as materialized (
      select c.team as team, cast(c.closing_departments as text) as departments, count(*) as n
      from cc_cases c
      where c.first_closed_at >= ? and c.first_closed_at < ?
      group by c.team, cast(c.closing_departments as text)
    )
    select 'department' as scope_kind, j.value as scope, sum(n) as closed_cases, sum(${crossing}) as cross_department_cases
    from closed cross join ${departments}
    group by j.value
    union all
    select 'team', cast(team as text), sum(n), sum(${crossing})
    from closed
    where team is not null
    group by team`,
    [p.start, p.end],
  );
}

/**
 * Invitations and attendances of meetings starting in P. Grouped per invitee and meeting team first
 * (a company's all-hands invites thousands), so the department look-up and the crediting handle one
 * row per person and team, not one per invitation. The period's meetings are read first and their
 * invitations by meeting (`cross join` keeps that order on SQLite, which otherwise read every
 * invitation: scale 1000, 62 → 57 ms).
 */
function attendance({ db, period }: MetricContext) {
  const p = periodBindings(db, period);
  return rows(
    db,
    `with grouped as materialized (
      select mp."user" as user_id, m.team as team, count(*) as invitations,
        sum(case when mp.attended is true then 1 else 0 end) as attendances
      from cc_meetings m
      cross join cc_meeting_participants mp
      where mp.meeting = m.id and m.starts_at >= ? and m.starts_at < ?
      group by mp."user", m.team
    ),
    invited as materialized (
      select u.cc_department as department, g.team as team, g.invitations as invitations, g.attendances as attendances
      from grouped g
      left join directus_users u on u.id = g.user_id
    ),
    scoped as (
      ${creditedToScopes('invited', 'department', 'team', ['invitations', 'attendances'])}
    )
    select scope_kind, scope, sum(invitations) as invitations, sum(attendances) as attendances
    from scoped
    group by scope_kind, scope`,
    [p.start, p.end],
  );
}
