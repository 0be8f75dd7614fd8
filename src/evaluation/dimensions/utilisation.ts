import { meanOfAvailable, share, perScope, type DimensionModule, type DimensionResult, type MetricContext } from '../catalogue.ts';
import { workingDays } from '../period.ts';
import type { Targets } from '../settings.ts';
import { count, creditedToScopes, dialectOf, periodBindings, rows } from '../sql.ts';
import { scopeTasksDue } from './scope-tasks.ts';

/**
 * 4. utilisation — 资源利用率 (metrics.md §4)
 *
 * Hours: logged_hours = the sum of `logged_hours` of the scope's tasks due in P (as in §2).
 * capacity_hours = for each member, workday hours (CONCORD_WORKDAY_HOURS, 8) × the working days
 * (Monday–Friday) of P inside their membership, summed. Department members: users with
 * `cc_department = d` and status active, for the whole of P. Team members: `cc_team_members` rows of
 * t, for the days of P within `[since, until]` (an empty bound is open).
 * utilisation = logged / capacity (n/a when capacity is 0);
 * hours_score = 100 × max(0, 1 − |utilisation − target| / target), target 0.85.
 * Budget: expense = the sum of `amount` of `cc_transactions` with `kind = expense` and `occurred_on`
 * in P — a department's with `department = d`, a team's with a project of that team. budget = the sum
 * over the scope's budgets (by department, or by a project of the team) of `amount` × (days of the
 * budget period inside P) / (days of the budget period), budget periods being `[period_start,
 * period_end)`. budget_execution = expense / budget (n/a when budget is 0);
 * budget_score = 100 × max(0, 1 − |budget_execution − target|), target 1.
 *
 * raw: logged_hours, capacity_hours, utilisation, hours_score, expense, budget, budget_execution,
 * budget_score. score = the mean of hours_score and budget_score that are not n/a.
 */

export interface UtilisationAggregate {
  tasks_due: number;
  logged_hours: number;
  members: number;
  capacity_hours: number;
  transactions: number;
  expense: number;
  budgets: number;
  budget: number;
}

export function utilisationResult(a: UtilisationAggregate, targets: Targets): DimensionResult {
  const utilisation = share(a.logged_hours, a.capacity_hours);
  const hoursScore = utilisation === null ? null : 100 * Math.max(0, 1 - Math.abs(utilisation - targets.utilisation) / targets.utilisation);
  const budgetExecution = share(a.expense, a.budget);
  const budgetScore = budgetExecution === null ? null : 100 * Math.max(0, 1 - Math.abs(budgetExecution - targets.budget_execution));
  return {
    score: meanOfAvailable([hoursScore, budgetScore]),
    raw: {
      logged_hours: a.logged_hours,
      capacity_hours: a.capacity_hours,
      utilisation,
      hours_score: hoursScore,
      expense: a.expense,
      budget: a.budget,
      budget_execution: budgetExecution,
      budget_score: budgetScore,
    },
    counts: { tasks_due: a.tasks_due, members: a.members, transactions: a.transactions, budgets: a.budgets },
  };
}

const EMPTY: UtilisationAggregate = { tasks_due: 0, logged_hours: 0, members: 0, capacity_hours: 0, transactions: 0, expense: 0, budgets: 0, budget: 0 };

export const utilisation: DimensionModule = {
  key: 'utilisation',
  empty: ({ settings }) => utilisationResult(EMPTY, settings.targets),
  async evaluate(ctx: MetricContext) {
    const { of, results } = perScope(EMPTY);
    for (const row of await scopeTasksDue(ctx)) {
      const a = of(row.scope_kind, row.scope);
      a.tasks_due = count(row['tasks_due']);
      a.logged_hours = count(row['logged_hours']);
    }
    for (const row of await capacity(ctx)) {
      const a = of(row.scope_kind, row.scope);
      a.members = count(row['members']);
      a.capacity_hours = count(row['member_days']) * ctx.settings.workdayHours;
    }
    for (const row of await money(ctx)) {
      const a = of(row.scope_kind, row.scope);
      a.transactions = count(row['transactions']);
      a.expense = count(row['expense']);
      a.budgets = count(row['budgets']);
      a.budget = count(row['budget']);
    }
    return results((a) => utilisationResult(a, ctx.settings.targets));
  },
};

/**
 * Member-days of P per scope: active department members for every working day, team membership
 * rows for the working days inside [since, until]. The working days are the calendar's, bound as a
 * small derived table (at most 262 rows for the longest preview period), joined to the distinct
 * membership spans (team, since, until) with their head counts rather than to every membership row.
 */
async function capacity({ db, period }: MetricContext) {
  const days = workingDays(period);
  if (days.length === 0) return [];
  const sql = dialectOf(db);
  const calendar = days.map(() => `select ${sql.dateParam} as day`).join(' union all ');
  return rows(
    db,
    `with days as (${calendar}),
    department_members as (
      select cc_department as scope, count(*) as members from directus_users
      where status = 'active' and cc_department is not null
      group by cc_department
    ),
    spans as (
      select team, since, until, count(*) as members from cc_team_members
      group by team, since, until
    ),
    team_days as (
      select m.team as team, sum(m.members) as member_days from spans m
      join days d on (m.since is null or m.since <= d.day) and (m.until is null or m.until >= d.day)
      group by m.team
    ),
    team_rows as (
      select m.team as team, count(*) as members from cc_team_members m
      where (m.since is null or m.since < ?) and (m.until is null or m.until >= ?)
      group by m.team
    )
    select 'department' as scope_kind, scope, members, members * ${days.length} as member_days from department_members
    union all
    select 'team', cast(r.team as text), r.members, coalesce(t.member_days, 0) from team_rows r left join team_days t on t.team = r.team`,
    [...days.map((day) => sql.date(day)), sql.date(period.ends_on), sql.date(period.starts_on)],
  );
}

/** Expense and pro-rated budget per scope in one grouped query. */
async function money({ db, period }: MetricContext) {
  const sql = dialectOf(db);
  const p = periodBindings(db, period);
  const overlap = sql.days(sql.least('b.period_end', sql.dateParam), sql.greatest('b.period_start', sql.dateParam));
  const length = sql.days('b.period_end', 'b.period_start');
  return rows(
    db,
    `with money as materialized (
      select t.department as department, p.team as team, cast(t.amount as double precision) as expense, 0 as budget, 1 as is_transaction, 0 as is_budget
      from cc_transactions t
      left join cc_projects p on p.id = t.project
      where t.kind = 'expense' and t.occurred_on >= ${sql.dateParam} and t.occurred_on < ${sql.dateParam}
      union all
      select b.department, p.team, 0, (cast(b.amount as double precision) * ${overlap}) / ${length}, 0, 1
      from cc_budgets b
      left join cc_projects p on p.id = b.project
      where b.period_start < ${sql.dateParam} and b.period_end > ${sql.dateParam} and b.period_end > b.period_start
    ),
    scoped as (
      ${creditedToScopes('money', 'department', 'team', ['expense', 'budget', 'is_transaction', 'is_budget'])}
    )
    select scope_kind, scope, sum(expense) as expense, sum(budget) as budget, sum(is_transaction) as transactions, sum(is_budget) as budgets
    from scoped
    group by scope_kind, scope`,
    [p.startDate, p.endDate, p.endDate, p.startDate, p.endDate, p.startDate],
  );
}
