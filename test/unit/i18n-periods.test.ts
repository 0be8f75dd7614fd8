import { describe, expect, it } from 'vitest';
import { periodName } from '../../src/evaluation/period.ts';
import { cycleNameIn, defaultNameIn, monthAxisLabel, periodNameIn, templateIn } from '../../src/ui/i18n-periods.ts';

describe('cycle names per language', () => {
  it('names a month and a quarter from the period in each language', () => {
    expect(periodNameIn('monthly', '2026-11-01', 'en-US')).toBe('November 2026');
    expect(periodNameIn('monthly', '2026-11-01', 'zh-CN')).toBe('2026年11月');
    expect(periodNameIn('monthly', '2027-01-01', 'en-US')).toBe('January 2027');
    expect(periodNameIn('quarterly', '2026-10-01', 'en-US')).toBe('Q4 2026');
    expect(periodNameIn('quarterly', '2026-01-01', 'zh-CN')).toBe('2026年第1季度');
    expect(periodNameIn('monthly', 'not a date', 'en-US')).toBeNull();
  });

  it("agrees with the name Concord stores for a cycle (src/evaluation/period.ts)", () => {
    for (const [kind, startsOn, endsOn] of [['monthly', '2026-11-01', '2026-12-01'], ['monthly', '2026-01-01', '2026-02-01'], ['quarterly', '2026-07-01', '2026-10-01']] as const) {
      expect(periodNameIn(kind, startsOn, 'zh-CN')).toBe(periodName(kind, { starts_on: startsOn, ends_on: endsOn }));
    }
  });

  it('derives a default-named cycle from its period in English', () => {
    expect(cycleNameIn({ name: '2026年11月', period_kind: 'monthly', starts_on: '2026-11-01' }, 'en-US')).toBe('November 2026');
    expect(cycleNameIn({ name: '2026年第4季度', period_kind: 'quarterly', starts_on: '2026-10-01' }, 'en-US')).toBe('Q4 2026');
    expect(cycleNameIn({ name: '2026年11月', period_kind: 'monthly', starts_on: '2026-11-01' }, 'zh-CN')).toBe('2026年11月');
    // No name at all: the period's name.
    expect(cycleNameIn({ name: null, period_kind: 'monthly', starts_on: '2026-03-01' }, 'en-US')).toBe('March 2026');
    expect(cycleNameIn({ name: '  ', period_kind: 'quarterly', starts_on: '2026-04-01' }, 'zh-CN')).toBe('2026年第2季度');
  });

  it('keeps a name somebody typed, in every language', () => {
    expect(cycleNameIn({ name: '双十一专项评估', period_kind: 'monthly', starts_on: '2026-11-01' }, 'en-US')).toBe('双十一专项评估');
    expect(cycleNameIn({ name: 'Autumn review', period_kind: 'quarterly', starts_on: '2026-10-01' }, 'zh-CN')).toBe('Autumn review');
    // A default-looking name that is not this cycle's period was typed: it stays as typed.
    expect(cycleNameIn({ name: '2026年10月', period_kind: 'monthly', starts_on: '2026-11-01' }, 'en-US')).toBe('2026年10月');
  });

  it('reads a default name without the period (a list cell has only the name)', () => {
    expect(cycleNameIn({ name: '2026年11月' }, 'en-US')).toBe('November 2026');
    expect(cycleNameIn({ name: '2026年第3季度' }, 'en-US')).toBe('Q3 2026');
    expect(cycleNameIn({ name: '2026年13月' }, 'en-US')).toBe('2026年13月');
    expect(cycleNameIn({ name: '2026年11月 复盘' }, 'en-US')).toBe('2026年11月 复盘');
    expect(defaultNameIn('2026年第5季度', 'en-US')).toBeNull();
    expect(defaultNameIn('2026年1月', 'zh-CN')).toBe('2026年1月');
  });

  it('labels months on an axis in the reader’s language', () => {
    expect(monthAxisLabel('2026-11', 'en-US')).toBe('Nov 2026');
    expect(monthAxisLabel('2026-06-01', 'en-US')).toBe('Jun 2026');
    expect(monthAxisLabel('2026-11', 'zh-CN')).toBe('2026年11月');
    expect(monthAxisLabel('2026-13', 'en-US')).toBe('2026-13');
    expect(monthAxisLabel('total', 'en-US')).toBe('total');
  });
});

describe('display templates per language', () => {
  it('names vocabulary records by name_en in English and leaves Chinese and other fields alone', () => {
    expect(templateIn('{{name_zh}}', 'en-US')).toBe('{{name_en}}');
    expect(templateIn('{{occurred_at}} · {{from_state.name_zh}} → {{ to_state.name_zh }} · {{note}}', 'en-US')).toBe('{{occurred_at}} · {{from_state.name_en}} → {{to_state.name_en}} · {{note}}');
    expect(templateIn('{{workflow.name_zh}} · {{name_zh}}', 'zh-CN')).toBe('{{workflow.name_zh}} · {{name_zh}}');
    expect(templateIn('{{title}} {{name_zhx}}', 'en-US')).toBe('{{title}} {{name_zhx}}');
    expect(templateIn(null, 'en-US')).toBeNull();
  });
});
