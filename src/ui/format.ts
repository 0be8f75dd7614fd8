import { currentLanguage } from './i18n.ts';

/** Money in yuan as people read it: ¥12,345.00. */
export function money(value: unknown): string {
  const amount = Number(value);
  if (value === null || value === undefined || value === '' || !Number.isFinite(amount)) return '—';
  return new Intl.NumberFormat(currentLanguage(), { style: 'currency', currency: 'CNY' }).format(amount);
}

/** A date or timestamp as a day, in the reader's locale. */
export function day(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') return '—';
  const date = new Date(typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00` : value);
  return Number.isNaN(date.getTime()) ? String(value) : new Intl.DateTimeFormat(currentLanguage(), { year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

export function percent(share: number | null | undefined): string {
  if (share === null || share === undefined) return '—';
  return new Intl.NumberFormat(currentLanguage(), { style: 'percent', maximumFractionDigits: 0 }).format(share);
}
