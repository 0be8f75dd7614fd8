import type { Knex } from 'knex';
import { CAPABILITY_CATALOGUE } from './capabilities.ts';

export interface CapabilityEntry {
  key: string;
  zh: string | null;
  en: string | null;
  /** Departments holding it now, from the live matrix. */
  departments: string[];
}

/** The known catalogue merged with every key admins have put into the matrix themselves. */
export async function listCapabilities(db: Knex): Promise<CapabilityEntry[]> {
  const rows: Array<{ capability: string; department: string; title_zh: string | null; title_en: string | null }> = await db(
    'cc_authorities',
  )
    .select('capability', 'department', 'title_zh', 'title_en')
    .orderBy(['capability', 'department']);
  const entries = new Map<string, CapabilityEntry>(
    CAPABILITY_CATALOGUE.map((c) => [c.key, { key: c.key, zh: c.zh, en: c.en, departments: [] }]),
  );
  for (const row of rows) {
    const entry = entries.get(row.capability) ?? { key: row.capability, zh: row.title_zh, en: row.title_en, departments: [] };
    if (!entry.departments.includes(row.department)) entry.departments.push(row.department);
    entries.set(row.capability, entry);
  }
  return [...entries.values()].sort((a, b) => a.key.localeCompare(b.key));
}
