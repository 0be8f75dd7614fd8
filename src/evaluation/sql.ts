import type { Knex } from 'knex';
import { isSqlite, toDbTime } from '../directus/time.ts';
import type { ZonedPeriod } from './period.ts';

/**
 * The few places where SQLite and PostgreSQL spell things differently. Directus stores timestamps
 * and dates on SQLite as epoch milliseconds, and as native timestamptz/date on PostgreSQL; every
 * other piece of the metric queries is plain SQL both accept (CTEs, window functions, CASE,
 * `IS TRUE`, `CAST(x AS TEXT)`).
 */
export interface Dialect {
  /** Hours from the timestamp expression `earlier` to `later`, as a float. */
  hours(later: string, earlier: string): string;
  /**
   * The time from the timestamp expression `earlier` to `later` as a whole number of the unit the
   * database keeps instants in (milliseconds on SQLite, microseconds on PostgreSQL): exact, ordered
   * as the hours are, and cheap to sort (PostgreSQL sorts its numeric hours a third as fast).
   */
  span(later: string, earlier: string): string;
  /** A number of hours as a span, rounded to a whole unit. */
  hoursSpan(hours: string): string;
  /** Days from the date expression `earlier` to `later`. */
  days(later: string, earlier: string): string;
  least(a: string, b: string): string;
  /** The integer part of a number expression, truncated toward zero (monotone: a median's buckets). */
  integerPart(value: string): string;
  greatest(a: string, b: string): string;
  /** A bound date parameter `?` as a date expression. */
  dateParam: string;
  /** Binding for a calendar date `YYYY-MM-DD`. */
  date(iso: string): number | string;
  /** Binding for an instant. */
  instant(value: Date): number | Date;
}

export function dialectOf(db: Knex): Dialect {
  if (isSqlite(db)) {
    return {
      hours: (later, earlier) => `(((${later}) - (${earlier})) / 3600000.0)`,
      span: (later, earlier) => `((${later}) - (${earlier}))`,
      hoursSpan: (hours) => `cast(round((${hours}) * 3600000.0) as integer)`,
      days: (later, earlier) => `(((${later}) - (${earlier})) / 86400000.0)`,
      least: (a, b) => `min(${a}, ${b})`,
      integerPart: (value) => `cast(${value} as integer)`,
      greatest: (a, b) => `max(${a}, ${b})`,
      dateParam: '?',
      date: (iso) => Date.parse(`${iso}T00:00:00Z`),
      instant: (value) => toDbTime(db, value),
    };
  }
  return {
    // date_part, not extract: since PostgreSQL 14 extract answers numeric, which grouping, sorting and
    // comparing a period's handoffs paid for (communication at scale 100: 29 → 21 ms). A double keeps
    // the microseconds of any span shorter than 280 years, as SQLite's does its milliseconds.
    hours: (later, earlier) => `(date_part('epoch', (${later}) - (${earlier})) / 3600.0)`,
    span: (later, earlier) => `cast(extract(epoch from ((${later}) - (${earlier}))) * 1000000 as bigint)`,
    hoursSpan: (hours) => `cast(round(cast(${hours} as numeric) * 3600000000) as bigint)`,
    days: (later, earlier) => `((${later}) - (${earlier}))`,
    least: (a, b) => `least(${a}, ${b})`,
    integerPart: (value) => `trunc(${value})`,
    greatest: (a, b) => `greatest(${a}, ${b})`,
    dateParam: 'cast(? as date)',
    date: (iso) => iso,
    instant: (value) => value,
  };
}

/** The bindings a metric query needs for its period. */
export interface PeriodBindings {
  start: number | Date;
  end: number | Date;
  startDate: number | string;
  endDate: number | string;
}

export function periodBindings(db: Knex, period: ZonedPeriod): PeriodBindings {
  const dialect = dialectOf(db);
  return { start: dialect.instant(period.start), end: dialect.instant(period.end), startDate: dialect.date(period.starts_on), endDate: dialect.date(period.ends_on) };
}

/** One row of a metric query: a scope and its aggregates (numbers arrive as text from PostgreSQL). */
export type AggregateRow = { scope_kind: string; scope: string | number | null } & Record<string, unknown>;

export async function rows(db: Knex, sql: string, bindings: ReadonlyArray<unknown>): Promise<AggregateRow[]> {
  const result = await db.raw(sql, bindings as Knex.RawBinding[]);
  // knex returns the row array on SQLite and a pg Result on PostgreSQL.
  return (Array.isArray(result) ? result : (result as { rows: AggregateRow[] }).rows) as AggregateRow[];
}

/** Numbers from aggregate rows: null stays null (n/a), text becomes a number. */
export function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

export function count(value: unknown): number {
  return num(value) ?? 0;
}

/**
 * Rows of `source` credited to scopes: once to the department named by `department` and once to the
 * team named by `team` (either may be null, then that credit is skipped). Team ids become text so
 * both kinds share one `scope` column.
 */
export function creditedToScopes(source: string, department: string | null, team: string | null, columns: readonly string[]): string {
  const list = columns.join(', ');
  const parts: string[] = [];
  if (department) parts.push(`select 'department' as scope_kind, ${department} as scope, ${list} from ${source} where ${department} is not null`);
  if (team) parts.push(`select 'team' as scope_kind, cast(${team} as text) as scope, ${list} from ${source} where ${team} is not null`);
  return parts.join('\n  union all\n  ');
}

/**
 * A `date` column's value as `YYYY-MM-DD`, however the driver hands it over: epoch milliseconds
 * (SQLite), text, or a Date that node-postgres built at local midnight.
 */
export function dateOf(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) {
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
  }
  if (typeof value === 'number' || /^\d+$/.test(String(value))) return new Date(Number(value)).toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}

/** Locks rows for the rest of the transaction on PostgreSQL; SQLite transactions already run alone. */
export function forUpdate<T extends Knex.QueryBuilder>(db: Knex, query: T): T {
  return (isSqlite(db) ? query : query.forUpdate()) as T;
}

/**
 * `column IN (ids)` with the ids bound as one parameter (a JSON array on SQLite, an integer array on
 * PostgreSQL), so a long list never meets the databases' limits on bound parameters.
 */
export function inIds(db: Knex, column: string, ids: readonly number[]): { sql: string; binding: string | number[] } {
  return isSqlite(db)
    ? { sql: `${column} in (select value from json_each(?))`, binding: JSON.stringify(ids) }
    : { sql: `${column} = any(?::int[])`, binding: [...ids] };
}

/**
 * A CASE expression numbering the bucket `[bounds[i], bounds[i + 1])` an instant or date falls in
 * (null outside), with its bindings: months in the company time zone, say.
 */
export function bucketOf(column: string, bounds: ReadonlyArray<number | string | Date>, dateParam = '?'): { sql: string; bindings: Array<number | string | Date> } {
  const whens: string[] = [];
  const bindings: Array<number | string | Date> = [];
  for (let i = 0; i + 1 < bounds.length; i += 1) {
    whens.push(`when ${column} >= ${dateParam} and ${column} < ${dateParam} then ${i}`);
    bindings.push(bounds[i] as number | string | Date, bounds[i + 1] as number | string | Date);
  }
  return { sql: `case ${whens.join(' ')} end`, bindings };
}
