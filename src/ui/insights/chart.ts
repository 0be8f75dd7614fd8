import ApexCharts from 'apexcharts';
import { onBeforeUnmount, watch, type Ref } from 'vue';
import { escapeHtml } from '../escape.ts';

/**
 * ApexCharts (what Directus's own chart panels use) dressed in Studio's theme: colours, text and grid
 * come from the theme's CSS variables, so the light and the dark theme both read well.
 */
export function themeOf(el: HTMLElement): { foreground: string; subdued: string; border: string; primary: string; danger: string; success: string; warning: string; font: string; dark: boolean } {
  const style = getComputedStyle(el);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const background = v('--theme--background', '#ffffff');
  return {
    foreground: v('--theme--foreground', '#4f5464'),
    subdued: v('--theme--foreground-subdued', '#a2b5cd'),
    border: v('--theme--border-color-subdued', '#e4eaf1'),
    primary: v('--theme--primary', '#6644ff'),
    danger: v('--theme--danger', '#e35169'),
    success: v('--theme--success', '#2ecda7'),
    warning: v('--theme--warning', '#ffa439'),
    font: v('--theme--fonts--sans--font-family', 'sans-serif'),
    dark: isDark(background),
  };
}

function isDark(color: string): boolean {
  const hex = /^#([0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) return /rgb\((\d+),\s*(\d+),\s*(\d+)/.test(color) ? color.match(/\d+/g)!.slice(0, 3).reduce((a, b) => a + Number(b), 0) < 384 : false;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  return 0.299 * r + 0.587 * g + 0.114 * b < 128;
}

/**
 * The height a chart may take: the room its element (class "chart", which PanelShell lets fill what
 * the panel's other content leaves) has, so a chart never pushes the panel's content out of its box.
 */
export function fitHeight(el: HTMLElement, min: number): number {
  // A few pixels spare: the chart's SVG sits on a text baseline inside its element.
  return Math.max(min, Math.floor(el.clientHeight) - 8);
}

/** Base options every Concord chart shares. */
export function baseOptions(el: HTMLElement, height: number): Record<string, unknown> {
  const theme = themeOf(el);
  return {
    chart: { height, fontFamily: theme.font, foreColor: theme.foreground, toolbar: { show: false }, animations: { enabled: false }, background: 'transparent' },
    theme: { mode: theme.dark ? 'dark' : 'light' },
    grid: { borderColor: theme.border },
    tooltip: { theme: theme.dark ? 'dark' : 'light' },
    legend: { labels: { colors: theme.foreground } },
    dataLabels: { enabled: false },
  };
}

type Options = Record<string, unknown>;
type Formatter = (value: unknown, ...rest: unknown[]) => unknown;

const objectAt = (options: Options, key: string): Options => (typeof options[key] === 'object' && options[key] !== null ? (options[key] as Options) : {});
const formatterAt = (options: Options): Formatter | undefined => (typeof options['formatter'] === 'function' ? (options['formatter'] as Formatter) : undefined);

interface FormatterContext {
  w?: { globals?: { isBarHorizontal?: boolean; xLabelFormatter?: Formatter; yLabelFormatters?: Formatter[] } };
}

/**
 * The label ApexCharts itself would show for an x value: line charts turn categories into the
 * numbers 1…n and map them back through the axis formatter; horizontal bars label the y axis.
 */
function categoryLabel(value: unknown, context: unknown): unknown {
  const globals = (context as FormatterContext | undefined)?.w?.globals;
  const format = globals?.isBarHorizontal ? globals.yLabelFormatters?.[0] : globals?.xLabelFormatter;
  return typeof format === 'function' ? format(value, context) : value;
}

/** An x-value formatter whose result is text: the panel's own, or ApexCharts' label, escaped. */
function textFormatter(own: Formatter | undefined): Formatter {
  return (value, ...rest) => escapeHtml(own ? own(value, ...rest) : categoryLabel(value, rest[0]));
}

/** A series-name formatter whose result is text. */
function escapedResult(own: Formatter | undefined): Formatter {
  return (value, ...rest) => escapeHtml(own ? own(value, ...rest) : value);
}

function seriesTitle(y: Options): Options {
  const title = objectAt(y, 'title');
  const own = formatterAt(title);
  // ApexCharts' default title is "name: ".
  return { ...y, title: { ...title, formatter: (name: unknown, ...rest: unknown[]) => (own ? escapeHtml(own(name, ...rest)) : name ? `${escapeHtml(name)}: ` : '') } };
}

/**
 * ApexCharts writes tooltip titles, series names in tooltips, the x-axis tooltip and legends as
 * HTML, while axis labels, annotations and data labels are SVG text. Every HTML place gets an
 * escaping formatter here, so categories and series names go in as the plain strings people wrote
 * (the SVG shows them as they are) and come out as text everywhere. A chart cannot opt out: a
 * custom HTML tooltip is refused.
 */
export function textOnly(options: Options): Options {
  const tooltip = objectAt(options, 'tooltip');
  if (tooltip['custom'] !== undefined) throw new Error('Concord charts take no custom HTML tooltip: give formatters that return text');
  const x = objectAt(tooltip, 'x');
  const y = tooltip['y'];
  const legend = objectAt(options, 'legend');
  const hover = typeof legend['tooltipHoverFormatter'] === 'function' ? (legend['tooltipHoverFormatter'] as Formatter) : undefined;
  const xaxis = objectAt(options, 'xaxis');
  const xaxisTooltip = objectAt(xaxis, 'tooltip');
  return {
    ...options,
    tooltip: { ...tooltip, x: { ...x, formatter: textFormatter(formatterAt(x)) }, y: Array.isArray(y) ? y.map((each) => seriesTitle(each as Options)) : seriesTitle(objectAt(tooltip, 'y')) },
    legend: { ...legend, formatter: escapedResult(formatterAt(legend)), ...(hover ? { tooltipHoverFormatter: escapedResult(hover) } : {}) },
    xaxis: { ...xaxis, tooltip: { ...xaxisTooltip, formatter: textFormatter(formatterAt(xaxisTooltip)) } },
  };
}

/** Keeps one chart in `el`, rebuilt whenever `options` change, destroyed with the component. */
export function useChart(el: Ref<HTMLElement | null>, options: () => Options | null): void {
  let chart: ApexCharts | null = null;
  const render = async () => {
    const next = options();
    chart?.destroy();
    chart = null;
    if (!el.value || !next) return;
    chart = new ApexCharts(el.value, textOnly(next));
    await chart.render();
  };
  watch([el, () => JSON.stringify(options())], render, { flush: 'post' });
  onBeforeUnmount(() => chart?.destroy());
}
