import { describe, expect, it } from 'vitest';
import { dueStanding, dueTimes, spanText } from '../../src/workflows/sla-due.ts';

const at = (text: string) => new Date(text);

describe('dueTimes', () => {
  const base = {
    openedAt: at('2026-12-01T08:00:00Z'),
    stateEnteredAt: at('2026-12-02T08:00:00Z'),
    resolvedAt: null,
    isTerminal: false,
    responseSlaHours: 8,
    resolutionSlaHours: 72,
  };

  it('puts the response due after entering the state and the resolution due after opening', () => {
    expect(dueTimes(base)).toEqual({ response_due_at: at('2026-12-02T16:00:00Z'), resolution_due_at: at('2026-12-04T08:00:00Z') });
  });

  it('stops the resolution clock once resolved, keeps the response due of the follow-up state', () => {
    expect(dueTimes({ ...base, resolvedAt: at('2026-12-02T09:00:00Z') })).toEqual({ response_due_at: at('2026-12-02T16:00:00Z'), resolution_due_at: null });
  });

  it('owes nothing in a terminal state or without an SLA', () => {
    expect(dueTimes({ ...base, isTerminal: true })).toEqual({ response_due_at: null, resolution_due_at: null });
    expect(dueTimes({ ...base, responseSlaHours: 0, resolutionSlaHours: null })).toEqual({ response_due_at: null, resolution_due_at: null });
  });
});

describe('dueStanding', () => {
  const now = at('2026-12-03T10:00:00Z');
  it('is overdue past the due time, soon within four hours, ok otherwise', () => {
    expect(dueStanding(at('2026-12-03T09:30:00Z'), now)).toEqual({ standing: 'overdue', minutesLeft: -30 });
    expect(dueStanding(at('2026-12-03T13:00:00Z'), now)).toEqual({ standing: 'soon', minutesLeft: 180 });
    expect(dueStanding(at('2026-12-04T10:00:00Z'), now)).toEqual({ standing: 'ok', minutesLeft: 1440 });
  });
});

describe('spanText', () => {
  it('reads as days and hours, hours and minutes, or minutes', () => {
    expect(spanText(-(3 * 1440 + 4 * 60 + 5), 'zh-CN')).toBe('3 天 4 小时');
    expect(spanText(125, 'zh-CN')).toBe('2 小时 5 分');
    expect(spanText(45, 'en-US')).toBe('45 min');
    expect(spanText(1440, 'en-US')).toBe('1 d');
  });
});
