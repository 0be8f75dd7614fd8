import { describe, expect, it } from 'vitest';
import {
  cyclePeriod,
  freePeriod,
  nextCyclePeriod,
  periodKey,
  periodName,
  periodsWithin,
  periodsJustEnded,
  previousCyclePeriod,
  workingDays,
  zonedDate,
  zonedMidnight,
} from '../../src/evaluation/period.ts';
import { DEFAULT_TARGETS, evaluationSettings, parseTargets, parseWeights } from '../../src/evaluation/settings.ts';

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('cycle periods', () => {
  it('derive ends_on from the kind and the first day', () => {
    expect(cyclePeriod('monthly', '2026-10-01')).toEqual({ starts_on: '2026-10-01', ends_on: '2026-11-01' });
    expect(cyclePeriod('monthly', '2026-12-01')).toEqual({ starts_on: '2026-12-01', ends_on: '2027-01-01' });
    expect(cyclePeriod('quarterly', '2026-10-01')).toEqual({ starts_on: '2026-10-01', ends_on: '2027-01-01' });
    expect(previousCyclePeriod('quarterly', cyclePeriod('quarterly', '2026-01-01'))).toEqual({ starts_on: '2025-10-01', ends_on: '2026-01-01' });
    expect(nextCyclePeriod('monthly', cyclePeriod('monthly', '2026-01-01'))).toEqual({ starts_on: '2026-02-01', ends_on: '2026-03-01' });
    expect(periodKey('quarterly', cyclePeriod('quarterly', '2026-07-01'))).toBe('quarterly:2026-07-01');
    expect(periodName('quarterly', cyclePeriod('quarterly', '2026-07-01'))).toBe('2026年第3季度');
    expect(periodName('monthly', cyclePeriod('monthly', '2026-07-01'))).toBe('2026年7月');
  });

  it('list the complete months and quarters inside a stretch of days', () => {
    expect(periodsWithin('monthly', '2026-05-30', '2026-11-28').map((p) => p.starts_on)).toEqual(['2026-06-01', '2026-07-01', '2026-08-01', '2026-09-01', '2026-10-01']);
    expect(periodsWithin('quarterly', '2026-05-30', '2026-11-28')).toEqual([{ starts_on: '2026-07-01', ends_on: '2026-10-01' }]);
    expect(periodsWithin('quarterly', '2026-01-01', '2026-07-01').map((p) => p.starts_on)).toEqual(['2026-01-01', '2026-04-01']);
    expect(periodsWithin('monthly', '2026-06-02', '2026-07-01')).toEqual([]);
  });

  it('refuse anything but the first day of a month or quarter, or an unknown kind, with INVALID_PERIOD', () => {
    expect(codeOf(() => cyclePeriod('monthly', '2026-10-02'))).toBe('INVALID_PERIOD');
    expect(codeOf(() => cyclePeriod('quarterly', '2026-11-01'))).toBe('INVALID_PERIOD');
    expect(codeOf(() => cyclePeriod('weekly', '2026-10-01'))).toBe('INVALID_PERIOD');
    expect(codeOf(() => cyclePeriod('monthly', '2026-02-30'))).toBe('INVALID_PERIOD');
    expect(codeOf(() => cyclePeriod('monthly', 20261001))).toBe('INVALID_PERIOD');
    expect(codeOf(() => freePeriod('2026-10-10', '2026-10-10'))).toBe('INVALID_PERIOD');
    expect(codeOf(() => freePeriod('2026-01-01', '2027-06-01'))).toBe('INVALID_PERIOD');
    expect(freePeriod('2026-11-01', '2026-11-28')).toEqual({ starts_on: '2026-11-01', ends_on: '2026-11-28' });
  });
});

describe('company time', () => {
  it('puts a day boundary at 00:00 in the company time zone', () => {
    expect(zonedMidnight('2026-10-01', 'Asia/Shanghai').toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(zonedMidnight('2026-10-01', 'UTC').toISOString()).toBe('2026-10-01T00:00:00.000Z');
    // Across a daylight-saving change (Berlin moves to UTC+1 on 25 October 2026).
    expect(zonedMidnight('2026-10-26', 'Europe/Berlin').toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(zonedMidnight('2026-10-25', 'Europe/Berlin').toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(zonedDate(new Date('2026-09-30T16:00:00Z'), 'Asia/Shanghai')).toBe('2026-10-01');
    expect(zonedDate(new Date('2026-09-30T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-09-30');
  });

  it('counts Monday to Friday as working days', () => {
    expect(workingDays(cyclePeriod('monthly', '2026-10-01'))).toHaveLength(22);
    expect(workingDays(cyclePeriod('monthly', '2026-02-01'))).toHaveLength(20);
    expect(workingDays({ starts_on: '2026-10-03', ends_on: '2026-10-05' })).toEqual([]);
  });

  it('knows which month, and at a quarter end which quarter, just ended', () => {
    // 02:00 on 1 November in Shanghai is still 31 October in UTC.
    expect(periodsJustEnded(new Date('2026-10-31T18:00:00Z'), 'Asia/Shanghai')).toEqual([{ kind: 'monthly', period: { starts_on: '2026-10-01', ends_on: '2026-11-01' } }]);
    expect(periodsJustEnded(new Date('2026-12-31T18:00:00Z'), 'Asia/Shanghai')).toEqual([
      { kind: 'monthly', period: { starts_on: '2026-12-01', ends_on: '2027-01-01' } },
      { kind: 'quarterly', period: { starts_on: '2026-10-01', ends_on: '2027-01-01' } },
    ]);
  });
});

describe('settings', () => {
  it('read defaults and refuse nonsense with the variable named', () => {
    expect(evaluationSettings({})).toEqual({ timeZone: 'Asia/Shanghai', workdayHours: 8, targets: DEFAULT_TARGETS });
    expect(evaluationSettings({ CONCORD_WORKDAY_HOURS: '7.5', CONCORD_IMPROVEMENT_THRESHOLD: 50 }).workdayHours).toBe(7.5);
    expect(() => evaluationSettings({ CONCORD_TIME_ZONE: 'Mars/Olympus' })).toThrow(/CONCORD_TIME_ZONE/);
    expect(() => evaluationSettings({ CONCORD_UTILISATION_TARGET: '0' })).toThrow(/CONCORD_UTILISATION_TARGET/);
  });

  it('take equal weights when none are given, and only the five dimensions as non-negative numbers, not all 0', () => {
    expect(parseWeights(null)).toEqual({ communication: 1, execution: 1, satisfaction: 1, utilisation: 1, cohesion: 1 });
    const weights = { communication: 2, execution: 1, satisfaction: 3, utilisation: 0, cohesion: 1 };
    expect(parseWeights(weights)).toEqual(weights);
    expect(parseWeights(JSON.stringify(weights))).toEqual(weights);
    expect(codeOf(() => parseWeights({ ...weights, speed: 1 }))).toBe('INVALID_WEIGHTS');
    expect(codeOf(() => parseWeights({ communication: 1 }))).toBe('INVALID_WEIGHTS');
    expect(codeOf(() => parseWeights({ ...weights, execution: -1 }))).toBe('INVALID_WEIGHTS');
    expect(codeOf(() => parseWeights({ ...weights, execution: '1' }))).toBe('INVALID_WEIGHTS');
    expect(codeOf(() => parseWeights({ communication: 0, execution: 0, satisfaction: 0, utilisation: 0, cohesion: 0 }))).toBe('INVALID_WEIGHTS');
    expect(codeOf(() => parseWeights([1, 2, 3]))).toBe('INVALID_WEIGHTS');
    expect(codeOf(() => parseWeights('not json'))).toBe('INVALID_WEIGHTS');
  });

  it('override the targets per cycle within their ranges', () => {
    expect(parseTargets({ improvement_threshold: 70 }, DEFAULT_TARGETS)).toEqual({ ...DEFAULT_TARGETS, improvement_threshold: 70 });
    expect(codeOf(() => parseTargets({ utilisation: 0 }, DEFAULT_TARGETS))).toBe('INVALID_PAYLOAD');
    expect(codeOf(() => parseTargets({ improvement_threshold: 101 }, DEFAULT_TARGETS))).toBe('INVALID_PAYLOAD');
    expect(codeOf(() => parseTargets({ speed: 1 }, DEFAULT_TARGETS))).toBe('INVALID_PAYLOAD');
  });
});
