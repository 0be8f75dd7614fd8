import type { Knex } from 'knex';
import type { Period } from '../evaluation/period.ts';
import { dialectOf, inIds, num, rows } from '../evaluation/sql.ts';
import type { InsightScope } from '../insights/query.ts';
import type { Visibility } from '../insights/visibility.ts';

/**
 * Anomaly (metrics.md "Diagnostics (v2)") — for each period kind, the latest published cycle (of
 * those starting before the end of P) against the same scope × dimension in up to 6 earlier
 * published cycles of that kind: baseline = median of those earlier scores (at least 3 needed),
 * MAD = median of |score − baseline| over them, deviation = (score − baseline) / max(1.4826 × MAD, 5).
 * Listed when |deviation| ≥ 2.5. Scores that are n/a count neither as the value nor in the history.
 * Medians are taken by the database as the communication median is.
 */
export interface Anomaly {
  period_kind: string;
  scope_kind: string;
  scope: string | number;
  dimension: string;
  value: number;
  baseline: number;
  deviation: number;
}

export const ANOMALY_THRESHOLD = 2.5;
export const MAD_FLOOR = 5;
export const HISTORY_CYCLES = 6;
export const MIN_HISTORY = 3;

export async function anomalies(db: Knex, period: Period, scope: InsightScope, scores: Visibility): Promise<Anomaly[]> {
  const dialect = dialectOf(db);
  const where: string[] = [];
  const bindings: unknown[] = [];
  if (scope.kind === 'department') {
    where.push(`s.scope_kind = 'department' and s.department = ?`);
    bindings.push(scope.key);
  } else if (scope.kind === 'team') {
    where.push(`s.scope_kind = 'team' and s.team = ?`);
    bindings.push(scope.key);
  }
  if (!scores.all) {
    const list = inIds(db, 's.id', scores.ids);
    where.push(list.sql);
    bindings.push(list.binding);
  }
  const group = 'period_kind, scope_kind, scope, dimension';
  const found = await rows(
    db,
    `with cycles as (
      select id, period_kind, row_number() over (partition by period_kind order by starts_on desc) as rn
      from cc_evaluation_cycles where status = 'published' and starts_on < ${dialect.dateParam}
    ),
    scored as materialized (
      select cy.period_kind, cy.rn, s.scope_kind, coalesce(s.department, cast(s.team as text)) as scope, s.dimension, s.score
      from cc_evaluation_scores s join cycles cy on cy.id = s.cycle
      where cy.rn <= ${HISTORY_CYCLES + 1} and s.score is not null ${where.map((w) => `and ${w}`).join(' ')}
    ),
    history as (
      select ${group}, score,
        row_number() over (partition by ${group} order by score) as k,
        count(*) over (partition by ${group}) as n
      from scored where rn > 1
    ),
    baselines as (
      select ${group}, avg(case when k = (n + 1) / 2 or k = (n + 2) / 2 then score end) as baseline
      from history group by ${group} having count(*) >= ${MIN_HISTORY}
    ),
    deviations as (
      select h.period_kind, h.scope_kind, h.scope, h.dimension, abs(h.score - b.baseline) as d,
        row_number() over (partition by h.period_kind, h.scope_kind, h.scope, h.dimension order by abs(h.score - b.baseline)) as k,
        count(*) over (partition by h.period_kind, h.scope_kind, h.scope, h.dimension) as n
      from history h join baselines b on b.period_kind = h.period_kind and b.scope_kind = h.scope_kind and b.scope = h.scope and b.dimension = h.dimension
    ),
    mads as (
      select ${group}, avg(case when k = (n + 1) / 2 or k = (n + 2) / 2 then d end) as mad from deviations group by ${group}
    )
    select l.period_kind, l.scope_kind, l.scope, l.dimension, l.score as value, b.baseline, m.mad
    from scored l
    join baselines b on b.period_kind = l.period_kind and b.scope_kind = l.scope_kind and b.scope = l.scope and b.dimension = l.dimension
    join mads m on m.period_kind = l.period_kind and m.scope_kind = l.scope_kind and m.scope = l.scope and m.dimension = l.dimension
    where l.rn = 1`,
    [dialect.date(period.ends_on), ...bindings],
  );
  const listed: Anomaly[] = [];
  for (const row of found) {
    const value = num(row['value']) as number;
    const baseline = num(row['baseline']) as number;
    const mad = num(row['mad']) ?? 0;
    const deviation = (value - baseline) / Math.max(1.4826 * mad, MAD_FLOOR);
    if (Math.abs(deviation) < ANOMALY_THRESHOLD) continue;
    listed.push({
      period_kind: String(row['period_kind']),
      scope_kind: String(row.scope_kind),
      scope: row.scope_kind === 'team' ? Number(row.scope) : String(row.scope),
      dimension: String(row['dimension']),
      value,
      baseline,
      deviation,
    });
  }
  return listed.sort((a, b) => Math.abs(b.deviation) - Math.abs(a.deviation) || a.dimension.localeCompare(b.dimension));
}
