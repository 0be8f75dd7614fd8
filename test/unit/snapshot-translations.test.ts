import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SNAPSHOT_FILE } from '../../host/paths.ts';
import '../../src/errors.ts';
import { refusalTitleStrings } from '../../src/i18n/refusals.ts';
import { TRANSLATION_STRINGS } from '../../src/i18n/strings.ts';
import { STUDIO_WORDING } from '../../src/i18n/studio-wording.ts';

interface Translation {
  language: string;
  translation: string;
}
interface Snapshot {
  collections: Array<{ collection: string; meta: { translations: Translation[] | null; hidden: boolean } | null }>;
  fields: Array<{ collection: string; field: string; meta: { translations: Translation[] | null; hidden: boolean; special: string[] | null } | null }>;
}

const raw = readFileSync(SNAPSHOT_FILE, 'utf8');
const snapshot = parse(raw) as Snapshot;
const languages = (translations: Translation[] | null | undefined) => (translations ?? []).map((t) => t.language).sort();

describe('snapshots/schema.yaml speaks Chinese and English', () => {
  it('names every Concord collection in zh-CN and en-US', () => {
    const missing = snapshot.collections
      .filter((c) => c.collection.startsWith('cc_') && !c.meta?.hidden)
      .filter((c) => languages(c.meta?.translations).join() !== 'en-US,zh-CN')
      .map((c) => c.collection);
    expect(missing).toEqual([]);
  });

  it('names every visible Concord field in zh-CN and en-US', () => {
    const missing = snapshot.fields
      .filter((f) => (f.collection.startsWith('cc_') || f.field.startsWith('cc_')) && !f.meta?.hidden)
      .filter((f) => languages(f.meta?.translations).join() !== 'en-US,zh-CN')
      .map((f) => `${f.collection}.${f.field}`);
    expect(missing).toEqual([]);
  });

  it('uses no characters Studio’s message format reads as syntax in its strings', () => {
    // vue-i18n treats { } @ | as placeholders, links and plurals; one such string blanks a whole form.
    const broken = Object.entries(TRANSLATION_STRINGS).flatMap(([key, values]) => Object.values(values).filter((v) => /[{}@|]/.test(v)).map(() => key));
    expect(broken).toEqual([]);
  });

  it('has both translations for every $t: key it uses', () => {
    const keys = [...new Set([...raw.matchAll(/\$t:([a-z0-9_.]+)/g)].map((m) => m[1] as string))];
    expect(keys.length).toBeGreaterThan(50);
    const missing = keys.filter((key) => !TRANSLATION_STRINGS[key]?.['zh-CN'] || !TRANSLATION_STRINGS[key]?.['en-US']);
    expect(missing).toEqual([]);
  });
});

describe('translation strings Studio can read', () => {
  // Studio compiles custom translations as vue-i18n messages: a brace starts an interpolation, and
  // one that does not parse stops Studio translating every field label after it.
  it('contain no braces', () => {
    const all = { ...TRANSLATION_STRINGS, ...refusalTitleStrings(), ...STUDIO_WORDING };
    const braced = Object.entries(all).flatMap(([key, values]) => Object.values(values).filter((value) => /[{}]/.test(value)).map(() => key));
    expect(braced).toEqual([]);
  });
});
