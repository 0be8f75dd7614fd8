/**
 * How the SLA board's horizontal bar chart lays out its rows, so one state, two states and many
 * states all read: every bar gets a row of its own height, never a share of whatever room is left,
 * and a label never runs into its neighbour or across the plot.
 */

/** Height of one bar's row in the plot, in pixels: a 12 px label and a bar with air between rows. */
export const ROW_PX = 26;
/** What the chart draws besides the rows: the value axis with its labels and padding (the legend is text above the chart). */
export const CHART_OVERHEAD_PX = 54;
/** A label's width budget, in units where a CJK character counts 2 and other characters 1 (≈ 12 px font: 2 units ≈ 12 px). */
export const LABEL_UNITS = 26;

export interface ChartRows {
  /** How many states (the first ones, most overdue first) the chart draws. */
  shown: number;
  /** The chart's height in pixels: overhead plus one row per state shown. */
  height: number;
}

/**
 * The rows the chart can draw in `room` pixels: as many states as fit at a full row each, at least
 * one, at most all of them. The height is what those rows need, not the room, so one state's bar is
 * as thick as it is among many.
 */
export function chartRows(states: number, room: number): ChartRows {
  if (states <= 0) return { shown: 0, height: 0 };
  const fit = Math.floor((room - CHART_OVERHEAD_PX) / ROW_PX);
  const shown = Math.max(1, Math.min(states, fit));
  return { shown, height: CHART_OVERHEAD_PX + shown * ROW_PX };
}

/** The smallest box the chart needs: one row. */
export const MIN_CHART_PX = CHART_OVERHEAD_PX + ROW_PX;

const wide = (ch: string) => /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch);

/** The width of `text` in label units (CJK and full-width characters count 2). */
export function labelUnits(text: string): number {
  let units = 0;
  for (const ch of text) units += wide(ch) ? 2 : 1;
  return units;
}

/** `text` cut to `max` units with an ellipsis when longer; the full text stays in the tooltip and the table. */
export function clipLabel(text: string, max = LABEL_UNITS): string {
  if (labelUnits(text) <= max) return text;
  let out = '';
  let units = 0;
  for (const ch of text) {
    const w = wide(ch) ? 2 : 1;
    if (units + w > max - 1) break;
    out += ch;
    units += w;
  }
  return `${out.trimEnd()}…`;
}
