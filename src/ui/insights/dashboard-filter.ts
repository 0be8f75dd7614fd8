import { reactive } from 'vue';
import type { Viewer } from '../../insights/viewer.ts';
import { localName } from '../i18n.ts';
import { tr } from './strings.ts';

/**
 * The scope and period a whole dashboard looks at.
 *
 * Directus dashboards have no shared filter, and panels are separate components that only get their
 * own options (plus `dashboard`, the dashboard's id). Concord's panels are one app bundle, so they
 * share this module: a reactive store of one selection per dashboard. The picker panel
 * (cc-dashboard-filter-panel, seeded at the top of every scoped dashboard) is the only writer; the
 * panels seeded with `use_dashboard_filter` read it and nothing else for their scope and period. The
 * first of them to need it (picker or panel, whichever mounts first) fills the selection with the
 * one default, `initialSelection`, so nobody computes a default of their own. A panel added by hand
 * to some other dashboard keeps its own scope option and the default period.
 */

export type PeriodKind = 'month' | 'quarter' | 'custom';

/** `[starts_on, ends_on)`, as the Insights endpoints take it. */
export interface DashboardPeriod {
  kind: PeriodKind;
  starts_on: string;
  ends_on: string;
}

export type ResolvedScope = { kind: 'company'; label: string } | { kind: 'department'; key: string; label: string } | { kind: 'team'; key: number; label: string };

export type ScopePreference = 'my_department' | 'my_team' | 'company';

export interface DashboardSelection {
  scope: ResolvedScope | null;
  period: DashboardPeriod;
}

const selections = reactive<Record<string, DashboardSelection>>({});
/** The address each dashboard's selection was last read from (not reactive: bookkeeping only). */
const addressRead: Record<string, string> = {};
/** Bumped by the picker only, so filling the default does not reload every panel a second time. */
const choices = reactive<Record<string, number>>({});

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (year: number, month: number, day = 1) => {
  const d = new Date(Date.UTC(year, month - 1, day));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};

/** The calendar month containing `date` (YYYY-MM-DD). */
export function monthOf(date: string): DashboardPeriod {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return { kind: 'month', starts_on: iso(y, m), ends_on: iso(y, m + 1) };
}

/** The calendar quarter containing `date`. */
export function quarterOf(date: string): DashboardPeriod {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const first = Math.floor((m - 1) / 3) * 3 + 1;
  return { kind: 'quarter', starts_on: iso(y, first), ends_on: iso(y, first + 3) };
}

/** The last full month before `now`: the period the latest monthly evaluation covers. */
export function defaultPeriod(now: Date): DashboardPeriod {
  return monthOf(iso(now.getFullYear(), now.getMonth()));
}

/** The months (newest first) and quarters a picker offers, up to the current one. */
export function recentPeriods(now: Date, kind: 'month' | 'quarter', count: number): DashboardPeriod[] {
  const out: DashboardPeriod[] = [];
  for (let i = 0; i < count; i++) {
    const date = kind === 'month' ? iso(now.getFullYear(), now.getMonth() + 1 - i) : iso(now.getFullYear(), now.getMonth() + 1 - 3 * i);
    out.push(kind === 'month' ? monthOf(date) : quarterOf(date));
  }
  return out;
}

/** How a period is written for people: 2026-11, 2026 Q4, or 2026-10-05 – 2026-11-20 (last day included). */
export function periodLabel(period: DashboardPeriod): string {
  if (period.kind === 'month') return period.starts_on.slice(0, 7);
  if (period.kind === 'quarter') return `${period.starts_on.slice(0, 4)} Q${Math.floor((Number(period.starts_on.slice(5, 7)) - 1) / 3) + 1}`;
  const [y, m, d] = period.ends_on.split('-').map(Number) as [number, number, number];
  return `${period.starts_on} – ${iso(y, m, d - 1)}`;
}

/** The evaluation cycles that match a period: quarterly for a quarter, monthly otherwise. */
export function cycleKindOf(period: DashboardPeriod): 'monthly' | 'quarterly' {
  return period.kind === 'quarter' ? 'quarterly' : 'monthly';
}

export function scopeLabelOf(viewer: Viewer, kind: 'department' | 'team', key: string | number): string {
  if (kind === 'department') {
    const department = viewer.departments.find((d) => d.code === key);
    return department ? localName(department) : String(key);
  }
  return viewer.all_teams.find((t) => t.id === Number(key))?.name ?? String(key);
}

/**
 * A scope's name in an answer, in the user's language: a department by its vocabulary record
 * (name_en in English), a team by the name somebody typed, anything else as the answer wrote it.
 */
export function scopeNameOf(viewer: Viewer | null | undefined, kind: string, key: string | number, answered: string): string {
  if (kind !== 'department' || !viewer) return answered;
  const department = viewer.departments.find((d) => d.code === key);
  return department ? localName(department) : answered;
}

/** Every scope the viewer may read, as the picker offers them: the company, departments, teams. */
export function readableScopes(viewer: Viewer): ResolvedScope[] {
  const out: ResolvedScope[] = [];
  if (viewer.readable.company) out.push({ kind: 'company', label: tr('company') });
  for (const d of viewer.departments) if (viewer.readable.departments.includes(d.code)) out.push({ kind: 'department', key: d.code, label: localName(d) });
  for (const t of viewer.all_teams) if (viewer.readable.teams.includes(t.id)) out.push({ kind: 'team', key: t.id, label: t.name });
  return out;
}

/**
 * The viewer's own scope for a dashboard's preference: the department they head or belong to, the
 * team they lead or belong to, or the company. Someone with none of their own (an executive) gets
 * the first such scope they may read, and the company when there is none of that kind; never
 * nothing while they may read something.
 */
export function ownScope(viewer: Viewer, preference: ScopePreference): ResolvedScope | null {
  const readable = readableScopes(viewer);
  const company = readable.find((s) => s.kind === 'company') ?? null;
  if (preference === 'company') return company ?? readable[0] ?? null;
  if (preference === 'my_department') {
    const code = viewer.heads[0] ?? viewer.department;
    if (code && viewer.readable.departments.includes(code)) return { kind: 'department', key: code, label: scopeLabelOf(viewer, 'department', code) };
    return readable.find((s) => s.kind === 'department') ?? company ?? readable[0] ?? null;
  }
  const team = viewer.teams[0];
  if (team && viewer.readable.teams.includes(team.id)) return { kind: 'team', key: team.id, label: team.name };
  return readable.find((s) => s.kind === 'team') ?? company ?? readable[0] ?? null;
}

/**
 * Where a dashboard starts: what its address says (a scorecard notification links to the cycle and
 * scope it announced: `?starts_on=…&ends_on=…&period=month&scope_kind=…&scope=…`), when the viewer
 * may read it, else the viewer's own scope and the month of the latest published evaluation (the
 * last full month when there is none).
 */
export function initialSelection(viewer: Viewer, preference: ScopePreference, now: Date, search: string): DashboardSelection {
  const query = new URLSearchParams(search);
  // The month of the latest published evaluation, so the scores and the flows cover the same month.
  let period = viewer.latest_month ? monthOf(viewer.latest_month) : defaultPeriod(now);
  const startsOn = query.get('starts_on');
  const endsOn = query.get('ends_on');
  const kind = query.get('period');
  if (startsOn && endsOn && /^\d{4}-\d{2}-\d{2}$/.test(startsOn) && /^\d{4}-\d{2}-\d{2}$/.test(endsOn) && startsOn < endsOn) {
    period = { kind: kind === 'quarter' || kind === 'month' ? kind : 'custom', starts_on: startsOn, ends_on: endsOn };
  }
  const readable = readableScopes(viewer);
  const kindAsked = query.get('scope_kind');
  const keyAsked = query.get('scope');
  const asked = readable.find((s) => s.kind === kindAsked && (s.kind === 'company' || String(s.key) === keyAsked));
  return { scope: asked ?? ownScope(viewer, preference), period };
}

/** The query keys the address carries a selection in (the scorecard notification's link uses the same). */
export const SELECTION_KEYS = ['period', 'starts_on', 'ends_on', 'scope_kind', 'scope'] as const;

/** A selection as the address writes it: `?period=month&starts_on=…&ends_on=…&scope_kind=team&scope=3`. */
export function selectionQuery(selection: DashboardSelection): Record<(typeof SELECTION_KEYS)[number], string | undefined> {
  const scope = selection.scope;
  return {
    period: selection.period.kind,
    starts_on: selection.period.starts_on,
    ends_on: selection.period.ends_on,
    scope_kind: scope?.kind,
    scope: scope && scope.kind !== 'company' ? String(scope.key) : undefined,
  };
}

/** Whether an address names a selection at all (then it, not what was picked before, is what to show). */
export function namesSelection(search: string): boolean {
  const query = new URLSearchParams(search);
  return query.has('starts_on') || query.has('scope_kind');
}

/** Whether two selections show the same view (labels aside). */
export function sameSelection(a: DashboardSelection, b: DashboardSelection): boolean {
  const qa = selectionQuery(a);
  const qb = selectionQuery(b);
  return SELECTION_KEYS.every((key) => qa[key] === qb[key]);
}

/**
 * The selection of a dashboard, filled with the default the first time anyone asks. The address
 * wins over what was picked earlier in the session: a link (or the scorecard notification) that
 * names a period and scope opens on them even when the dashboard was already open before.
 */
export function selectionOf(dashboard: string, viewer: Viewer, preference: ScopePreference, now: Date, search = typeof window === 'undefined' ? '' : window.location.search): DashboardSelection {
  const stored = selections[dashboard];
  // An address already taken (or one the picker has not rewritten yet after a choice) is not news.
  if (stored && (!namesSelection(search) || addressRead[dashboard] === search)) return stored;
  addressRead[dashboard] = search;
  const fromAddress = initialSelection(viewer, preference, now, search);
  if (!stored || !sameSelection(stored, fromAddress)) selections[dashboard] = fromAddress;
  return selections[dashboard]!;
}

/** The picker's change: every panel of the dashboard reloads for it. */
export function choose(dashboard: string, selection: DashboardSelection): void {
  selections[dashboard] = selection;
  choices[dashboard] = (choices[dashboard] ?? 0) + 1;
}

/** How often the picker has changed a dashboard's selection: panels watch this to reload. */
export function choiceCount(dashboard: string): number {
  return choices[dashboard] ?? 0;
}
