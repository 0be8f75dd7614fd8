import { describe, expect, it } from 'vitest';
import {
  caseChanges,
  findTransition,
  isBlank,
  isHandoff,
  missingFields,
  refusalsFor,
  resolveState,
  type StateDef,
  type TransitionDef,
  type WorkflowDefinition,
} from '../../src/workflows/transition-rules.ts';
import { fromDbTime } from '../../src/directus/time.ts';

const state = (id: number, key: string, owner: string, extra: Partial<StateDef> = {}): StateDef => ({
  id, workflow: 1, key, name_zh: key, name_en: key, owner_department: owner, response_sla_hours: 4, resolution_sla_hours: null, is_initial: false, is_terminal: false, ...extra,
});
const transition = (id: number, from: number, to: number, capability: string, extra: Partial<TransitionDef> = {}): TransitionDef => ({
  id, workflow: 1, from_state: from, to_state: to, name_zh: `${from}-${to}`, name_en: null, capability, required_fields: [], is_reopen: false, is_resolution: false, ...extra,
});

const complaint: WorkflowDefinition = {
  states: [
    state(1, 'received', 'service', { is_initial: true }),
    state(2, 'investigating', 'service'),
    state(3, 'escalated', 'tech'),
    state(4, 'resolved', 'service'),
    state(5, 'closed', 'service', { is_terminal: true }),
  ],
  transitions: [
    transition(10, 1, 2, 'complaint.handle'),
    transition(11, 2, 3, 'complaint.handle', { required_fields: ['description'] }),
    transition(12, 3, 4, 'issue.resolve', { required_fields: ['resolution_note'], is_resolution: true }),
    transition(13, 4, 5, 'feedback.collect'),
    transition(14, 5, 2, 'complaint.handle', { is_reopen: true }),
  ],
};

describe('finding a transition', () => {
  it('matches the current state and the target by id or key', () => {
    expect(findTransition(complaint, 1, 2)?.id).toBe(10);
    expect(findTransition(complaint, 1, 'investigating')?.id).toBe(10);
    expect(findTransition(complaint, 3, '4')?.id).toBe(12);
  });

  it('finds nothing for a skipped state, an unknown target or a case without a state', () => {
    expect(findTransition(complaint, 1, 'resolved')).toBeUndefined();
    expect(findTransition(complaint, 1, 'nowhere')).toBeUndefined();
    expect(findTransition(complaint, 1, 99)).toBeUndefined();
    expect(findTransition(complaint, null, 2)).toBeUndefined();
  });

  it('resolves states by id, numeric string or key', () => {
    expect(resolveState(complaint, 3)?.key).toBe('escalated');
    expect(resolveState(complaint, '3')?.key).toBe('escalated');
    expect(resolveState(complaint, 'closed')?.id).toBe(5);
    expect(resolveState(complaint, 'Closed')).toBeUndefined();
  });
});

describe('who may take a transition', () => {
  const escalate = complaint.transitions[1]!;

  it('needs the capability and the required fields', () => {
    expect(refusalsFor(escalate, new Set(['complaint.handle']), { description: '客户反馈' })).toEqual([]);
    expect(refusalsFor(escalate, new Set(['issue.resolve']), { description: '客户反馈' })).toEqual([{ code: 'MISSING_CAPABILITY', capability: 'complaint.handle' }]);
    expect(refusalsFor(escalate, new Set(['complaint.handle']), { description: '  ' })).toEqual([{ code: 'MISSING_FIELDS', fields: ['description'] }]);
    expect(refusalsFor(escalate, new Set(), {})).toEqual([
      { code: 'MISSING_CAPABILITY', capability: 'complaint.handle' },
      { code: 'MISSING_FIELDS', fields: ['description'] },
    ]);
  });

  it('treats null, empty and whitespace-only text and empty lists as missing, and 0 or false as present', () => {
    expect([null, undefined, '', '   ', []].map(isBlank)).toEqual([true, true, true, true, true]);
    expect([0, false, 'x', ['a']].map(isBlank)).toEqual([false, false, false, false]);
    expect(missingFields(['a', 'b', 'c'], { a: 'x', b: '', c: 0 })).toEqual(['b']);
  });
});

describe('what a transition does to the case', () => {
  const now = new Date('2026-11-26T10:00:00Z');

  it('moves the state and restarts the clock', () => {
    expect(caseChanges(complaint.transitions[0]!, complaint.states[1]!, 0, now)).toEqual({ state: 2, state_entered_at: now });
  });

  it('stamps resolution and closing', () => {
    expect(caseChanges(complaint.transitions[2]!, complaint.states[3]!, 0, now)).toEqual({ state: 4, state_entered_at: now, resolved_at: now });
    expect(caseChanges(complaint.transitions[3]!, complaint.states[4]!, 0, now)).toEqual({ state: 5, state_entered_at: now, closed_at: now });
  });

  it('counts a reopen and clears resolution and closing', () => {
    expect(caseChanges(complaint.transitions[4]!, complaint.states[1]!, 2, now)).toEqual({
      state: 2, state_entered_at: now, reopened_count: 3, resolved_at: null, closed_at: null,
    });
  });

  it('is a handoff exactly when the owning department changes', () => {
    const [received, investigating, escalated, resolved] = complaint.states;
    expect(isHandoff(received, investigating!)).toBe(false);
    expect(isHandoff(investigating, escalated!)).toBe(true);
    expect(isHandoff(escalated, resolved!)).toBe(true);
    expect(isHandoff(undefined, received!)).toBe(false);
  });
});

describe('timestamps as the databases return them', () => {
  it('reads epoch milliseconds, numeric strings, ISO strings, SQL datetimes and Dates', () => {
    const iso = '2026-11-26T10:00:00.000Z';
    const ms = Date.parse(iso);
    expect(fromDbTime(ms)?.toISOString()).toBe(iso);
    expect(fromDbTime(String(ms))?.toISOString()).toBe(iso);
    expect(fromDbTime(iso)?.toISOString()).toBe(iso);
    expect(fromDbTime('2026-11-26 10:00:00')?.toISOString()).toBe(iso);
    expect(fromDbTime(new Date(iso))?.toISOString()).toBe(iso);
    expect([null, undefined, ''].map(fromDbTime)).toEqual([null, null, null]);
  });
});
