import type { Accountability } from '@directus/types';
import type { NextFunction, Request, Response } from 'express';
import type { Knex } from 'knex';
import '../errors.ts';
import { describeCapability } from '../organisation/capabilities.ts';
import { callerLanguage, languageOf, type Language } from './language.ts';
import { isRefusalCode, renderRefusal, type NameBook } from './refusals.ts';

/**
 * Concord's refusals in the caller's language. Directus renders every API error as
 * `{ message, extensions: { code, …details } }`; for Concord's codes the message is rendered again
 * from the code and its details, in the language of whoever asked. Codes stay as they are, and
 * anything that is not Concord's passes untouched.
 */

export interface ErrorBody {
  message: string;
  extensions?: Record<string, unknown>;
}

const isConcord = (error: unknown) => isRefusalCode((error as ErrorBody | null)?.extensions?.['code']);

export async function localizeErrors<T extends ErrorBody>(db: Knex, user: string | null | undefined, errors: T[]): Promise<T[]> {
  if (!errors.some(isConcord)) return errors;
  try {
    const language = await callerLanguage(db, user);
    const names = await loadNameBook(db, language);
    return errors.map((error) => {
      const code = error.extensions?.['code'];
      if (!isRefusalCode(code)) return error;
      const rendered = renderRefusal(code, error.extensions ?? {}, language, names);
      return rendered ? { ...error, message: rendered.message } : error;
    });
  } catch {
    // Answering in English beats not answering.
    return errors;
  }
}

interface Translation {
  language: string;
  translation: string;
}

function translationIn(raw: unknown, language: Language): string | null {
  let list: unknown = raw;
  if (typeof raw === 'string') {
    try {
      list = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  if (!Array.isArray(list)) return null;
  const match = (list as Translation[]).find((t) => languageOf(t?.language) === language && typeof t.translation === 'string');
  return match?.translation ?? null;
}

/** Department, capability, field and collection names in `language`, as Studio shows them. */
export async function loadNameBook(db: Knex, language: Language): Promise<NameBook> {
  const zh = language === 'zh-CN';
  const [departments, authorities, fields, collections] = await Promise.all([
    db('cc_departments').select('code', 'name_zh', 'name_en') as Promise<Array<{ code: string; name_zh: string; name_en: string | null }>>,
    db('cc_authorities').select('capability', 'title_zh', 'title_en') as Promise<Array<{ capability: string; title_zh: string | null; title_en: string | null }>>,
    db('directus_fields').select('collection', 'field', 'translations').where('collection', 'like', 'cc_%').whereNotNull('translations') as Promise<Array<{ collection: string; field: string; translations: unknown }>>,
    db('directus_collections').select('collection', 'translations').where('collection', 'like', 'cc_%').whereNotNull('translations') as Promise<Array<{ collection: string; translations: unknown }>>,
  ]);
  const departmentNames = new Map(departments.map((d) => [d.code, zh ? d.name_zh : (d.name_en ?? d.name_zh)]));
  const capabilityNames = new Map<string, string>();
  for (const row of authorities) {
    const title = zh ? row.title_zh : (row.title_en ?? row.title_zh);
    if (title && !capabilityNames.has(row.capability)) capabilityNames.set(row.capability, title);
  }
  const fieldNames = new Map(fields.map((f) => [`${f.collection}.${f.field}`, translationIn(f.translations, language)]));
  // A refusal that does not say its collection names a field by its key alone: its label is the
  // one every Concord collection with that key agrees on (else the key stays).
  const byKey = new Map<string, string | null>();
  for (const f of fields) {
    const label = translationIn(f.translations, language);
    if (!label) continue;
    byKey.set(f.field, byKey.has(f.field) && byKey.get(f.field) !== label ? null : label);
  }
  const collectionNames = new Map(collections.map((c) => [c.collection, translationIn(c.translations, language)]));
  return {
    department: (code) => (code ? (departmentNames.get(code) ?? code) : '—'),
    capability: (key) => {
      const known = describeCapability(key);
      return (known ? (zh ? known.zh : known.en) : capabilityNames.get(key)) ?? key;
    },
    field: (collection, field) => fieldNames.get(`${collection}.${field}`) ?? byKey.get(field) ?? field,
    collection: (name) => collectionNames.get(name) ?? name,
  };
}

/**
 * GraphQL answers its errors with status 200 in the response body, past Directus's error handler
 * and its `request.error` filter: this middleware localizes them on the way out.
 */
export function localizeGraphqlErrors(db: Knex) {
  return (req: Request & { accountability?: Accountability | null }, res: Response, next: NextFunction): void => {
    const send = res.json.bind(res);
    res.json = (body: unknown) => {
      const errors = (body as { errors?: unknown } | null)?.errors;
      if (!Array.isArray(errors) || !errors.some(isConcord)) return send(body);
      void localizeErrors(db, req.accountability?.user, errors as ErrorBody[]).then((localized) => send({ ...(body as object), errors: localized }));
      return res;
    };
    next();
  };
}
