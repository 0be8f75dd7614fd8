import { describe, expect, it } from 'vitest';
import { naReason } from '../../src/evaluation/na-reasons.ts';

describe('why a score is "—"', () => {
  it('gives no reason for a score that exists', () => {
    expect(naReason('communication', 46.2, { handoffs: 13, handoffs_with_sla: 13 })).toBeNull();
    expect(naReason('satisfaction', 0, { responses: 4 })).toBeNull();
  });

  it('names the parts that had nothing to count, from the stored raw keys', () => {
    expect(naReason('communication', null, { handoffs: 0, handoffs_with_sla: 0, median_response_hours: null, within_sla_share: null })?.['zh-CN']).toBe('本期没有交接给它的事项');
    expect(naReason('communication', null, { handoffs: 5, handoffs_with_sla: 0, within_sla_share: null })?.['zh-CN']).toContain('5 次交接');
    expect(naReason('satisfaction', null, { responses: 0, csat_share: null })?.['en-US']).toMatch(/No customer satisfaction responses/);
    const execution = naReason('execution', null, { tasks_due: 0, resolutions: 0, resolutions_with_sla: 0, reopen_rate: null });
    expect(execution?.['zh-CN']).toBe('本期没有到期任务;没有结案');
    const utilisation = naReason('utilisation', null, { capacity_hours: 0, budget: 0, logged_hours: 0 });
    expect(utilisation?.['zh-CN']).toBe('没有成员工时容量;本期没有预算');
    expect(naReason('cohesion', null, { pulse_responses: 0, closed_cases: 0, invitations: 0 })?.['en-US']).toBe('no pulse survey responses; no closed cases; no meeting invitations');
    expect(naReason('overall', null, { weights: {}, dimensions: [] })?.['zh-CN']).toContain('五个维度');
  });

  it('does not guess when the raw does not say', () => {
    expect(naReason('communication', null, { handoffs: 3, handoffs_with_sla: 3 })).toBeNull();
    expect(naReason('utilisation', null, { capacity_hours: 100, budget: 10 })).toBeNull();
  });
});
