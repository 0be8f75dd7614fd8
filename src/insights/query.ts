import { InvalidPayloadError } from '../errors.ts';
import { addDays, freePeriod, isoDate, parseIsoDate, zonedDate, type Period } from '../evaluation/period.ts';

/**
 * What every Insights endpoint is asked for: a scope (the company, a department, a team) and a
 * period `[starts_on, ends_on)`; by default the last six calendar months up to and including today.
 */
export type InsightScope = { kind: 'company' } | { kind: 'department'; key: string } | { kind: 'team'; key: number };

export interface InsightQuery {
  scope: InsightScope;
  period: Period;
}

export function parseInsightQuery(query: Record<string, unknown>, timeZone: string, now: Date = new Date()): InsightQuery {
  const text = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw new InvalidPayloadError({ field: name, reason: { 'zh-CN': '只能给一次,且为文本', 'en-US': 'give it once, as text' } });
    return value;
  };
  const kind = text('scope_kind') ?? 'company';
  const key = text('scope');
  let scope: InsightScope;
  if (kind === 'company') scope = { kind };
  else if (kind === 'department') {
    if (!key || !/^[a-z][a-z0-9_]{0,63}$/.test(key)) throw new InvalidPayloadError({ field: 'scope', reason: { 'zh-CN': '部门代码,如 sales', 'en-US': 'a department code such as sales' } });
    scope = { kind, key };
  } else if (kind === 'team') {
    if (!key || !/^\d{1,9}$/.test(key)) throw new InvalidPayloadError({ field: 'scope', reason: { 'zh-CN': '团队编号', 'en-US': 'a team id' } });
    scope = { kind, key: Number(key) };
  } else throw new InvalidPayloadError({ field: 'scope_kind', reason: { 'zh-CN': '可选 company、department 或 team', 'en-US': 'use company, department or team' } });
  const startsOn = text('starts_on');
  const endsOn = text('ends_on');
  if (startsOn !== undefined || endsOn !== undefined) return { scope, period: freePeriod(startsOn, endsOn) };
  const today = parseIsoDate(zonedDate(now, timeZone)) as { year: number; month: number; day: number };
  const tomorrow = addDays(isoDate(today.year, today.month, today.day), 1);
  return { scope, period: { starts_on: isoDate(today.year, today.month - 5, 1), ends_on: tomorrow } };
}
