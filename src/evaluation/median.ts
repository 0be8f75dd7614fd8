/**
 * The median of `hours` per key as metrics.md defines it (the mean of the two middle values for an
 * even count, the middle one for an odd count), found by the database without ranking every row. A
 * window over all the rows was most of the time of the communication score and of the handoff flow.
 *
 * The rows are counted per key and whole hour (a histogram). Its running counts find the one or two
 * buckets that hold the middle ranks (n + 1) / 2 and (n + 2) / 2, and only the rows of those buckets
 * are ranked; the median is the mean of the values at those two ranks (one value twice for an odd
 * count).
 *
 * The caller defines, before these CTEs, `histogram`: the key columns, `bucket` (the dialect's
 * `integerPart(hours)`, which is monotone in hours) and `n`, the rows in it as an integer (PostgreSQL's
 * sum of counts is numeric, and (n + 1) / 2 must divide as integers). `rowsIn(buckets)` selects the key
 * columns, `bucket` and `hours` of the rows whose bucket is among those of the CTE named `buckets`.
 * Keys are compared with `=`, so none may be null (coalesce them first). Defines `medians`: the key
 * columns and `median`, for every key with at least one row.
 */
export function medianCtes(keys: readonly string[], rowsIn: (buckets: string) => string): string {
  const list = keys.join(', ');
  const of = (alias: string) => keys.map((key) => `${alias}.${key}`).join(', ');
  const same = (a: string, b: string) => keys.map((key) => `${a}.${key} = ${b}.${key}`).join(' and ');
  return `cumulative as materialized (
      select ${list}, bucket, n,
        sum(n) over (partition by ${list} order by bucket rows between unbounded preceding and current row) - n as below,
        sum(n) over (partition by ${list}) as total
      from histogram
    ),
    middle as materialized (
      select ${list}, bucket, (total + 1) / 2 - below as middle_rank from cumulative where below < (total + 1) / 2 and (total + 1) / 2 <= below + n
      union all
      select ${list}, bucket, (total + 2) / 2 - below as middle_rank from cumulative where below < (total + 2) / 2 and (total + 2) / 2 <= below + n
    ),
    buckets as materialized (
      select distinct ${list}, bucket from middle
    ),
    candidates as materialized (
      ${rowsIn('buckets')}
    ),
    ranked as (
      select ${keys.map((key) => `c.${key} as ${key}`).join(', ')}, c.bucket as bucket, c.hours as hours,
        row_number() over (partition by ${of('c')}, c.bucket order by c.hours) as rn
      from candidates c join buckets b on ${same('b', 'c')} and b.bucket = c.bucket
    ),
    medians as (
      select ${keys.map((key) => `m.${key} as ${key}`).join(', ')}, avg(r.hours) as median
      from middle m join ranked r on ${same('r', 'm')} and r.bucket = m.bucket and r.rn = m.middle_rank
      group by ${of('m')}
    )`;
}
