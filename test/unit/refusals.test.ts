import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../host/paths.ts';
import { CompositionBelowMinimumError, InvalidPayloadError, MissingFieldsError } from '../../src/errors.ts';
import { languageOf } from '../../src/i18n/language.ts';
import { refusalTexts, refusalTitleStrings, renderRefusal, type NameBook } from '../../src/i18n/refusals.ts';

/** Every code src/errors.ts defines, however it is written: the first argument of a call, in capitals. */
function codesDefinedInErrorsFile(): string[] {
  const source = readFileSync(join(ROOT, 'src', 'errors.ts'), 'utf8');
  return [...new Set([...source.matchAll(/\(\s*['"]([A-Z][A-Z0-9_]+)['"]\s*,/g)].map((m) => m[1] as string))];
}

const names: NameBook = {
  department: (code) => ({ tech: '技术部', hr: '人力资源部' })[code ?? ''] ?? String(code),
  capability: (key) => key,
  field: (_collection, field) => ({ resolution_note: '解决说明', description: '问题描述' })[field] ?? field,
  collection: (name) => name,
};

describe('every refusal speaks both languages', () => {
  const codes = codesDefinedInErrorsFile();

  it('finds the codes src/errors.ts defines', () => {
    expect(codes.length).toBeGreaterThan(20);
    expect(codes).toContain('COMPOSITION_BELOW_MINIMUM');
  });

  it.each(codes)('%s has a zh-CN and an en-US title and message (define it with defineRefusal in src/errors.ts)', (code) => {
    const texts = refusalTexts(code);
    expect(texts, `${code} is not defined with both languages`).toBeDefined();
    for (const language of ['zh-CN', 'en-US'] as const) {
      expect(texts?.[language]?.title.trim().length, `${code} ${language} title`).toBeGreaterThan(0);
      expect(typeof texts?.[language]?.message, `${code} ${language} message`).toBe('function');
    }
  });

  it('gives Studio a title string per code and language', () => {
    const strings = refusalTitleStrings();
    for (const code of codes) expect(strings[`errors.${code}`]).toEqual({ 'zh-CN': expect.any(String), 'en-US': expect.any(String) });
  });
});

describe('rendering a refusal', () => {
  const gaps = [
    { department: 'tech', name_zh: '技术部', name_en: 'Technology', minimum: 2, recommended: 2, members: 1, shortfall: 1, belowRecommended: 1 },
    { department: 'hr', name_zh: '人力资源部', name_en: 'Human resources', minimum: 1, recommended: 1, members: 0, shortfall: 1, belowRecommended: 1 },
  ];

  it('says the whole sentence in Chinese, with what to do, and no code in the text', () => {
    const error = new CompositionBelowMinimumError({ team: '华东团队', gaps });
    const zh = renderRefusal(error.code, error.extensions as unknown as Record<string, unknown>, 'zh-CN', names);
    expect(zh?.title).toBe('团队人数未达组建要求');
    expect(zh?.message).toBe('团队「华东团队」还不能启用:技术部现有 1 人,最少需要 2 人;人力资源部现有 0 人,最少需要 1 人。请先从这些部门补充成员,或让团队保持“组建中”。');
    expect(zh?.message).not.toMatch(/[A-Z_]{6,}/);
  });

  it('keeps the English message on the error itself, for logs and callers without a language', () => {
    const error = new CompositionBelowMinimumError({ team: 'East', gaps });
    expect(error.message).toContain('Technology has 1 of the minimum 2 representatives; Human resources has 0 of the minimum 1');
    expect(error.message).toContain('keep the team forming');
  });

  it('names fields by their labels in the reader language', () => {
    const error = new MissingFieldsError({ case: 9, fields: ['resolution_note'] });
    expect(renderRefusal(error.code, error.extensions as unknown as Record<string, unknown>, 'zh-CN', names)?.message).toBe('执行此转换前请先填写:「解决说明」。');
  });

  it('uses the reason given in each language', () => {
    const error = new InvalidPayloadError({ field: 'status', reason: { 'zh-CN': '请用 forming', 'en-US': 'use forming' } });
    expect(renderRefusal(error.code, error.extensions as unknown as Record<string, unknown>, 'zh-CN')?.message).toBe('「status」的值无效:请用 forming。');
    expect(error.message).toBe('Invalid value for "status": use forming.');
  });

  it('renders nothing for codes that are not Concord’s, or details it cannot read', () => {
    expect(renderRefusal('FORBIDDEN', {}, 'zh-CN')).toBeNull();
    expect(renderRefusal('COMPOSITION_BELOW_MINIMUM', { team: 'x' }, 'zh-CN')).toBeNull();
  });
});

describe('languages', () => {
  it('reads Directus language codes as Chinese or English', () => {
    expect(languageOf('zh-CN')).toBe('zh-CN');
    expect(languageOf('zh-TW')).toBe('zh-CN');
    expect(languageOf('en-US')).toBe('en-US');
    expect(languageOf('de-DE')).toBe('en-US');
    expect(languageOf(null)).toBeNull();
    expect(languageOf('')).toBeNull();
  });
});
