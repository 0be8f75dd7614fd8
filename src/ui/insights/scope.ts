import { useApi, type definePanel } from '@directus/extensions-sdk';
import { onMounted, ref, watch, type Ref } from 'vue';
import { tr } from './strings.ts';
import type { Viewer } from '../../insights/viewer.ts';

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

export type ResolvedScope = { kind: 'company'; label: string } | { kind: 'department'; key: string; label: string } | { kind: 'team'; key: number; label: string };

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

export function resolveScope(options: ScopeOptions, viewer: Viewer): ResolvedScope | null {
  const mode = options.scope ?? 'my_department';
  const departmentName = (code: string) => viewer.departments.find((d) => d.code === code)?.name_zh ?? code;
  const teamName = (id: number) => viewer.all_teams.find((t) => t.id === id)?.name ?? String(id);
  if (mode === 'company') return { kind: 'company', label: tr('company') };
  if (mode === 'my_department') {
    const code = viewer.heads[0] ?? viewer.department;
    return code ? { kind: 'department', key: code, label: departmentName(code) } : null;
  }
  if (mode === 'my_team') {
    const team = viewer.teams[0];
    return team ? { kind: 'team', key: team.id, label: team.name } : null;
  }
  if (mode === 'department') {
    const code = keyOf(options.department);
    return code ? { kind: 'department', key: code, label: departmentName(code) } : null;
  }
  const id = keyOf(options.team);
  return id && /^\d+$/.test(id) ? { kind: 'team', key: Number(id), label: teamName(Number(id)) } : null;
}

export function scopeParams(scope: ResolvedScope): Record<string, string> {
  return scope.kind === 'company' ? { scope_kind: 'company' } : { scope_kind: scope.kind, scope: String(scope.key) };
}

let viewerRequest: Promise<Viewer> | null = null;

export type LoadState = 'loading' | 'error' | 'empty' | 'ready';

/**
 * Loads a panel's data for its scope, with loading, empty and error states; reloads when the
 * options change. `isEmpty` decides when the data has nothing to show.
 */
export function useInsight<T>(
  options: () => ScopeOptions & Record<string, unknown>,
  load: (api: ReturnType<typeof useApi>, scope: ResolvedScope, viewer: Viewer) => Promise<T>,
  isEmpty: (data: T) => boolean,
): { state: Ref<LoadState>; data: Ref<T | null>; error: Ref<string | null>; scope: Ref<ResolvedScope | null>; viewer: Ref<Viewer | null>; reload: () => Promise<void> } {
  const api = useApi();
  const state = ref<LoadState>('loading');
  const data = ref<T | null>(null) as Ref<T | null>;
  const error = ref<string | null>(null);
  const scope = ref<ResolvedScope | null>(null);
  const viewer = ref<Viewer | null>(null);
  const reload = async () => {
    state.value = 'loading';
    error.value = null;
    try {
      viewerRequest ??= api.get('/concord/insights/me').then((r) => r.data.data as Viewer);
      viewer.value = await viewerRequest;
      scope.value = resolveScope(options(), viewer.value);
      if (!scope.value) {
        error.value = tr('noScope');
        state.value = 'error';
        return;
      }
      data.value = await load(api, scope.value, viewer.value);
      state.value = isEmpty(data.value) ? 'empty' : 'ready';
    } catch (err) {
      viewerRequest = null;
      const first = (err as { response?: { data?: { errors?: Array<{ message: string }> } } }).response?.data?.errors?.[0];
      error.value = `${tr('failed')}${first?.message ?? String(err)}`;
      state.value = 'error';
    }
  };
  onMounted(reload);
  watch(() => JSON.stringify(options()), reload);
  return { state, data, error, scope, viewer, reload };
}

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
