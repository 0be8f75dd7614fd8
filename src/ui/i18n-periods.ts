/**
 * Names of periods in a language, derived from the period itself (never by translating stored text):
 * a cycle's name, a month on a chart's axis. Pure, so the unit tests and the server can use it.
 */

export type Language = 'zh-CN' | 'en-US';

const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;
const MONTHS_EN_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function yearMonth(date: unknown): { year: number; month: number } | null {
  if (typeof date !== 'string') return null;
  const match = /^(\d{4})-(\d{2})(?:-\d{2})?/.exec(date);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  return month >= 1 && month <= 12 ? { year, month } : null;
}

/** A monthly or quarterly period by its first day: 2026年11月 / November 2026, 2026年第4季度 / Q4 2026. */
export function periodNameIn(kind: 'monthly' | 'quarterly', startsOn: string, language: Language): string | null {
  const ym = yearMonth(startsOn);
  if (!ym) return null;
  if (kind === 'monthly') return language === 'zh-CN' ? `${ym.year}年${ym.month}月` : `${MONTHS_EN[ym.month - 1]} ${ym.year}`;
  const quarter = Math.floor((ym.month - 1) / 3) + 1;
  return language === 'zh-CN' ? `${ym.year}年第${quarter}季度` : `Q${quarter} ${ym.year}`;
}

/** The name Concord gives a cycle when nobody types one (as `periodName` in src/evaluation/period.ts). */
const DEFAULT_MONTHLY = /^(\d{4})年(\d{1,2})月$/;
const DEFAULT_QUARTERLY = /^(\d{4})年第([1-4])季度$/;

/**
 * A cycle's name as a person reads it in `language`. A cycle named by Concord (or given exactly the
 * name Concord would give its period) is named from its period in the reader's language; a name
 * somebody typed is shown as typed.
 */
export function cycleNameIn(cycle: { name?: string | null; period_kind?: string | null; starts_on?: string | null }, language: Language): string {
  const name = (cycle.name ?? '').trim();
  const kind = cycle.period_kind === 'quarterly' || cycle.period_kind === 'monthly' ? cycle.period_kind : null;
  if (kind && cycle.starts_on) {
    const derivedZh = periodNameIn(kind, cycle.starts_on, 'zh-CN');
    if (derivedZh !== null && (name === '' || name === derivedZh)) return periodNameIn(kind, cycle.starts_on, language) ?? name;
    return name;
  }
  // Only the name is at hand (a list cell): Concord's own names say their period exactly.
  return defaultNameIn(name, language) ?? name;
}

/** A name of Concord's default form (2026年11月, 2026年第4季度) in `language`, or null for any other text. */
export function defaultNameIn(name: string, language: Language): string | null {
  const monthly = DEFAULT_MONTHLY.exec(name);
  if (monthly) {
    const month = Number(monthly[2]);
    if (month < 1 || month > 12) return null;
    return periodNameIn('monthly', `${monthly[1]}-${String(month).padStart(2, '0')}-01`, language);
  }
  const quarterly = DEFAULT_QUARTERLY.exec(name);
  if (quarterly) return periodNameIn('quarterly', `${quarterly[1]}-${String((Number(quarterly[2]) - 1) * 3 + 1).padStart(2, '0')}-01`, language);
  return null;
}

/** A month on a chart's axis (`2026-11` or `2026-11-01`): 2026年11月 / Nov 2026. Anything else as given. */
export function monthAxisLabel(month: string, language: Language): string {
  const ym = yearMonth(month);
  if (!ym) return month;
  return language === 'zh-CN' ? `${ym.year}年${ym.month}月` : `${MONTHS_EN_SHORT[ym.month - 1]} ${ym.year}`;
}

/**
 * A Studio display template (`{{name_zh}}`, `{{from_state.name_zh}} → {{to_state.name_zh}}`) for a
 * reader of `language`: in English, each vocabulary record is named by its `name_en`.
 */
export function templateIn(template: string | null | undefined, language: Language): string | null | undefined {
  if (typeof template !== 'string' || language === 'zh-CN') return template;
  return template.replace(/\{\{\s*((?:[A-Za-z0-9_]+\.)*)name_zh\s*\}\}/g, '{{$1name_en}}');
}
