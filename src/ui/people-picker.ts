/**
 * The pure part of Concord's people picker (the `people` option of cc-local-m2o): how a person is
 * named in the reader's language, and which users a search offers.
 */

type Filter = Record<string, unknown>;

export interface PickerPerson {
  first_name: string | null;
  last_name: string | null;
}

/** Han, kana and hangul: a name written in them keeps its family name first, without a space. */
const EAST_ASIAN = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/u;

/**
 * A person's full name in one piece: family name first without a space in Chinese (陈静); in
 * English "Jing Chen" — except a name written in Chinese characters, which stays 陈静 in any language.
 */
export function personNameIn(person: PickerPerson, language: 'zh-CN' | 'en-US'): string {
  const first = (person.first_name ?? '').trim();
  const last = (person.last_name ?? '').trim();
  if (language === 'zh-CN' || EAST_ASIAN.test(first) || EAST_ASIAN.test(last)) return `${last}${first}`;
  return [first, last].filter(Boolean).join(' ');
}

/** At most this many words of a search, each cut to this length: a search is a few words, not a payload. */
const MAX_WORDS = 6;
const MAX_WORD_LENGTH = 64;

/**
 * One word of a search matches a person when it appears in their given name, family name, e-mail or
 * department's name, or runs across the family/given boundary of the full name as written in
 * Chinese (陈静 = 陈 + 静: a family name ending in 陈 and a given name starting with 静).
 */
function wordFilter(word: string): Filter {
  const alternatives: Filter[] = [
    { first_name: { _icontains: word } },
    { last_name: { _icontains: word } },
    { email: { _icontains: word } },
    { cc_department: { name_zh: { _icontains: word } } },
    { cc_department: { name_en: { _icontains: word } } },
  ];
  const chars = [...word];
  for (let cut = 1; cut < chars.length; cut += 1) {
    alternatives.push({ _and: [{ last_name: { _iends_with: chars.slice(0, cut).join('') } }, { first_name: { _istarts_with: chars.slice(cut).join('') } }] });
  }
  return { _or: alternatives };
}

/** The words of a search, trimmed and bounded. */
export function searchWords(search: string | null | undefined): string[] {
  return (search ?? '')
    .split(/\s+/u)
    .map((word) => [...word].slice(0, MAX_WORD_LENGTH).join(''))
    .filter((word) => word.length > 0)
    .slice(0, MAX_WORDS);
}

/**
 * The filter of the picker's request to /users: people with a department (never the admin or the
 * configuration user, who have none), not suspended or archived, within the field's own filter if
 * the admin set one, and matching every word of the search.
 */
export function peopleFilter(search: string | null | undefined, configured?: Filter | null): Filter {
  const parts: Filter[] = [{ cc_department: { _nnull: true } }, { status: { _nin: ['suspended', 'archived'] } }];
  if (configured && typeof configured === 'object' && Object.keys(configured).length > 0) parts.push(configured);
  for (const word of searchWords(search)) parts.push(wordFilter(word));
  return { _and: parts };
}
