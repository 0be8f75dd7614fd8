import type { Knex } from 'knex';
import { isSqlite } from '../directus/time.ts';
import { addDays, daysBetween, isoDate, workingDays, zoned, type ZonedPeriod } from '../evaluation/period.ts';
import { count, dialectOf, inIds, num, periodBindings, rows } from '../evaluation/sql.ts';
import type { InsightScope } from '../insights/query.ts';
import { visibleColumn, type Visibility } from '../insights/visibility.ts';
import { idsOf, idsText } from './restriction.ts';

/**
 * The per-dimension diagnostics beyond the four defined kinds (issue 19 item 1): grouped statistics
 * computed by the database over exactly the rows the viewer may read, each group listed only when
 * it shows a problem by the rules below, with the ids behind it. They are turned into explained
 * statements by `dimension-findings.ts`.
 *
 * - execution — late tasks by (project, assignee): tasks due in P (scope as §2) that are late — done
 *   after `due_at`, or not done and due before min(now, end of P); `late_hours` = Σ (done_at or now)
 *   − due_at. A group is listed when at least MIN_LATE of its tasks are late and they are at least
 *   half of its tasks due (one late task, or a few among many, is the ordinary slip of a busy month,
 *   not a pattern to act on). Reopens by (resolving department, resolved state): reopens in P (§2; override rows
 *   ignored) grouped by the department and the `to_state` of the latest resolution before them.
 * - satisfaction — the CSAT (1–5) of responses in P (§3 scope) whose survey names a case, grouped by
 *   the case's handoff count (0, 1, 2, 3+; non-override handoffs up to the response), by product (the
 *   products the case's customer bought, each once) and by workflow path (the departments receiving
 *   its handoffs, in order); each group against all other responses of the scope. A group is listed
 *   when it and the rest both have at least MIN_RESPONSES responses and it scores at least MIN_GAP
 *   points lower.
 * - utilisation — per member (department: its active users; team: its members during P; company:
 *   every assignee), the hours logged on their tasks due in P against their capacity (workday hours ×
 *   working days of P): over when logged > capacity (impact logged − capacity), under when they have
 *   tasks yet log less than half the target utilisation (impact target × capacity − logged).
 * - cohesion — attendance by member: invitations to meetings starting in P (§5 scope), listed when at
 *   least MIN_MISSED missed and fewer than half attended. Pulse trend: the pulse score (§5) of P
 *   against the period of the same length just before it, listed when it fell by PULSE_DROP points
 *   or more with at least MIN_RESPONSES responses on each side.
 */

export const MIN_RESPONSES = 3;
export const MIN_GAP = 0.5;
export const MIN_MISSED = 2;
export const MIN_LATE = 2;
export const PULSE_DROP = 10;

/** Rows the viewer may read for the dimension diagnostics. */
export interface RowAccess {
  scope: InsightScope;
  /** `cc_tasks` due in P. */
  tasks: Visibility;
  /** `cc_survey_responses` answered in the period before P and in P. */
  responses: Visibility;
  /** `cc_meeting_participants` of meetings starting in P. */
  participants: Visibility;
  /** `cc_case_events` (all of them: reopens, resolutions and the handoffs of a case). */
  events: Visibility;
  /** `cc_cases`: only these are named. */
  cases: Visibility;
}

export const READ_ALL: Omit<RowAccess, 'scope'> = { tasks: { all: true }, responses: { all: true }, participants: { all: true }, events: { all: true }, cases: { all: true } };

/** `and column in (ids)` for a row's `alias.id` column; a history answer by case (`via`) restricts the row's case instead. */
function visible(db: Knex, visibility: Visibility, column: string): { sql: string; bindings: unknown[] } {
  if (visibility.all) return { sql: '', bindings: [] };
  if (visibility.via && !column.endsWith('.id')) throw new Error(`A visibility by ${visibility.via} needs a row's id column, not ${column}.`);
  const list = inIds(db, visibility.via ? visibleColumn(visibility, column.slice(0, -'.id'.length)) : column, visibility.ids);
  return { sql: ` and ${list.sql}`, bindings: [list.binding] };
}

const caseNamed = (db: Knex, access: RowAccess, column: string) => visible(db, access.cases, column);

// ---- execution ----

export interface LateTasks {
  project: number | null;
  assignee: string | null;
  due: number;
  late: number;
  late_hours: number;
  tasks: number[];
}

/** What the member-load diagnosis needs of the evaluation settings. */
export interface LoadSettings {
  workdayHours: number;
  targets: { utilisation: number };
}

/** The late-task and member-load findings of one period and scope. */
export interface DueTaskFindings {
  late: LateTasks[];
  loads: MemberLoad[];
}

/**
 * Late tasks (execution) and member loads (utilisation) read the same rows, the tasks due in P, each
 * with its own scope (late tasks: the task's department, or its project's or meeting's team; loads:
 * the assignee's department or team membership). One pass groups them by (assignee, project): the
 * late-task groups are those groups, and a member's load is the sum of their groups. Two statements
 * sorted the period's tasks twice (SQLite, scale 1000, a month, the company: 117 + 94 → 160 ms).
 * `now` asks for the late tasks, `settings` for the loads.
 */
export async function dueTaskFindings(db: Knex, period: ZonedPeriod, access: RowAccess, wanted: { now?: Date; settings?: LoadSettings }): Promise<DueTaskFindings> {
  const dialect = dialectOf(db);
  const p = periodBindings(db, period);
  const capacity = wanted.settings ? workingDays(period).length * wanted.settings.workdayHours : 0;
  const late = wanted.now !== undefined ? dueTaskScope(dialect, access.scope, 'late', p) : NO_TASK;
  const load = wanted.settings && capacity > 0 ? dueTaskScope(dialect, access.scope, 'load', p) : NO_TASK;
  if (late === NO_TASK && load === NO_TASK) return { late: [], loads: [] };
  const now = wanted.now ?? new Date();
  const cutoff = dialect.instant(now < period.end ? now : period.end);
  const nowAt = dialect.instant(now);
  const seen = visible(db, access.tasks, 't.id');
  const param = isSqlite(db) ? '?' : 'cast(? as timestamptz)';
  const joins = access.scope.kind === 'team' ? 'left join cc_projects p on p.id = t.project left join cc_meetings m on m.id = t.meeting' : '';
  const body = `select t.id as task_id, t.project as project, t.assignee as assignee,
      case when ${late.sql} then 1 else 0 end as for_late,
      case when ${load.sql} then 1 else 0 end as for_load,
      case when (t.done_at is not null and t.done_at > t.due_at) or (t.done_at is null and t.due_at < ${param}) then 1 else 0 end as late,
      ${dialect.hours(`coalesce(t.done_at, ${param})`, 't.due_at')} as over_hours,
      coalesce(cast(t.logged_hours as double precision), 0) as logged
    from cc_tasks t ${joins}
    where t.due_at >= ? and t.due_at < ? and ((${late.sql}) or (${load.sql}))${seen.sql}`;
  const settings = wanted.settings;
  const underBelow = settings ? (settings.targets.utilisation / 2) * capacity : 0;
  // The late-task groups listed (at least MIN_LATE late, and at least half of the group's tasks), with
  // their late tasks' ids in one text column; the members over or under, with all their tasks' ids.
  const found = await rows(
    db,
    `with due as (${body}),
    grouped as materialized (
      select assignee, project,
        sum(for_late) as due, sum(for_late * late) as late, sum(case when for_late = 1 and late = 1 then over_hours else 0 end) as late_hours,
        ${idsText('case when for_late = 1 and late = 1 then task_id end')} as late_ids,
        sum(for_load) as tasks, sum(case when for_load = 1 then logged else 0 end) as logged,
        ${idsText('case when for_load = 1 then task_id end')} as load_ids
      from due group by assignee, project
    )
    select 'late' as kind, project, assignee, due as tasks, late, late_hours, late_ids as ids, null as logged
    from grouped where late >= ${MIN_LATE} and 2 * late >= due
    union all
    select 'load', null, assignee, sum(tasks), null, null, string_agg(load_ids, ','), sum(logged)
    from grouped where tasks > 0 group by assignee having sum(logged) > ? or sum(logged) < ?`,
    [...late.bindings, ...load.bindings, cutoff, nowAt, p.start, p.end, ...late.bindings, ...load.bindings, ...seen.bindings, capacity, underBelow],
  );
  const lateGroups: LateTasks[] = [];
  const loads: MemberLoad[] = [];
  for (const row of found) {
    if (row['kind'] === 'late') {
      lateGroups.push({
        project: row['project'] === null || row['project'] === undefined ? null : Number(row['project']),
        assignee: (row['assignee'] as string | null | undefined) ?? null,
        due: count(row['tasks']),
        late: count(row['late']),
        late_hours: count(row['late_hours']),
        tasks: idsOf(row['ids'], 'ascending'),
      });
    } else if (settings) {
      const logged = count(row['logged']);
      const over = logged > capacity;
      loads.push({
        user: String(row['assignee']),
        tasks: count(row['tasks']),
        logged_hours: logged,
        capacity_hours: capacity,
        utilisation: logged / capacity,
        load: over ? 'over' : 'under',
        excess_hours: over ? logged - capacity : settings.targets.utilisation * capacity - logged,
        task_ids: idsOf(row['ids'], 'ascending'),
      });
    }
  }
  return {
    late: lateGroups.sort((a, b) => b.late - a.late || b.late_hours - a.late_hours || String(a.assignee).localeCompare(String(b.assignee)) || (a.project ?? 0) - (b.project ?? 0)),
    // Over capacity first: an overloaded person is the harm; then by the hours.
    loads: loads.sort((a, b) => (a.load === b.load ? 0 : a.load === 'over' ? -1 : 1) || b.excess_hours - a.excess_hours || a.user.localeCompare(b.user)),
  };
}

/** The condition of a diagnosis not asked for: no task. */
const NO_TASK = { sql: '0 = 1', bindings: [] as unknown[] };

/**
 * Which tasks due a diagnosis takes, as a condition on `t` (and `p`, `m`, the task's project and
 * meeting, for a team's late tasks): late tasks follow §2 (a department its tasks, a team those of its
 * projects and meetings); loads follow the member (a department its active users, a team its members
 * during P, the company every assignee).
 */
function dueTaskScope(dialect: ReturnType<typeof dialectOf>, scope: InsightScope, kind: 'late' | 'load', p: ReturnType<typeof periodBindings>): { sql: string; bindings: unknown[] } {
  if (kind === 'late') {
    if (scope.kind === 'department') return { sql: 't.department = ?', bindings: [scope.key] };
    if (scope.kind === 'team') return { sql: '(p.team = ? or m.team = ?)', bindings: [scope.key, scope.key] };
    return { sql: '1 = 1', bindings: [] };
  }
  if (scope.kind === 'department') return { sql: `t.assignee in (select id from directus_users where status = 'active' and cc_department = ?)`, bindings: [scope.key] };
  if (scope.kind === 'team') {
    return {
      sql: `t.assignee in (select tm."user" from cc_team_members tm where tm.team = ? and (tm.since is null or tm.since < ${dialect.dateParam}) and (tm.until is null or tm.until >= ${dialect.dateParam}))`,
      bindings: [scope.key, p.endDate, p.startDate],
    };
  }
  return { sql: 't.assignee is not null', bindings: [] };
}

export function lateTasks(db: Knex, period: ZonedPeriod, access: RowAccess, now: Date): Promise<LateTasks[]> {
  return dueTaskFindings(db, period, access, { now }).then((found) => found.late);
}

export interface Reopens {
  department: string | null;
  state: number | null;
  reopens: number;
  cases: number[];
}

export async function reopensByResolver(db: Knex, period: ZonedPeriod, access: RowAccess): Promise<Reopens[]> {
  const p = periodBindings(db, period);
  const seenReopen = visible(db, access.events, 'e.id');
  const seenResolution = visible(db, access.events, 'r.id');
  const scoped = access.scope.kind === 'department' ? ' and y.department = ?' : access.scope.kind === 'team' ? ' and y.team = ?' : '';
  const scopeBindings = access.scope.kind === 'company' ? [] : [access.scope.key];
  const named = caseNamed(db, access, 'case_id');
  // The period's reopens first, on their own: the reopening transitions named as a set, so they come
  // from the transitions index (src/directus/database-extras.ts), not from a scan of the whole
  // history, and before anything is looked up for them (PostgreSQL otherwise tested the scope, which
  // needs the resolution, on every row of the period: a department's reopens at scale 1000 took
  // 194 ms). Then per reopen, by id, the case's team and the latest resolution, found once, and that
  // resolution's department and state: as joins, PostgreSQL misjudges how few reopens there are and
  // hashes the whole history (and every case) for them. Every history row has its case (`case` is
  // required and a foreign key).
  const ctes = `reopen_rows as materialized (
      select e."case" as case_id, e.occurred_at as occurred_at
      from cc_case_events e
      where e.transition in (select id from cc_workflow_transitions where is_reopen is true)
        and e.is_override is not true and e.occurred_at >= ? and e.occurred_at < ?${seenReopen.sql}
    ),
    resolved as materialized (
      select x.case_id as case_id, (select c.team from cc_cases c where c.id = x.case_id) as team,
        (
          select r.id from cc_case_events r
          join cc_workflow_transitions rt on rt.id = r.transition
          where r."case" = x.case_id and rt.is_resolution is true and r.is_override is not true and r.occurred_at < x.occurred_at${seenResolution.sql}
          order by r.occurred_at desc, r.id desc
          limit 1
        ) as resolution
      from reopen_rows x
    ),
    reopened as materialized (
      select y.case_id as case_id, y.department as department, y.state as state
      from (
        select x.case_id as case_id, x.team as team,
          (select rr.actor_department from cc_case_events rr where rr.id = x.resolution) as department,
          (select rr.to_state from cc_case_events rr where rr.id = x.resolution) as state
        from resolved x
      ) y
      where 1 = 1${scoped}
    )`;
  const bindings = [p.start, p.end, ...seenReopen.bindings, ...seenResolution.bindings, ...scopeBindings];
  // One pass: the (department, state) groups, each with the cases behind it the viewer may open in
  // one text column. The reopens are counted before the lists are joined: joined first, every reopen
  // carried its group's whole list into the grouping (scale 1000, a month's 3,400 reopens: 85 → 28 ms).
  const groups = await rows(
    db,
    `with ${ctes},
    named as (select distinct department, state, case_id from reopened where 1 = 1${named.sql}),
    case_lists as (select department, state, ${idsText('case_id')} as case_ids from named group by department, state),
    counted as (select department, state, count(*) as reopens from reopened group by department, state)
    select r.department, r.state, r.reopens, l.case_ids
    from counted r left join case_lists l on l.department is not distinct from r.department and l.state is not distinct from r.state`,
    [...bindings, ...named.bindings],
  );
  return groups
    .map((row) => ({
      department: (row['department'] as string | null | undefined) ?? null,
      state: row['state'] === null || row['state'] === undefined ? null : Number(row['state']),
      reopens: count(row['reopens']),
      cases: idsOf(row['case_ids'], 'ascending'),
    }))
    .sort((a, b) => b.reopens - a.reopens || String(a.department).localeCompare(String(b.department)) || (a.state ?? 0) - (b.state ?? 0));
}

// ---- satisfaction ----

export type CsatGrouping = 'handoffs' | 'product' | 'path';

export interface CsatGroup {
  by: CsatGrouping;
  /** The handoff count (3 meaning 3 or more), the product id, or the path of department keys. */
  group: number | string[];
  responses: number;
  mean: number;
  others_responses: number;
  others_mean: number;
  /** others_mean − mean, in CSAT points (1–5). */
  gap: number;
  cases: number[];
}

export async function csatGroups(db: Knex, period: ZonedPeriod, access: RowAccess): Promise<CsatGroup[]> {
  const p = periodBindings(db, period);
  const scope = access.scope.kind === 'department' ? ' and r.department = ?' : access.scope.kind === 'team' ? ' and s.team = ?' : '';
  const scopeBindings = access.scope.kind === 'company' ? [] : [access.scope.key];
  const seen = visible(db, access.responses, 'r.id');
  const seenHandoff = visible(db, access.events, 'h.id');
  const seenPath = visible(db, access.events, 'e.id');
  // The case's customer by key, per response: a join made PostgreSQL hash every case ever opened
  // (twice: for the purchases and for the responses), 10 ms of 26 at scale 100.
  const answered = `select r.id as response_id, r.csat as csat, s."case" as case_id, r.responded_at as responded_at,
      (select c.customer from cc_cases c where c.id = s."case") as customer
    from cc_survey_responses r join cc_surveys s on s.id = r.survey
    where s.kind = 'csat' and r.csat is not null and r.responded_at >= ? and r.responded_at < ?${scope}${seen.sql}`;
  const answeredBindings = [p.start, p.end, ...scopeBindings, ...seen.bindings];
  // by_product reads only the purchases of the customers who answered (through the customer index),
  // not every purchase ever made.
  const grouped = `with answered as materialized (${answered}),
    by_handoffs as (
      select a.response_id, a.csat, a.case_id, cast((
        select case when count(*) >= 3 then 3 else count(*) end from cc_case_events h
        where h."case" = a.case_id and h.is_handoff is true and h.is_override is not true and h.occurred_at <= a.responded_at${seenHandoff.sql}
      ) as text) as grp
      from answered a where a.case_id is not null
    ),
    paths as (
      select e."case" as case_id, string_agg(st.owner_department, '>' order by e.occurred_at, e.id) as path
      from cc_case_events e join cc_workflow_states st on st.id = e.to_state
      where e.is_handoff is true and e.is_override is not true and e."case" in (select case_id from answered)${seenPath.sql}
      group by e."case"
    ),
    by_path as (
      select a.response_id, a.csat, a.case_id, pa.path as grp from answered a join paths pa on pa.case_id = a.case_id
    ),
    by_product as (
      select a.response_id, a.csat, a.case_id, cast(pu.product as text) as grp
      from answered a join (
        select distinct customer, product from cc_purchases
        where product is not null and customer in (select customer from answered)
      ) pu on pu.customer = a.customer
    ),
    grouped as materialized (
      select 'handoffs' as by_kind, grp, response_id, csat, case_id from by_handoffs
      union all select 'path', grp, response_id, csat, case_id from by_path
      union all select 'product', grp, response_id, csat, case_id from by_product
    )`;
  const groupBindings = [...answeredBindings, ...seenHandoff.bindings, ...seenPath.bindings];
  const named = caseNamed(db, access, 'g.case_id');
  // One pass: each group's count and sum against all responses of the scope; those listed (both
  // sides at least MIN_RESPONSES, the group MIN_GAP or more below the rest:
  // n·(T − S) − S·(N − n) ≥ MIN_GAP·n·(N − n), no division), and the cases behind them. The listed
  // groups are few: their rows are picked by a look-up in that short list (as a join, SQLite indexed
  // every group's statistics to probe them from each row: scale 1000, a month, 215 → 180 ms).
  const all = await rows(
    db,
    `${grouped},
    totals as (select count(*) as n, sum(csat) as total from answered),
    stats as (select by_kind, grp, count(*) as n, sum(csat) as total from grouped group by by_kind, grp),
    listed as (
      select s.by_kind, s.grp, s.n, s.total, t.n as all_n, t.total as all_total from stats s cross join totals t
      where s.n >= ${MIN_RESPONSES} and t.n - s.n >= ${MIN_RESPONSES} and s.n * (t.total - s.total) - s.total * (t.n - s.n) >= ${MIN_GAP} * s.n * (t.n - s.n)
    ),
    case_rows as (
      select distinct g.by_kind, g.grp, g.case_id from grouped g where (g.by_kind, g.grp) in (select by_kind, grp from listed) and g.case_id is not null${named.sql}
    ),
    case_lists as (select by_kind, grp, ${idsText('case_id')} as case_ids from case_rows group by by_kind, grp)
    select l.by_kind, l.grp, l.n, l.total, l.all_n, l.all_total, c.case_ids
    from listed l left join case_lists c on c.by_kind = l.by_kind and c.grp = l.grp`,
    [...groupBindings, ...named.bindings],
  );
  const listed: CsatGroup[] = [];
  for (const row of all) {
    const n = count(row['n']);
    const sum = count(row['total']);
    const othersN = count(row['all_n']) - n;
    const mean = sum / n;
    const othersMean = (count(row['all_total']) - sum) / othersN;
    const by = String(row['by_kind']) as CsatGrouping;
    const grp = String(row['grp']);
    listed.push({ by, group: by === 'path' ? grp.split('>') : Number(grp), responses: n, mean, others_responses: othersN, others_mean: othersMean, gap: othersMean - mean, cases: idsOf(row['case_ids'], 'ascending') });
  }
  return listed.sort((a, b) => b.gap * b.responses - a.gap * a.responses || b.gap - a.gap);
}

// ---- utilisation ----

export interface MemberLoad {
  user: string;
  tasks: number;
  logged_hours: number;
  capacity_hours: number;
  utilisation: number;
  /** over: logged − capacity; under: target × capacity − logged. */
  load: 'over' | 'under';
  excess_hours: number;
  task_ids: number[];
}

export function memberLoads(db: Knex, period: ZonedPeriod, access: RowAccess, settings: LoadSettings): Promise<MemberLoad[]> {
  return dueTaskFindings(db, period, access, { settings }).then((found) => found.loads);
}

// ---- cohesion ----

export interface Attendance {
  user: string;
  invitations: number;
  attended: number;
  missed: number;
}

export async function attendanceByMember(db: Knex, period: ZonedPeriod, access: RowAccess): Promise<Attendance[]> {
  const p = periodBindings(db, period);
  const scope = access.scope.kind === 'department' ? ' and u.cc_department = ?' : access.scope.kind === 'team' ? ' and m.team = ?' : '';
  const scopeBindings = access.scope.kind === 'company' ? [] : [access.scope.key];
  const seen = visible(db, access.participants, 'mp.id');
  // The period's meetings first, then their invitations through the participants' meeting index
  // (`cross join` keeps that order on SQLite, which otherwise read every invitation ever sent: at
  // scale 1000, this month's first days 12 → 5 ms, a quarter 67 → 60 ms).
  const found = await rows(
    db,
    `select mp."user" as member, count(*) as invitations, sum(case when mp.attended is true then 1 else 0 end) as attended
    from cc_meetings m
    cross join cc_meeting_participants mp
    left join directus_users u on u.id = mp."user"
    where mp.meeting = m.id and mp."user" is not null and m.starts_at >= ? and m.starts_at < ?${scope}${seen.sql}
    group by mp."user"
    having count(*) - sum(case when mp.attended is true then 1 else 0 end) >= ${MIN_MISSED}
      and 2 * sum(case when mp.attended is true then 1 else 0 end) < count(*)`,
    [p.start, p.end, ...scopeBindings, ...seen.bindings],
  );
  return found
    .map((row) => ({ user: String(row['member']), invitations: count(row['invitations']), attended: count(row['attended']), missed: count(row['invitations']) - count(row['attended']) }))
    .sort((a, b) => b.missed - a.missed || a.user.localeCompare(b.user));
}

export interface PulseTrend {
  previous: { starts_on: string; ends_on: string; responses: number; score: number };
  current: { responses: number; score: number };
  /** previous − current, in pulse-score points (0–100). */
  drop: number;
}

/** The period of the same length just before P: as many whole months when P is whole months, else as many days. */
export function previousWindow(period: { starts_on: string; ends_on: string }): { starts_on: string; ends_on: string } {
  const [sy, sm, sd] = period.starts_on.split('-').map(Number) as [number, number, number];
  const [ey, em, ed] = period.ends_on.split('-').map(Number) as [number, number, number];
  if (sd === 1 && ed === 1) {
    const months = (ey - sy) * 12 + (em - sm);
    const start = sy * 12 + (sm - 1) - months;
    return { starts_on: isoDate(Math.floor(start / 12), (start % 12) + 1, 1), ends_on: period.starts_on };
  }
  return { starts_on: addDays(period.starts_on, -daysBetween(period.starts_on, period.ends_on)), ends_on: period.starts_on };
}

export async function pulseTrend(db: Knex, period: ZonedPeriod, access: RowAccess, timeZone: string): Promise<PulseTrend | null> {
  const before = zoned(previousWindow(period), timeZone);
  const dialect = dialectOf(db);
  const scope = access.scope.kind === 'department' ? ' and r.department = ?' : access.scope.kind === 'team' ? ' and s.team = ?' : '';
  const scopeBindings = access.scope.kind === 'company' ? [] : [access.scope.key];
  const seen = visible(db, access.responses, 'r.id');
  const found = await rows(
    db,
    `select is_current, count(*) as n, avg(pulse) as mean from (
      select case when r.responded_at >= ? then 1 else 0 end as is_current, cast(r.pulse as double precision) as pulse
      from cc_survey_responses r join cc_surveys s on s.id = r.survey
      where s.kind = 'pulse' and r.pulse is not null and r.responded_at >= ? and r.responded_at < ?${scope}${seen.sql}
    ) answered group by is_current`,
    [dialect.instant(period.start), dialect.instant(before.start), dialect.instant(period.end), ...scopeBindings, ...seen.bindings],
  );
  const side = (current: number) => found.find((row) => Number(row['is_current']) === current);
  const now = side(1);
  const then = side(0);
  if (!now || !then || count(now['n']) < MIN_RESPONSES || count(then['n']) < MIN_RESPONSES) return null;
  const score = (mean: unknown) => (100 * ((num(mean) ?? 1) - 1)) / 4;
  const drop = score(then['mean']) - score(now['mean']);
  if (drop < PULSE_DROP) return null;
  return {
    previous: { starts_on: before.starts_on, ends_on: before.ends_on, responses: count(then['n']), score: score(then['mean']) },
    current: { responses: count(now['n']), score: score(now['mean']) },
    drop,
  };
}
