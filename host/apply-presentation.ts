import type { AdminApi } from './admin-api.ts';
import { TRANSLATION_STRINGS } from '../src/i18n/strings.ts';
import { stableId } from '../src/access/stable-id.ts';

/** Translation strings and presets (bookmarks, default layouts): not carried by schema snapshots. */
export async function applyPresentation(api: AdminApi): Promise<void> {
  await applyTranslationStrings(api);
  await applyPresets(api);
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
];

async function applyPresets(api: AdminApi): Promise<void> {
  for (const preset of PRESETS) {
    const body = { user: null, role: null, filter: null, icon: 'bookmark', color: null, ...preset };
    const existing = await api.get<unknown[]>('/presets', { filter: { id: { _eq: preset.id } }, fields: 'id', limit: 1 });
    if (existing.length === 0) await api.post('/presets', body);
    else await api.patch(`/presets/${preset.id}`, body);
  }
}
