import { upsertById, type AdminApi } from './admin-api.ts';
import { TRANSLATION_STRINGS } from '../src/i18n/strings.ts';
import { stableId } from '../src/access/stable-id.ts';
import { DASHBOARDS, panelId } from '../src/insights/dashboards.ts';

/** Translation strings and presets (bookmarks, default layouts): not carried by schema snapshots. */
export async function applyPresentation(api: AdminApi): Promise<void> {
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
        show_header: true,
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

async function applyTranslationStrings(api: AdminApi): Promise<void> {
  const existing = await api.get<Array<{ id: string; key: string; language: string; value: string }>>('/translations', {
    filter: { key: { _starts_with: 'cc.' } },
    fields: 'id,key,language,value',
    limit: -1,
  });
  const index = new Map(existing.map((row) => [`${row.language}|${row.key}`, row]));
  const create: Array<Record<string, string>> = [];
  for (const [key, values] of Object.entries(TRANSLATION_STRINGS)) {
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
    layout_query: { tabular: { fields: ['id', 'title', 'customer', 'state', 'priority', 'team', 'opened_at'], sort: ['-opened_at'] } },
  },
  {
    id: 900011,
    bookmark: '$t:cc.bookmark.my_department_open_cases',
    collection: 'cc_cases',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['id', 'title', 'customer', 'state', 'priority', 'state_entered_at'], sort: ['state_entered_at'] } },
    filter: { _and: [{ state: { owner_department: { _eq: '$CURRENT_USER.cc_department' } } }, { state: { is_terminal: { _eq: false } } }] },
    icon: 'inbox',
    color: '#2F80ED',
  },
  {
    id: 900012,
    bookmark: '$t:cc.bookmark.my_team_cases',
    collection: 'cc_cases',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['id', 'title', 'customer', 'state', 'priority', 'opened_at'], sort: ['-opened_at'] } },
    filter: { _and: [{ team: { members: { user: { _eq: '$CURRENT_USER' } } } }] },
    icon: 'groups',
    color: '#27AE60',
  },
  {
    id: 900013,
    bookmark: '$t:cc.bookmark.urgent_open_cases',
    collection: 'cc_cases',
    layout: 'tabular',
    layout_query: { tabular: { fields: ['id', 'title', 'customer', 'state', 'team', 'opened_at'], sort: ['opened_at'] } },
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
    id: 900015,
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
];

async function applyPresets(api: AdminApi): Promise<void> {
  for (const preset of PRESETS) {
    const { id, ...rest } = preset;
    await upsertById(api, 'presets', id, { user: null, role: null, filter: null, icon: 'bookmark', color: null, ...rest });
  }
}
