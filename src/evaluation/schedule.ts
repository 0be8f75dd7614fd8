import { toDbTime } from '../directus/time.ts';
import { runCycle, type EvaluationContext, type RunReport } from './cycles.ts';
import { periodKey, periodName, periodsJustEnded } from './period.ts';
import { dialectOf } from './sql.ts';

/**
 * The evaluation schedule (CONCORD_EVALUATION_CRON, default 02:00 on the 1st in the company time
 * zone): creates the draft cycle of the month that just ended — and at a quarter's end the quarter's
 * — and runs it. Publishing stays a person's act. Instances running it at once race on the cycle's
 * unique period key: only the one whose insert lands runs that cycle, so there is one cycle and one
 * run.
 */
export async function runScheduledEvaluation(ctx: EvaluationContext, at: Date = ctx.now?.() ?? new Date()): Promise<{ created: RunReport[]; existing: string[] }> {
  const dates = dialectOf(ctx.db);
  const created: RunReport[] = [];
  const existing: string[] = [];
  for (const { kind, period } of periodsJustEnded(at, ctx.settings.timeZone)) {
    const key = periodKey(kind, period);
    const inserted = await ctx.db('cc_evaluation_cycles')
      .insert({
        name: periodName(kind, period),
        period_kind: kind,
        starts_on: dates.date(period.starts_on),
        ends_on: dates.date(period.ends_on),
        status: 'draft',
        period_key: key,
        date_created: toDbTime(ctx.db, at),
      })
      .onConflict('period_key')
      .ignore()
      .returning('id');
    const row = inserted[0] as { id: number } | number | undefined;
    if (row === undefined) {
      existing.push(key);
      continue;
    }
    created.push(await runCycle(ctx, Number(typeof row === 'object' ? row.id : row)));
  }
  return { created, existing };
}
