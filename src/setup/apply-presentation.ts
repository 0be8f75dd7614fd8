import { upsertById, type AdminApi } from './admin-api.ts';
import { TRANSLATION_STRINGS } from '../i18n/strings.ts';
import { stableId } from '../access/stable-id.ts';
import { DASHBOARDS, panelId } from '../insights/dashboards.ts';
import '../errors.ts';
import { refusalTitleStrings } from '../i18n/refusals.ts';
import { STUDIO_WORDING } from '../i18n/studio-wording.ts';
import { DEFAULT_LANGUAGE } from '../i18n/language.ts';
import { BOOKMARKS } from '../studio/landing.ts';
import { DESK_PRESETS } from '../studio/desk-presets.ts';

/**
 * What the project's settings get from Concord. They are the project's: Concord's first setup adds
 * its module to the module bar, and only its own demo project (CONCORD_SEED_DEMO) gets Chinese as
 * Studio's default language and an owner; later starts leave all three as the admins keep them.
 */
export interface ProjectSettingsChoice {
  moduleBar: boolean;
  languageAndOwner: boolean;
}

/** Translation strings, project settings and presets (bookmarks, default layouts): not carried by schema snapshots. */
export async function applyPresentation(api: AdminApi, ownerEmail?: string | null, project: ProjectSettingsChoice = { moduleBar: true, languageAndOwner: true }): Promise<void> {
  await applyProjectSettings(api, ownerEmail, project);
  await applyTranslationStrings(api);
  await applyPresets(api);
  await applyDashboards(api);
}

/** The Insights dashboards and their panels (src/insights/dashboards.ts), fixed ids so applying twice changes nothing. */
async function applyDashboards(api: AdminApi): Promise<void> {
  for (const dashboard of DASHBOARDS) {
    await upsertById(api, 'dashboards', dashboard.id, { name: dashboard.name, icon: dashboard.icon, color: dashboard.color, note: dashboard.note });
    for (const panel of dashboard.panels) {
      await upsertById(api, 'panels', panelId(panel), {
        dashboard: dashboard.id,
        name: panel.name,
        icon: panel.icon,
        color: dashboard.color,
        show_header: panel.header ?? true,
        note: null,
        type: panel.type,
        position_x: panel.x,
        position_y: panel.y,
        width: panel.width,
        height: panel.height,
        options: panel.options,
      });
    }
  }
}

/**
 * Studio speaks Chinese unless a person chooses otherwise (their own language setting), and the
 * project has an owner, so Studio stops asking admins for one on every load. An owner set by the
 * operator (Directus's PROJECT_OWNER) is kept.
 */
async function applyProjectSettings(api: AdminApi, ownerEmail: string | null | undefined, project: ProjectSettingsChoice): Promise<void> {
  if (!project.moduleBar && !project.languageAndOwner) return;
  const settings = await api.get<{ default_language: string | null; project_owner: string | null; module_bar: ModuleBarEntry[] | null }>('/settings', {
    fields: 'default_language,project_owner,module_bar',
  });
  const patch: Record<string, unknown> = {};
  if (project.languageAndOwner) {
    if (settings.default_language !== DEFAULT_LANGUAGE) patch['default_language'] = DEFAULT_LANGUAGE;
    // null: no owner known (a project started without ADMIN_EMAIL), and Studio's own question stays.
    if (!settings.project_owner && ownerEmail !== null) patch['project_owner'] = ownerEmail ?? (await api.get<{ email: string }>('/users/me', { fields: 'email' })).email;
  }
  const moduleBar = project.moduleBar ? withMatrixModule(settings.module_bar) : null;
  if (moduleBar) patch['module_bar'] = moduleBar;
  if (Object.keys(patch).length > 0) await api.patch('/settings', patch);
}

interface ModuleBarEntry {
  type: 'module' | 'link';
  id: string;
  enabled?: boolean;
  [key: string]: unknown;
}

/** Directus's own module bar, as it is when the project never changed it. */
const DIRECTUS_MODULE_BAR: ModuleBarEntry[] = [
  { type: 'module', id: 'content', enabled: true },
  { type: 'module', id: 'visual', enabled: false },
  { type: 'module', id: 'users', enabled: true },
  { type: 'module', id: 'files', enabled: true },
  { type: 'module', id: 'insights', enabled: true },
  { type: 'module', id: 'deployments', enabled: false },
  { type: 'link', id: 'docs', enabled: true, name: '$t:documentation', icon: 'help', url: 'https://docs.directus.io' },
  { type: 'module', id: 'settings', enabled: true, locked: true },
];

const MATRIX_MODULE = 'concord-matrix';

/** Studio lists an extension's module only when the module bar names it: after Insights, once. */
function withMatrixModule(current: ModuleBarEntry[] | null): ModuleBarEntry[] | null {
  const bar = current ?? DIRECTUS_MODULE_BAR;
  if (bar.some((entry) => entry.id === MATRIX_MODULE)) return null;
  const at = bar.findIndex((entry) => entry.id === 'insights');
  const entry: ModuleBarEntry = { type: 'module', id: MATRIX_MODULE, enabled: true };
  return at === -1 ? [...bar, entry] : [...bar.slice(0, at + 1), entry, ...bar.slice(at + 1)];
}

async function applyTranslationStrings(api: AdminApi): Promise<void> {
  const strings = { ...TRANSLATION_STRINGS, ...refusalTitleStrings(), ...STUDIO_WORDING };
  const existing = await api.get<Array<{ id: string; key: string; language: string; value: string }>>('/translations', {
    filter: { _or: [{ key: { _starts_with: 'cc.' } }, { key: { _starts_with: 'errors.' } }, { key: { _in: Object.keys(STUDIO_WORDING) } }] },
    fields: 'id,key,language,value',
    limit: -1,
  });
  const index = new Map(existing.map((row) => [`${row.language}|${row.key}`, row]));
  const create: Array<Record<string, string>> = [];
  for (const [key, values] of Object.entries(strings)) {
    for (const [language, value] of Object.entries(values)) {
      const current = index.get(`${language}|${key}`);
      if (!current) create.push({ id: stableId(`translation:${language}:${key}`), key, language, value });
      else if (current.value !== value) await api.patch(`/translations/${current.id}`, { value });
    }
  }
  if (create.length > 0) await api.post('/translations', create);
}

interface PresetDefinition {
  id: number;
  bookmark: string | null;
  collection: string;
  layout: string;
  layout_query: Record<string, unknown>;
  layout_options?: Record<string, unknown>;
  filter?: Record<string, unknown> | null;
  icon?: string;
  color?: string | null;
}

/** Fixed ids in a high range so they never collide with presets users save themselves. */
const PRESETS: PresetDefinition[] = [
  {
    id: 900001,
    bookmark: null,
    collection: 'cc_teams',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['name', 'status', 'lead', 'date_updated'], sort: ['name'] } },
  },
  {
    id: 900002,
    bookmark: '$t:cc.bookmark.active_teams',
    collection: 'cc_teams',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['name', 'lead', 'members'], sort: ['name'] } },
    filter: { _and: [{ status: { _eq: 'active' } }] },
    icon: 'groups',
    color: '#27AE60',
  },
  {
    id: 900003,
    bookmark: '$t:cc.bookmark.forming_teams',
    collection: 'cc_teams',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['name', 'lead', 'members'], sort: ['name'] } },
    filter: { _and: [{ status: { _eq: 'forming' } }] },
    icon: 'group_add',
    color: '#F2994A',
  },
  {
    id: 900004,
    bookmark: null,
    collection: 'cc_authorities',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['department', 'title_zh', 'capability'], sort: ['department', 'sort'] } },
  },
  {
    id: 900005,
    bookmark: null,
    collection: 'cc_duties',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['department', 'title_zh', 'title_en'], sort: ['department', 'sort'] } },
  },
  {
    id: 900010,
    bookmark: null,
    collection: 'cc_cases',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['id', 'title', 'state', 'response_due_at', 'resolution_due_at', 'priority', 'customer', 'team', 'opened_at'], sort: ['-opened_at'] } },
  },
  {
    id: BOOKMARKS.myDepartmentOpenCases,
    bookmark: '$t:cc.bookmark.my_department_open_cases',
    collection: 'cc_cases',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['id', 'title', 'state', 'response_due_at', 'resolution_due_at', 'priority', 'customer'], sort: ['response_due_at'] } },
    // 待处理: a case resolved and waiting for the customer is 待回访 (DESK_PRESETS), not work to do.
    filter: { _and: [{ state: { owner_department: { _eq: '$CURRENT_USER.cc_department' } } }, { state: { is_terminal: { _eq: false } } }, { resolved_at: { _null: true } }] },
    icon: 'inbox',
    color: '#2F80ED',
  },
  {
    id: 900012,
    bookmark: '$t:cc.bookmark.my_team_cases',
    collection: 'cc_cases',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['id', 'title', 'state', 'response_due_at', 'resolution_due_at', 'priority', 'customer', 'opened_at'], sort: ['-opened_at'] } },
    filter: { _and: [{ team: { members: { user: { _eq: '$CURRENT_USER' } } } }] },
    icon: 'groups',
    color: '#27AE60',
  },
  {
    id: 900013,
    bookmark: '$t:cc.bookmark.urgent_open_cases',
    collection: 'cc_cases',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['id', 'title', 'state', 'response_due_at', 'resolution_due_at', 'customer', 'team'], sort: ['opened_at'] } },
    filter: { _and: [{ priority: { _in: ['urgent', 'high'] } }, { state: { is_terminal: { _eq: false } } }] },
    icon: 'priority_high',
    color: '#EB5757',
  },
  {
    id: 900014,
    bookmark: null,
    collection: 'cc_customers',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['name', 'tier', 'industry', 'region', 'team'], sort: ['name'] } },
  },
  {
    id: BOOKMARKS.myTasks,
    bookmark: '$t:cc.bookmark.my_tasks',
    collection: 'cc_tasks',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['title', 'status', 'project', 'due_at', 'done_at', 'logged_hours'], sort: ['due_at'] } },
    filter: { _and: [{ assignee: { _eq: '$CURRENT_USER' } }, { status: { _neq: 'done' } }] },
    icon: 'task_alt',
    color: '#9B51E0',
  },
  {
    id: 900016,
    bookmark: null,
    collection: 'cc_tasks',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['title', 'status', 'assignee', 'department', 'due_at', 'done_at'], sort: ['due_at'] } },
  },
  {
    id: 900017,
    bookmark: null,
    collection: 'cc_case_events',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['case', 'from_state', 'to_state', 'actor', 'actor_department', 'is_handoff', 'occurred_at'], sort: ['-occurred_at'] } },
  },
  {
    id: 900018,
    bookmark: '$t:cc.bookmark.department_finance',
    collection: 'cc_transactions',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['occurred_on', 'kind', 'category', 'amount', 'department'], sort: ['-occurred_on'] } },
    filter: { _and: [{ department: { _eq: '$CURRENT_USER.cc_department' } }] },
    icon: 'receipt_long',
    color: '#56CCF2',
  },
  // Default list layouts with the columns people need (ids from 900101, apart from other groups).
  {
    id: 900101,
    bookmark: null,
    collection: 'cc_service_records',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['occurred_at', 'customer', 'staff', 'department', 'channel', 'summary'], sort: ['-occurred_at'] } },
  },
  {
    id: 900102,
    bookmark: null,
    collection: 'cc_budgets',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['department', 'project', 'period_start', 'period_end', 'amount', 'note'], sort: ['period_start', 'department'] } },
  },
  {
    id: 900103,
    bookmark: null,
    collection: 'cc_sla_breaches',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['case', 'kind', 'state', 'due_at', 'detected_at', 'notified'], sort: ['-detected_at'] } },
  },
  {
    id: 900104,
    bookmark: null,
    collection: 'cc_purchases',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['purchased_on', 'customer', 'product', 'quantity', 'amount', 'contract_no'], sort: ['-purchased_on'] } },
  },
  {
    id: 900105,
    bookmark: null,
    collection: 'cc_workflow_states',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['workflow', 'name_zh', 'owner_department', 'is_initial', 'is_terminal', 'response_sla_hours', 'resolution_sla_hours'], sort: ['workflow', 'sort'] } },
  },
  {
    id: 900106,
    bookmark: null,
    collection: 'cc_workflow_transitions',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['workflow', 'from_state', 'to_state', 'name_zh', 'capability', 'required_fields'], sort: ['workflow', 'sort'] } },
  },
  {
    id: 900107,
    bookmark: null,
    collection: 'cc_transactions',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['occurred_on', 'kind', 'category', 'amount', 'department', 'project'], sort: ['-occurred_on'] } },
  },
];

async function applyPresets(api: AdminApi): Promise<void> {
  for (const preset of [...PRESETS, ...DESK_PRESETS]) {
    const { id, ...rest } = preset;
    await upsertById(api, 'presets', id, { user: null, role: null, filter: null, icon: 'bookmark', color: null, ...rest });
  }
}
