import { describe, expect, it } from 'vitest';
import { actionDueOn } from '../../src/evaluation/cycles.ts';

describe('actionDueOn', () => {
  const december = { starts_on: '2026-12-01', ends_on: '2027-01-01' };
  it('keeps the last day of the next period when it is still ahead', () => {
    expect(actionDueOn('2026-12-31', '2026-12-02', december)).toBe('2026-12-31');
    expect(actionDueOn('2026-12-31', '2026-12-31', december)).toBe('2026-12-31');
  });
  it('gives an action proposed after that day a whole period from the day it is proposed', () => {
    expect(actionDueOn('2026-07-31', '2026-12-02', { starts_on: '2026-07-01', ends_on: '2026-08-01' })).toBe('2027-01-01');
  });
});
