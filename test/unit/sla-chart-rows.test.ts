import { describe, expect, it } from 'vitest';
import { CHART_OVERHEAD_PX, LABEL_UNITS, ROW_PX, chartRows, clipLabel, labelUnits } from '../../extensions/panels/src/sla-board/chart-rows.ts';

describe('the SLA board chart rows', () => {
  it('gives one state, two states and many states a full row each, never a share of a squeezed box', () => {
    // The box 协同总览 gave the chart at 1440×900 (≈100 px) drew two labels on top of each other.
    expect(chartRows(1, 100)).toEqual({ shown: 1, height: CHART_OVERHEAD_PX + ROW_PX });
    expect(chartRows(2, 100)).toEqual({ shown: 1, height: CHART_OVERHEAD_PX + ROW_PX });
    expect(chartRows(2, 400)).toEqual({ shown: 2, height: CHART_OVERHEAD_PX + 2 * ROW_PX });
    // A single state in a tall box keeps a row's height: no one giant bar.
    expect(chartRows(1, 600).height).toBe(CHART_OVERHEAD_PX + ROW_PX);
    const many = chartRows(12, 300);
    expect(many.shown).toBe(Math.floor((300 - CHART_OVERHEAD_PX) / ROW_PX));
    expect(many.height).toBeLessThanOrEqual(300);
    expect(chartRows(0, 300)).toEqual({ shown: 0, height: 0 });
    // Each row is taller than a 12 px label, so neighbours cannot touch.
    expect(ROW_PX).toBeGreaterThanOrEqual(24);
  });

  it('clips a long label to its width with an ellipsis and leaves short ones alone', () => {
    expect(clipLabel('已解决 · 客服部')).toBe('已解决 · 客服部');
    const long = clipLabel('已升级技术部二线支持等待排期 · 人力资源部');
    expect(long.endsWith('…')).toBe(true);
    expect(labelUnits(long)).toBeLessThanOrEqual(LABEL_UNITS);
    expect(labelUnits(clipLabel('Escalated to engineering, waiting for a release · Technology'))).toBeLessThanOrEqual(LABEL_UNITS);
  });
});
