import { describe, expect, it } from 'vitest';
import { teamNameKey } from '../../src/organisation/team-names.ts';

describe('teamNameKey', () => {
  const name = 'Key Accounts 华东 2';

  it.each([
    ['full-width letters, digits and ideographic space', 'Ｋｅｙ\u3000Ａｃｃｏｕｎｔｓ　华东　２'],
    ['a zero-width space', 'Key Acc\u200bounts 华东 2'],
    ['zero-width joiners and a byte-order mark', '\ufeffKey\u200c Accounts\u200d 华东 2\u2060'],
    ['other spacing', '  Key \t Accounts\n华东   2 '],
    ['other letter case', 'KEY accounts 华东 2'],
    ['a non-breaking space', 'Key\u00a0Accounts 华东 2'],
  ])('reads %s as the same name', (_label, copy) => {
    expect(teamNameKey(copy)).toBe(teamNameKey(name));
  });

  it('folds case beyond ASCII (ß, Σ) and composes accents', () => {
    expect(teamNameKey('Straße')).toBe(teamNameKey('STRASSE'));
    expect(teamNameKey('ΣΟΦΙΑ')).toBe(teamNameKey('σοφια'));
    expect(teamNameKey('Cafe\u0301')).toBe(teamNameKey('Café'));
  });

  it('keeps names that differ in what a reader sees apart', () => {
    expect(teamNameKey('Key Accounts 华东 2')).not.toBe(teamNameKey('Key Accounts 华东 3'));
    expect(teamNameKey('Key Accounts')).not.toBe(teamNameKey('KeyAccounts'));
    expect(teamNameKey('华东')).not.toBe(teamNameKey('华南'));
  });
});
