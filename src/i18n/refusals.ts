import { createError } from '@directus/errors';
import { describeCapability } from '../organisation/capabilities.ts';
import { LANGUAGES, type Language, type Localized } from './language.ts';

/**
 * Every Concord refusal has a stable code and, per language, a short title (the Studio dialog's
 * heading) and a message that says what happened and what to do. src/errors.ts defines each one
 * with `defineRefusal`; the API answers in the caller's language (see localize-errors.ts), while
 * the error object itself carries the English message for logs.
 */

/** Labels the messages need, in the language being rendered (loaded from the database by the API). */
export interface NameBook {
  department(code: string | null | undefined): string;
  capability(key: string): string;
  field(collection: string, field: string): string;
  collection(name: string): string;
}

export interface RefusalText<Details> {
  title: string;
  message: (details: Details, names: NameBook) => string;
}

export type RefusalTexts<Details> = Localized<RefusalText<Details>>;

type StoredTexts = RefusalTexts<Record<string, unknown>>;
const catalogue = new Map<string, StoredTexts>();

export function defineRefusal<Details extends object>(code: string, status: number, texts: RefusalTexts<Details>) {
  // Stored by code; what comes back to render is the error's own extensions, of this code's shape.
  catalogue.set(code, texts as unknown as StoredTexts);
  return createError<Details>(code, (details) => texts['en-US'].message(details, plainNames('en-US')), status);
}

export function isRefusalCode(code: unknown): code is string {
  return typeof code === 'string' && catalogue.has(code);
}

export function refusalCodes(): string[] {
  return [...catalogue.keys()];
}

export function refusalTexts(code: string): StoredTexts | undefined {
  return catalogue.get(code);
}

/** The refusal in `language`, or null for codes Concord does not define or details it cannot read. */
export function renderRefusal(code: string, details: Record<string, unknown>, language: Language, names: NameBook = plainNames(language)): { title: string; message: string } | null {
  const text = catalogue.get(code)?.[language];
  if (!text) return null;
  try {
    return { title: text.title, message: text.message(details, names) };
  } catch {
    return null;
  }
}

/** Titles as Directus translation strings (`errors.CODE`), which Studio uses to head its error dialogs. */
export function refusalTitleStrings(): Record<string, Localized> {
  return Object.fromEntries(
    [...catalogue].map(([code, texts]) => [`errors.${code}`, Object.fromEntries(LANGUAGES.map((language) => [language, texts[language].title])) as Localized]),
  );
}

/** Names without the database: codes and keys as they are, capabilities from the built-in catalogue. */
export function plainNames(language: Language): NameBook {
  return {
    department: (code) => code ?? '—',
    capability: (key) => {
      const known = describeCapability(key);
      return known ? (language === 'zh-CN' ? known.zh : known.en) : key;
    },
    field: (_collection, field) => field,
    collection: (name) => name,
  };
}

/** A list in the language's own punctuation. */
export function listOf(items: readonly string[], language: Language): string {
  return items.join(language === 'zh-CN' ? '、' : ', ');
}

/** Quotes a name the way each language does. */
export function quoted(text: string, language: Language): string {
  return language === 'zh-CN' ? `「${text}」` : `"${text}"`;
}
