import { describe, it, expect } from 'vitest';
import { relationKey } from '../../src/directus/relation-key.ts';

describe('relationKey', () => {
  it('returns bare numeric and string keys as they are', () => {
    expect(relationKey(7)).toBe(7);
    expect(relationKey('7')).toBe('7');
    expect(relationKey('marketing')).toBe('marketing');
    expect(relationKey('0b6f1a3e-6f0c-4c3e-9a55-5d1d7e0c1a2b')).toBe('0b6f1a3e-6f0c-4c3e-9a55-5d1d7e0c1a2b');
  });

  it('keeps falsy but valid keys (0 and the empty string)', () => {
    expect(relationKey(0)).toBe(0);
    expect(relationKey('')).toBe('');
  });

  it('reads the id of a nested object', () => {
    expect(relationKey({ id: 3, name: 'Team A' })).toBe(3);
    expect(relationKey({ id: 'u1' })).toBe('u1');
    expect(relationKey({ id: 0 })).toBe(0);
  });

  it('reads the code of a nested department object', () => {
    expect(relationKey({ code: 'sales', name_zh: '销售部' })).toBe('sales');
  });

  it('prefers id over code', () => {
    expect(relationKey({ id: 5, code: 'sales' })).toBe(5);
  });

  it('falls back to code when id is not a key', () => {
    expect(relationKey({ id: null, code: 'hr' })).toBe('hr');
    expect(relationKey({ id: { id: 1 }, code: 'hr' })).toBe('hr');
  });

  it('returns null when there is no key', () => {
    expect(relationKey(null)).toBeNull();
    expect(relationKey(undefined)).toBeNull();
    expect(relationKey(true)).toBeNull();
    expect(relationKey({})).toBeNull();
    expect(relationKey({ name: 'x' })).toBeNull();
    expect(relationKey({ id: null })).toBeNull();
    expect(relationKey({ id: undefined, code: null })).toBeNull();
  });

  it('does not descend into nested objects', () => {
    expect(relationKey({ id: { id: 1 } })).toBeNull();
  });

  it('returns null for arrays (a relation list is not a single key)', () => {
    expect(relationKey([1, 2])).toBeNull();
    expect(relationKey([])).toBeNull();
  });

  it('returns null for non-key primitives', () => {
    expect(relationKey(10n)).toBeNull();
    expect(relationKey(Symbol('x'))).toBeNull();
  });
});
