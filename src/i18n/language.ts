import type { Knex } from 'knex';

/**
 * The two languages Concord speaks. A person's language is their Studio language
 * (`directus_users.language`); without one, the project's default language (zh-CN, applied by the
 * presentation step); anything that is not Chinese is answered in English.
 */
export const LANGUAGES = ['zh-CN', 'en-US'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The same text in each language, e.g. `{ 'zh-CN': '事项编号须为正整数', 'en-US': 'a case id is a positive whole number' }`. */
export type Localized<T = string> = Record<Language, T>;

export const DEFAULT_LANGUAGE: Language = 'zh-CN';

export function languageOf(value: unknown): Language | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  return value.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en-US';
}

export async function projectLanguage(db: Knex): Promise<Language> {
  const settings = await db('directus_settings').first('default_language');
  return languageOf(settings?.default_language) ?? DEFAULT_LANGUAGE;
}

/** Each user's language, falling back to the project's; unknown ids get the project's too. */
export async function languagesOfUsers(db: Knex, users: readonly string[]): Promise<Map<string, Language>> {
  const fallback = await projectLanguage(db);
  const unique = [...new Set(users)];
  const rows: Array<{ id: string; language: string | null }> = unique.length === 0 ? [] : await db('directus_users').select('id', 'language').whereIn('id', unique);
  const chosen = new Map(rows.map((row) => [row.id, languageOf(row.language)]));
  return new Map(unique.map((id) => [id, chosen.get(id) ?? fallback]));
}

/** The language of whoever made a request: their own, else the project's (also for anonymous callers). */
export async function callerLanguage(db: Knex, user: string | null | undefined): Promise<Language> {
  if (!user) return projectLanguage(db);
  return (await languagesOfUsers(db, [user])).get(user) ?? DEFAULT_LANGUAGE;
}
