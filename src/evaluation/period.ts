import { InvalidPeriodError } from '../errors.ts';

/**
 * Evaluation periods (metrics.md "Periods, time, scopes"): a period is `[starts_on, ends_on)` of
 * calendar dates; its instants are 00:00 of those dates in the company time zone. A monthly cycle
 * starts on the first of a month, a quarterly one on the first of January, April, July or October.
 */

export type PeriodKind = 'monthly' | 'quarterly';
export const PERIOD_KINDS: readonly PeriodKind[] = ['monthly', 'quarterly'];

export interface Period {
  /** First day, `YYYY-MM-DD`. */
  starts_on: string;
  /** First day after the period, `YYYY-MM-DD`. */
  ends_on: string;
}

/** A period with its boundary instants in the company time zone. */
export interface ZonedPeriod extends Period {
  start: Date;
  end: Date;
  timeZone: string;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a real calendar day, or null. */
export function parseIsoDate(value: unknown): { year: number; month: number; day: number } | null {
  if (typeof value !== 'string') return null;
  const match = ISO_DATE.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return { year, month, day };
}

export function isoDate(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (both `YYYY-MM-DD`). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function monthsOf(kind: PeriodKind): number {
  return kind === 'monthly' ? 1 : 3;
}

/** The cycle period of this kind starting on `startsOn`; anything but a month's or quarter's first day is INVALID_PERIOD. */
export function cyclePeriod(kind: unknown, startsOn: unknown): Period {
  if (kind !== 'monthly' && kind !== 'quarterly') throw new InvalidPeriodError({ field: 'period_kind', reason: { 'zh-CN': '请用 monthly(月度)或 quarterly(季度)', 'en-US': 'use monthly or quarterly' } });
  const parts = parseIsoDate(startsOn);
  if (!parts) throw new InvalidPeriodError({ field: 'starts_on', reason: { 'zh-CN': '请按 YYYY-MM-DD 填写第一天', 'en-US': 'give the first day as YYYY-MM-DD' } });
  if (parts.day !== 1) throw new InvalidPeriodError({ field: 'starts_on', reason: { 'zh-CN': `${kind === 'monthly' ? '月度周期从每月' : '季度周期从每季度'}第一天开始`, 'en-US': `a ${kind} cycle starts on the first day of a ${kind === 'monthly' ? 'month' : 'quarter'}` } });
  if (kind === 'quarterly' && (parts.month - 1) % 3 !== 0) {
    throw new InvalidPeriodError({ field: 'starts_on', reason: { 'zh-CN': '季度周期从 1 月、4 月、7 月或 10 月的 1 日开始', 'en-US': 'a quarterly cycle starts on 1 January, 1 April, 1 July or 1 October' } });
  }
  return { starts_on: startsOn as string, ends_on: isoDate(parts.year, parts.month + monthsOf(kind), 1) };
}

/** The period of the same kind right before this one. */
export function previousCyclePeriod(kind: PeriodKind, period: Period): Period {
  const parts = parseIsoDate(period.starts_on) as { year: number; month: number };
  return cyclePeriod(kind, isoDate(parts.year, parts.month - monthsOf(kind), 1));
}

/** The period of the same kind right after this one. */
export function nextCyclePeriod(kind: PeriodKind, period: Period): Period {
  return cyclePeriod(kind, period.ends_on);
}

/** `monthly:2026-10-01`: one cycle per kind and period (a unique column). */
export function periodKey(kind: PeriodKind, period: Period): string {
  return `${kind}:${period.starts_on}`;
}

/** A cycle's default name, e.g. 2026年10月 / 2026年第4季度. */
export function periodName(kind: PeriodKind, period: Period): string {
  const parts = parseIsoDate(period.starts_on) as { year: number; month: number };
  return kind === 'monthly' ? `${parts.year}年${parts.month}月` : `${parts.year}年第${(parts.month + 2) / 3}季度`;
}

/** A free period for previews: both dates real, start before end, at most a year long. */
export function freePeriod(startsOn: unknown, endsOn: unknown): Period {
  if (!parseIsoDate(startsOn)) throw new InvalidPeriodError({ field: 'starts_on', reason: { 'zh-CN': '请按 YYYY-MM-DD 填写第一天', 'en-US': 'give the first day as YYYY-MM-DD' } });
  if (!parseIsoDate(endsOn)) throw new InvalidPeriodError({ field: 'ends_on', reason: { 'zh-CN': '请按 YYYY-MM-DD 填写期间结束后的第一天', 'en-US': 'give the first day after the period as YYYY-MM-DD' } });
  const length = daysBetween(startsOn as string, endsOn as string);
  if (length <= 0) throw new InvalidPeriodError({ field: 'ends_on', reason: { 'zh-CN': '结束日期须晚于开始日期(ends_on 是期间结束后的第一天)', 'en-US': 'the period ends after it starts (ends_on is the first day after it)' } });
  if (length > 366) throw new InvalidPeriodError({ field: 'ends_on', reason: { 'zh-CN': '期间最长 366 天', 'en-US': 'a period is at most 366 days long' } });
  return { starts_on: startsOn as string, ends_on: endsOn as string };
}

/** Fails early on a misspelt zone: every boundary depends on it. */
export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone }).format(0);
  } catch {
    throw new RangeError(`CONCORD_TIME_ZONE "${timeZone}" is not a time zone name such as Asia/Shanghai.`);
  }
}

/** One formatter per zone: making one costs far more than using it (a diagnosis makes dozens of zoned days). */
const wallClocks = new Map<string, Intl.DateTimeFormat>();
function wallClock(timeZone: string): Intl.DateTimeFormat {
  let format = wallClocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    // The company's zone, in practice; a bound all the same.
    if (wallClocks.size >= 16) wallClocks.clear();
    wallClocks.set(timeZone, format);
  }
  return format;
}

/** Minutes the zone is ahead of UTC at `instant`. */
function offsetMinutes(instant: number, timeZone: string): number {
  const parts = wallClock(timeZone).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((wall - Math.floor(instant / 1000) * 1000) / 60_000);
}

/** The instant a calendar day starts in the time zone (00:00 there). */
export function zonedMidnight(date: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T00:00:00Z`);
  let instant = wall - offsetMinutes(wall, timeZone) * 60_000;
  // Across an offset change the first guess is off by the change; one correction settles it.
  instant = wall - offsetMinutes(instant, timeZone) * 60_000;
  return new Date(instant);
}

/** The calendar day an instant falls on in the time zone. */
export function zonedDate(instant: Date, timeZone: string): string {
  return new Date(instant.getTime() + offsetMinutes(instant.getTime(), timeZone) * 60_000).toISOString().slice(0, 10);
}

export function zoned(period: Period, timeZone: string): ZonedPeriod {
  return { ...period, start: zonedMidnight(period.starts_on, timeZone), end: zonedMidnight(period.ends_on, timeZone), timeZone };
}

/** Monday to Friday dates of the period (no holiday calendar in v1). */
export function workingDays(period: Period): string[] {
  const days: string[] = [];
  for (let day = period.starts_on; day < period.ends_on; day = addDays(day, 1)) {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(day);
  }
  return days;
}

/**
 * The month, and at a quarter's end the quarter, that ended last before `now` in the time zone:
 * what the monthly schedule evaluates when it fires on the 1st.
 */
export function periodsJustEnded(now: Date, timeZone: string): Array<{ kind: PeriodKind; period: Period }> {
  const today = parseIsoDate(zonedDate(now, timeZone)) as { year: number; month: number };
  const thisMonth = isoDate(today.year, today.month, 1);
  const month = previousCyclePeriod('monthly', cyclePeriod('monthly', thisMonth));
  const ended: Array<{ kind: PeriodKind; period: Period }> = [{ kind: 'monthly', period: month }];
  if ((today.month - 1) % 3 === 0) ended.push({ kind: 'quarterly', period: previousCyclePeriod('quarterly', cyclePeriod('quarterly', thisMonth)) });
  return ended;
}

/** Every cycle period of this kind lying wholly inside `[from, to)` (dates), oldest first. */
export function periodsWithin(kind: PeriodKind, from: string, to: string): Period[] {
  const first = parseIsoDate(from) as { year: number; month: number; day: number };
  const months = monthsOf(kind);
  let month = first.month - 1;
  month = Math.ceil(month / months) * months;
  let start = isoDate(first.year, month + 1, 1);
  if (start < from) start = isoDate(first.year, month + 1 + months, 1);
  const periods: Period[] = [];
  for (let period = cyclePeriod(kind, start); period.ends_on <= to; period = nextCyclePeriod(kind, period)) periods.push(period);
  return periods;
}

/** The calendar months a period touches, each cut to the period: `[{ month: '2026-10', starts_on, ends_on }]`. */
export function monthsOfPeriod(period: Period): Array<Period & { month: string }> {
  const months: Array<Period & { month: string }> = [];
  let start = period.starts_on;
  while (start < period.ends_on) {
    const parts = parseIsoDate(start) as { year: number; month: number };
    const next = isoDate(parts.year, parts.month + 1, 1);
    const end = next < period.ends_on ? next : period.ends_on;
    months.push({ month: start.slice(0, 7), starts_on: start, ends_on: end });
    start = end;
  }
  return months;
}
