import type { Knex } from 'knex';
import { readConnection } from '../directus/read-lanes.ts';
import type { Item, ServiceContext } from '../directus/services.ts';
import { daysBetween, monthsOfPeriod } from '../evaluation/period.ts';
import { bucketOf, dateOf, dialectOf, inIds, num, rows } from '../evaluation/sql.ts';
import { visibleRows } from './visibility.ts';
import type { InsightQuery } from './query.ts';

/**
 * Budget against actual expense per month of the period, for a department (its budgets and
 * expenses), a team (those of its projects) or everything the viewer sees. Budgets are pro-rated as
 * metrics.md §4 says: amount × (days of the budget period inside the month) / (days of the budget
 * period), periods being `[period_start, period_end)`. Read through Directus with the viewer's
 * permissions: finance rows only for budget.manage holders and heads (their own department); the
 * expense sums are Directus aggregate queries grouped by month.
 */

export interface BudgetMonth {
  month: string;
  budget: number;
  expense: number;
}

export interface BudgetReport {
  period: InsightQuery['period'];
  months: BudgetMonth[];
  totals: { budget: number; expense: number; execution: number | null };
  /** False when the viewer may not read finance records at all. */
  readable: boolean;
}

type Ctx = ServiceContext & { db: Knex };

export async function budgetVsActual(ctx: Ctx, query: InsightQuery): Promise<BudgetReport> {
  const items = (collection: string) => new ctx.services.ItemsService(collection, { schema: ctx.schema, accountability: ctx.accountability, knex: ctx.db });
  const scope: Record<string, unknown>[] =
    query.scope.kind === 'department' ? [{ department: { _eq: query.scope.key } }] : query.scope.kind === 'team' ? [{ project: { team: { _eq: query.scope.key } } }] : [];
  const { starts_on, ends_on } = query.period;
  const months = monthsOfPeriod(query.period);
  const empty = months.map((m) => ({ month: m.month, budget: 0, expense: 0 }));
  let budgets: Item[];
  let sums: Item[];
  try {
    [budgets, sums] = await Promise.all([
      items('cc_budgets').readByQuery({
        filter: { _and: [{ period_start: { _lt: ends_on } }, { period_end: { _gt: starts_on } }, ...scope] },
        fields: ['id', 'amount', 'period_start', 'period_end'],
        limit: -1,
      }),
      expenseByMonth(ctx, query, months, scope),
    ]);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'FORBIDDEN') return { period: query.period, months: empty, totals: { budget: 0, expense: 0, execution: null }, readable: false };
    throw error;
  }
  const result = months.map((m) => {
    let budget = 0;
    for (const b of budgets) {
      const start = dateOf(b['period_start']) as string;
      const end = dateOf(b['period_end']) as string;
      const length = daysBetween(start, end);
      if (length <= 0) continue;
      const overlap = daysBetween(start > m.starts_on ? start : m.starts_on, end < m.ends_on ? end : m.ends_on);
      if (overlap > 0) budget += ((num(b['amount']) ?? 0) * overlap) / length;
    }
    const sum = sums.find((s) => Number(s['bucket']) === months.indexOf(m));
    return { month: m.month, budget, expense: num(sum?.['expense']) ?? 0 };
  });
  const totals = result.reduce((t, m) => ({ budget: t.budget + m.budget, expense: t.expense + m.expense }), { budget: 0, expense: 0 });
  return { period: query.period, months: result, totals: { ...totals, execution: totals.budget > 0 ? totals.expense / totals.budget : null }, readable: true };
}

/** Expense per month bucket, summed by the database over the transactions the viewer may read. */
async function expenseByMonth(ctx: Ctx, query: InsightQuery, months: ReturnType<typeof monthsOfPeriod>, scope: Record<string, unknown>[]): Promise<Item[]> {
  const { starts_on, ends_on } = query.period;
  const visible = await visibleRows(ctx, 'cc_transactions', { _and: [{ kind: { _eq: 'expense' } }, { occurred_on: { _gte: starts_on } }, { occurred_on: { _lt: ends_on } }, ...scope] });
  const sql = dialectOf(ctx.db);
  const bucket = bucketOf('t.occurred_on', [...months.map((m) => sql.date(m.starts_on)), sql.date(ends_on)], sql.dateParam);
  const where: string[] = [];
  const bindings: unknown[] = [];
  if (query.scope.kind === 'department') {
    where.push('t.department = ?');
    bindings.push(query.scope.key);
  } else if (query.scope.kind === 'team') {
    where.push('p.team = ?');
    bindings.push(query.scope.key);
  }
  if (!visible.all) {
    const list = inIds(ctx.db, 't.id', visible.ids);
    where.push(list.sql);
    bindings.push(list.binding);
  }
  return rows(
    await readConnection(ctx.db),
    `select bucket, sum(amount) as expense from (
      select ${bucket.sql} as bucket, cast(t.amount as double precision) as amount
      from cc_transactions t left join cc_projects p on p.id = t.project
      where t.kind = 'expense' and t.occurred_on >= ${sql.dateParam} and t.occurred_on < ${sql.dateParam} ${where.map((w) => `and ${w}`).join(' ')}
    ) bucketed
    group by bucket`,
    [...bucket.bindings, sql.date(starts_on), sql.date(ends_on), ...bindings],
  );
}
