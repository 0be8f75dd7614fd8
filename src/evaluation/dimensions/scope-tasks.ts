import type { MetricContext } from '../catalogue.ts';
import { creditedToScopes, periodBindings, rows, type AggregateRow } from '../sql.ts';

/**
 * A scope's tasks due in P (metrics.md §2, used again by §4): `due_at` in P; a department's are
 * those with `department = d`, a team's those whose project's team or meeting's team is t (a task
 * counts once for a team even when both point at it). Per scope: tasks_due, tasks_on_time
 * (`done_at` set and ≤ `due_at`) and logged_hours (their sum).
 */
export function scopeTasksDue(ctx: MetricContext): Promise<AggregateRow[]> {
  // Execution and utilisation both read it: once per evaluation, on whichever connection asks first.
  const key = ctx.shared ?? ctx;
  let pending = memo.get(key);
  if (!pending) memo.set(key, (pending = queryScopeTasksDue(ctx)));
  return pending;
}

const memo = new WeakMap<object, Promise<AggregateRow[]>>();

function queryScopeTasksDue({ db, period }: MetricContext): Promise<AggregateRow[]> {
  const p = periodBindings(db, period);
  // Grouped by department, project and meeting first (no join per task), then by department and
  // teams, so the crediting below handles a few groups, not every task.
  return rows(
    db,
    `with owned as materialized (
      select t.department as department, t.project as project, t.meeting as meeting,
        count(*) as tasks_due,
        sum(case when t.done_at is not null and t.done_at <= t.due_at then 1 else 0 end) as tasks_on_time,
        sum(coalesce(cast(t.logged_hours as double precision), 0)) as logged_hours
      from cc_tasks t
      where t.due_at >= ? and t.due_at < ?
      group by t.department, t.project, t.meeting
    ),
    due as materialized (
      select o.department as department, p.team as project_team, m.team as meeting_team,
        sum(o.tasks_due) as tasks_due, sum(o.tasks_on_time) as tasks_on_time, sum(o.logged_hours) as logged_hours
      from owned o
      left join cc_projects p on p.id = o.project
      left join cc_meetings m on m.id = o.meeting
      group by o.department, p.team, m.team
    ),
    credited as materialized (
      select department, project_team as team, tasks_due, tasks_on_time, logged_hours from due
      union all
      select null, meeting_team, tasks_due, tasks_on_time, logged_hours from due
      where meeting_team is not null and (project_team is null or meeting_team <> project_team)
    ),
    scoped as (
      ${creditedToScopes('credited', 'department', 'team', ['tasks_due', 'tasks_on_time', 'logged_hours'])}
    )
    select scope_kind, scope, sum(tasks_due) as tasks_due, sum(tasks_on_time) as tasks_on_time, sum(logged_hours) as logged_hours
    from scoped
    group by scope_kind, scope`,
    [p.start, p.end],
  );
}
