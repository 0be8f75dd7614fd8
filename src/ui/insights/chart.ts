import ApexCharts from 'apexcharts';
import { onBeforeUnmount, watch, type Ref } from 'vue';

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

/** Keeps one chart in `el`, rebuilt whenever `options` change, destroyed with the component. */
export function useChart(el: Ref<HTMLElement | null>, options: () => Record<string, unknown> | null): void {
  let chart: ApexCharts | null = null;
  const render = async () => {
    const next = options();
    chart?.destroy();
    chart = null;
    if (!el.value || !next) return;
    chart = new ApexCharts(el.value, next);
    await chart.render();
  };
  watch([el, () => JSON.stringify(options())], render, { flush: 'post' });
  onBeforeUnmount(() => chart?.destroy());
}
