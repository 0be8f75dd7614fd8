import { describe, it, expect } from 'vitest';
import {
  CAPABILITY_CATALOGUE,
  CAPABILITY_PATTERN,
  describeCapability,
  isCapabilityKey,
} from '../../src/organisation/capabilities.ts';

describe('isCapabilityKey', () => {
  it.each(['complaint.handle', 'customer.read_contact', 'a.b', 'a.b.c', 'area2.action_3', 'x_y.z9'])('accepts %j', (key) => {
    expect(isCapabilityKey(key)).toBe(true);
  });

  it.each([
    ['no dot', 'complaint'],
    ['upper case', 'Complaint.handle'],
    ['upper case action', 'complaint.Handle'],
    ['trailing dot', 'complaint.'],
    ['leading dot', '.handle'],
    ['double dot', 'complaint..handle'],
    ['leading digit', '1complaint.handle'],
    ['action starting with a digit', 'complaint.1handle'],
    ['action starting with underscore', 'complaint._handle'],
    ['hyphen', 'complaint.hand-le'],
    ['space', 'complaint. handle'],
    ['leading space', ' complaint.handle'],
    ['trailing space', 'complaint.handle '],
    ['trailing newline', 'complaint.handle\n'],
    ['non-ASCII letters', 'complaint.处理'],
    ['empty string', ''],
  ])('rejects %s', (_label, key) => {
    expect(isCapabilityKey(key)).toBe(false);
  });

  it('accepts 64 characters and rejects 65', () => {
    const key64 = `a.${'b'.repeat(62)}`;
    expect(key64).toHaveLength(64);
    expect(isCapabilityKey(key64)).toBe(true);
    const key65 = `a.${'b'.repeat(63)}`;
    expect(CAPABILITY_PATTERN.test(key65)).toBe(true);
    expect(isCapabilityKey(key65)).toBe(false);
  });

  it.each([null, undefined, 1, true, {}, ['a.b'], { key: 'a.b' }])('rejects the non-string %j', (value) => {
    expect(isCapabilityKey(value)).toBe(false);
  });
});

describe('CAPABILITY_CATALOGUE', () => {
  it('has 22 entries', () => {
    expect(CAPABILITY_CATALOGUE).toHaveLength(22);
  });

  it('has unique keys', () => {
    const keys = CAPABILITY_CATALOGUE.map((c) => c.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('has only keys that pass isCapabilityKey', () => {
    expect(CAPABILITY_CATALOGUE.filter((c) => !isCapabilityKey(c.key))).toEqual([]);
  });

  it('gives every entry non-empty Chinese and English titles', () => {
    for (const c of CAPABILITY_CATALOGUE) {
      expect(c.zh.trim(), c.key).not.toBe('');
      expect(c.en.trim(), c.key).not.toBe('');
    }
  });

  it('has unique Chinese titles', () => {
    const titles = CAPABILITY_CATALOGUE.map((c) => c.zh);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('contains the keys the product checks', () => {
    const keys = CAPABILITY_CATALOGUE.map((c) => c.key);
    for (const key of ['complaint.handle', 'team.build', 'evaluation.publish', 'customer.read_contact', 'budget.manage']) {
      expect(keys).toContain(key);
    }
  });
});

describe('describeCapability', () => {
  it('returns the catalogue entry for a known key', () => {
    expect(describeCapability('complaint.handle')).toEqual({
      key: 'complaint.handle',
      zh: '处理客户投诉',
      en: 'Handle customer complaints',
    });
    expect(describeCapability('team.build')).toEqual({ key: 'team.build', zh: '组建协同团队', en: 'Build cross-department teams' });
  });

  it('returns the very object from the catalogue', () => {
    expect(describeCapability('finance.report')).toBe(CAPABILITY_CATALOGUE.find((c) => c.key === 'finance.report'));
  });

  it('returns undefined for unknown keys, including admin-added ones and near misses', () => {
    expect(describeCapability('custom.approve')).toBeUndefined();
    expect(describeCapability('Complaint.handle')).toBeUndefined();
    expect(describeCapability('complaint.handle ')).toBeUndefined();
    expect(describeCapability('')).toBeUndefined();
  });

  it('finds every catalogue key', () => {
    for (const c of CAPABILITY_CATALOGUE) expect(describeCapability(c.key)).toBe(c);
  });
});
