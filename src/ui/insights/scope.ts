import { useApi, type definePanel } from '@directus/extensions-sdk';
import { onMounted, ref, watch, type Ref } from 'vue';
import { tr } from './strings.ts';
import type { Viewer } from '../../insights/viewer.ts';
import { cycleKindOf, defaultPeriod, ownScope, periodLabel, scopeLabelOf, selectionOf, choiceCount, type DashboardPeriod, type ResolvedScope, type ScopePreference } from './dashboard-filter.ts';

export type { Viewer };

/**
 * Where an Insights panel looks: my department, my team, a chosen department or team, or the
 * company. "Mine" is resolved against the viewer (GET /concord/insights/me), so one seeded
 * dashboard serves every head or lead.
 */

export type ScopeMode = 'my_department' | 'my_team' | 'department' | 'team' | 'company';

export interface ScopeOptions {
  scope?: ScopeMode;
  department?: unknown;
  team?: unknown;
}

export type { ResolvedScope };

/** The panel options every Insights panel offers for its scope. */
/** Panel option fields, typed as the extension SDK takes them. */
type PanelOptions = Extract<NonNullable<Parameters<typeof definePanel>[0]['options']>, unknown[]>;

export const SCOPE_OPTIONS: PanelOptions = [
  {
    field: 'scope',
    name: '范围 Scope',
    type: 'string',
    meta: {
      width: 'half',
      interface: 'select-dropdown',
      options: {
        choices: [
          { text: '我的部门 My department', value: 'my_department' },
          { text: '我的团队 My team', value: 'my_team' },
          { text: '指定部门 A department', value: 'department' },
          { text: '指定团队 A team', value: 'team' },
          { text: '全公司 Company', value: 'company' },
        ],
      },
    },
    schema: { default_value: 'my_department' },
  },
  {
    field: 'department',
    name: '部门 Department',
    type: 'json',
    meta: { width: 'half', interface: 'collection-item-dropdown', options: { selectedCollection: 'cc_departments' }, hidden: false },
  },
  {
    field: 'team',
    name: '团队 Team',
    type: 'json',
    meta: { width: 'half', interface: 'collection-item-dropdown', options: { selectedCollection: 'cc_teams' } },
  },
];

/** A picked item is `{ key }` from the dropdown, or a bare key written as configuration. */
function keyOf(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'object') {
    const key = (value as { key?: unknown }).key;
    return key === null || key === undefined ? null : String(key);
  }
  return String(value);
}

/** A panel's own scope option, for a panel not on a dashboard with a picker. */
export function resolveScope(options: ScopeOptions, viewer: Viewer): ResolvedScope | null {
  const mode = options.scope ?? 'my_department';
  if (mode === 'company' || mode === 'my_department' || mode === 'my_team') return ownScope(viewer, mode);
  if (mode === 'department') {
    const code = keyOf(options.department);
    return code ? { kind: 'department', key: code, label: scopeLabelOf(viewer, 'department', code) } : null;
  }
  const id = keyOf(options.team);
  return id && /^\d+$/.test(id) ? { kind: 'team', key: Number(id), label: scopeLabelOf(viewer, 'team', Number(id)) } : null;
}

export function scopeParams(scope: ResolvedScope): Record<string, string> {
  return scope.kind === 'company' ? { scope_kind: 'company' } : { scope_kind: scope.kind, scope: String(scope.key) };
}

let viewerRequest: Promise<Viewer> | null = null;

/** Who is looking (GET /concord/insights/me), asked once for all panels. */
export function viewerOnce(api: ReturnType<typeof useApi>): Promise<Viewer> {
  viewerRequest ??= api.get('/concord/insights/me').then((r) => r.data.data as Viewer);
  viewerRequest.catch(() => (viewerRequest = null));
  return viewerRequest;
}

/** `forbidden`: the endpoint said the viewer may not read the scope; `empty`: nothing in the period. */
export type LoadState = 'loading' | 'error' | 'empty' | 'forbidden' | 'ready';

export interface InsightOptions extends ScopeOptions {
  /** The dashboard the panel sits on (Directus passes it to every panel). */
  dashboard?: string | undefined;
  /** Seeded panels follow their dashboard's picker (dashboard-filter.ts); their `scope` is its default. */
  use_dashboard_filter?: boolean | undefined;
  now?: Date | undefined;
  [key: string]: unknown;
}

/** The props an Insights panel shares with the others. */
export interface InsightPanelProps {
  dashboard?: string | undefined;
  use_dashboard_filter?: boolean | undefined;
  now?: Date | undefined;
  scope?: ScopeMode | undefined;
  department?: unknown;
  team?: unknown;
  months?: number | undefined;
}

/**
 * What a panel's props ask `useInsight` for. Its size and header are left out, so resizing a panel
 * reloads nothing.
 */
export function insightOptionsOf(props: InsightPanelProps): () => InsightOptions {
  return () => ({ dashboard: props.dashboard, use_dashboard_filter: props.use_dashboard_filter, now: props.now, scope: props.scope, department: props.department, team: props.team, months: props.months });
}

/** What a panel asks an endpoint: the body's `data`; its `access` is noted for the panel's state. */
export type InsightGet = <R>(path: string, params: Record<string, unknown>) => Promise<R>;

/**
 * Loads a panel's data for its scope and period, with loading, empty, forbidden and error states;
 * reloads when the options or the dashboard's picker change. `isEmpty` decides when the data has
 * nothing to show.
 */
export function useInsight<T>(
  options: () => InsightOptions,
  load: (get: InsightGet, scope: ResolvedScope, period: DashboardPeriod, viewer: Viewer) => Promise<T>,
  isEmpty: (data: T) => boolean,
): {
  state: Ref<LoadState>;
  data: Ref<T | null>;
  error: Ref<string | null>;
  scope: Ref<ResolvedScope | null>;
  period: Ref<DashboardPeriod | null>;
  viewer: Ref<Viewer | null>;
  reload: () => Promise<void>;
} {
  const api = useApi();
  const state = ref<LoadState>('loading');
  const data = ref<T | null>(null) as Ref<T | null>;
  const error = ref<string | null>(null);
  const scope = ref<ResolvedScope | null>(null);
  const period = ref<DashboardPeriod | null>(null);
  const viewer = ref<Viewer | null>(null);
  let generation = 0;
  const reload = async () => {
    const mine = ++generation;
    state.value = 'loading';
    error.value = null;
    try {
      viewer.value = await viewerOnce(api);
      const o = options();
      const now = o.now ?? new Date();
      if (o.use_dashboard_filter && o.dashboard) {
        const preference: ScopePreference = o.scope === 'my_team' || o.scope === 'company' ? o.scope : 'my_department';
        const selection = selectionOf(o.dashboard, viewer.value, preference, now);
        scope.value = selection.scope;
        period.value = selection.period;
      } else {
        scope.value = resolveScope(o, viewer.value);
        const months = typeof o['months'] === 'number' ? o['months'] : null;
        period.value = months ? { kind: 'custom', ...recentMonths(now, months) } : defaultPeriod(now);
      }
      if (!scope.value) {
        error.value = tr('noScope');
        state.value = 'error';
        return;
      }
      let denied = false;
      const get: InsightGet = async (path, params) => {
        const body = (await api.get(path, { params })).data as { data: unknown; access?: string };
        if (body.access === 'none') denied = true;
        return body.data as never;
      };
      const loaded = await load(get, scope.value, period.value, viewer.value);
      if (mine !== generation) return;
      data.value = loaded;
      state.value = isEmpty(loaded) ? (denied ? 'forbidden' : 'empty') : 'ready';
    } catch (err) {
      if (mine !== generation) return;
      const first = (err as { response?: { data?: { errors?: Array<{ message: string }> } } }).response?.data?.errors?.[0];
      error.value = `${tr('failed')}${first?.message ?? String(err)}`;
      state.value = 'error';
    }
  };
  onMounted(reload);
  watch(() => JSON.stringify({ ...options(), now: undefined, picked: options().dashboard ? choiceCount(options().dashboard!) : 0 }), reload);
  return { state, data, error, scope, period, viewer, reload };
}

/** The endpoints' period parameters. */
export function periodParams(period: DashboardPeriod): { starts_on: string; ends_on: string } {
  return { starts_on: period.starts_on, ends_on: period.ends_on };
}

/** The six months up to the end of a period: the history a trend chart shows around it. */
export function historyOf(period: DashboardPeriod, months = 6): { starts_on: string; ends_on: string } {
  const [y, m] = period.ends_on.split('-').map(Number) as [number, number];
  const start = new Date(Date.UTC(y, m - 1 - months, 1)).toISOString().slice(0, 10);
  const [sy, sm] = period.starts_on.split('-').map(Number) as [number, number];
  const own = new Date(Date.UTC(sy, sm - 1, 1)).toISOString().slice(0, 10);
  return { starts_on: own < start ? own : start, ends_on: period.ends_on };
}

export { cycleKindOf, periodLabel };

/** The period a panel shows: the last `months` calendar months up to today, as the endpoints take it. */
export function recentMonths(now: Date, months: number): { starts_on: string; ends_on: string } {
  const start = new Date(Date.UTC(now.getFullYear(), now.getMonth() - (months - 1), 1));
  const tomorrow = new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate() + 1));
  return { starts_on: start.toISOString().slice(0, 10), ends_on: tomorrow.toISOString().slice(0, 10) };
}

export const MONTHS_OPTION: PanelOptions[number] = {
  field: 'months',
  name: '月数 Months',
  type: 'integer',
  meta: {
    width: 'half',
    interface: 'select-dropdown',
    options: { choices: [{ text: '3', value: 3 }, { text: '6', value: 6 }, { text: '12', value: 12 }] },
  },
  schema: { default_value: 6 },
};

export const PERIOD_KIND_OPTION: PanelOptions[number] = {
  field: 'period_kind',
  name: '周期 Cycles',
  type: 'string',
  meta: {
    width: 'half',
    interface: 'select-dropdown',
    options: { choices: [{ text: '月度 Monthly', value: 'monthly' }, { text: '季度 Quarterly', value: 'quarterly' }] },
  },
  schema: { default_value: 'monthly' },
};

/** A list shown a page at a time, with a visible pager (Pager.vue) instead of a scroll inside the panel. */
export function usePages<T>(items: () => readonly T[], perPage: number | (() => number)): { page: Ref<number>; pages: Ref<number>; shown: Ref<T[]>; total: Ref<number> } {
  const page = ref(1);
  const pages = ref(1);
  const shown = ref<T[]>([]) as Ref<T[]>;
  const total = ref(0);
  const size = () => Math.max(1, typeof perPage === 'number' ? perPage : perPage());
  const update = () => {
    const all = items();
    const n = size();
    total.value = all.length;
    pages.value = Math.max(1, Math.ceil(all.length / n));
    if (page.value > pages.value) page.value = pages.value;
    shown.value = all.slice((page.value - 1) * n, page.value * n);
  };
  watch([() => items(), page, size], update, { immediate: true, deep: false });
  return { page, pages, shown, total };
}
