/**
 * Values at given ranks of `hours` per key — the median as metrics.md defines it (the mean of the two
 * middle values for an even count, the middle one for an odd count), a percentile — found by the
 * database without ranking every row. A window over all the rows was most of the time of the
 * communication score and of the handoff flow, and of the diagnosis's bottlenecks.
 *
 * The rows are counted per key and whole hour (a histogram). Its running counts find the bucket that
 * holds each wanted rank, and only the rows of those buckets are ranked.
 *
 * The caller defines, before these CTEs, `histogram`: the key columns, `bucket` (the dialect's
 * `integerPart(hours)`, which is monotone in hours) and `n`, the rows in it as an integer (PostgreSQL's
 * sum of counts is numeric, and a rank such as (n + 1) / 2 must divide as integers). `rowsIn(buckets)`
 * selects the key columns, `bucket` and `hours` of the rows whose bucket is among those of the CTE
 * named `buckets`. Keys are compared with `=`, so none may be null (coalesce them first).
 */

/** A wanted rank per key, as SQL over the key's row count `total` (1 is the smallest value). */
export type Ranks = Readonly<Record<string, (total: string) => string>>;

/**
 * Defines `rank_values`: the key columns, `label` (a name of `ranks`) and `value`, the value at that
 * rank, for every key with at least one row (CTEs cumulative, targets, buckets, candidates, ranked_rows).
 */
export function rankValueCtes(keys: readonly string[], ranks: Ranks, rowsIn: (buckets: string) => string): string {
  const list = keys.join(', ');
  const of = (alias: string) => keys.map((key) => `${alias}.${key}`).join(', ');
  const same = (a: string, b: string) => keys.map((key) => `${a}.${key} = ${b}.${key}`).join(' and ');
  const targets = Object.entries(ranks).map(
    ([label, rank]) => `select ${list}, bucket, '${label}' as label, ${rank('total')} - below as inner_rank from cumulative where below < ${rank('total')} and ${rank('total')} <= below + n`,
  );
  return `cumulative as materialized (
      select ${list}, bucket, n,
        sum(n) over (partition by ${list} order by bucket rows between unbounded preceding and current row) - n as below,
        sum(n) over (partition by ${list}) as total
      from histogram
    ),
    targets as materialized (
      ${targets.join('\n      union all\n      ')}
    ),
    buckets as materialized (
      select distinct ${list}, bucket from targets
    ),
    candidates as materialized (
      ${rowsIn('buckets')}
    ),
    ranked_rows as (
      select ${keys.map((key) => `c.${key} as ${key}`).join(', ')}, c.bucket as bucket, c.hours as hours,
        row_number() over (partition by ${of('c')}, c.bucket order by c.hours) as rn
      from candidates c join buckets b on ${same('b', 'c')} and b.bucket = c.bucket
    ),
    rank_values as materialized (
      select ${keys.map((key) => `t.${key} as ${key}`).join(', ')}, t.label as label, r.hours as value
      from targets t join ranked_rows r on ${same('r', 't')} and r.bucket = t.bucket and r.rn = t.inner_rank
    )`;
}

/** The two middle ranks: one value twice for an odd count. */
export const MEDIAN_RANKS: Ranks = { lower_middle: (n) => `(${n} + 1) / 2`, upper_middle: (n) => `(${n} + 2) / 2` };

/** Defines `medians`: the key columns and `median`, for every key with at least one row (and the CTEs of rankValueCtes). */
export function medianCtes(keys: readonly string[], rowsIn: (buckets: string) => string): string {
  return `${rankValueCtes(keys, MEDIAN_RANKS, rowsIn)},
    medians as (
      select ${keys.join(', ')}, avg(value) as median from rank_values group by ${keys.join(', ')}
    )`;
}
