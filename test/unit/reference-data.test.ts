import { describe, it, expect } from 'vitest';
import { DEPARTMENTS } from '../../src/organisation/reference-data.ts';
import { CAPABILITY_CATALOGUE, isCapabilityKey } from '../../src/organisation/capabilities.ts';

const byCode = new Map(DEPARTMENTS.map((d) => [d.code, d]));

describe('DEPARTMENTS', () => {
  it('has six departments with unique codes', () => {
    expect(DEPARTMENTS).toHaveLength(6);
    expect(new Set(DEPARTMENTS.map((d) => d.code)).size).toBe(6);
    expect(DEPARTMENTS.map((d) => d.code).sort()).toEqual(['finance', 'hr', 'marketing', 'sales', 'service', 'tech']);
  });

  it('has unique names in both languages', () => {
    expect(new Set(DEPARTMENTS.map((d) => d.name_zh)).size).toBe(6);
    expect(new Set(DEPARTMENTS.map((d) => d.name_en)).size).toBe(6);
  });

  it('encodes the Table 1 minimums: marketing 2, sales 2, service 2, tech 2, hr 1', () => {
    expect(Object.fromEntries(DEPARTMENTS.map((d) => [d.code, d.minimum]))).toEqual({
      marketing: 2,
      sales: 2,
      service: 2,
      tech: 2,
      hr: 1,
      finance: null,
    });
  });

  it('gives finance no composition rule at all', () => {
    expect(byCode.get('finance')).toMatchObject({ minimum: null, recommended: null });
  });

  it('sets a recommendation exactly when there is a minimum, never below it', () => {
    for (const d of DEPARTMENTS) {
      expect(d.recommended === null, d.code).toBe(d.minimum === null);
      if (d.minimum !== null && d.recommended !== null) expect(d.recommended, d.code).toBeGreaterThanOrEqual(d.minimum);
      if (d.minimum !== null) expect(Number.isInteger(d.minimum) && d.minimum > 0, d.code).toBe(true);
    }
  });

  it('has a valid colour and non-empty duties for every department', () => {
    for (const d of DEPARTMENTS) {
      expect(d.color, d.code).toMatch(/^#[0-9A-Fa-f]{6}$/);
      expect(d.duties.length, d.code).toBeGreaterThan(0);
      for (const [zh, en] of d.duties) {
        expect(zh.trim(), d.code).not.toBe('');
        expect(en.trim(), d.code).not.toBe('');
      }
    }
  });

  it('binds every authority to a well-formed capability key that is in the catalogue', () => {
    const catalogue = new Set(CAPABILITY_CATALOGUE.map((c) => c.key));
    for (const d of DEPARTMENTS) {
      expect(d.authorities.length, d.code).toBeGreaterThan(0);
      for (const [zh, en, capability] of d.authorities) {
        expect(isCapabilityKey(capability), `${d.code}: ${capability}`).toBe(true);
        expect(catalogue.has(capability), `${d.code}: ${capability}`).toBe(true);
        expect(zh.trim()).not.toBe('');
        expect(en.trim()).not.toBe('');
      }
    }
  });

  it('never gives a department the same capability twice', () => {
    for (const d of DEPARTMENTS) {
      const capabilities = d.authorities.map(([, , capability]) => capability);
      expect(new Set(capabilities).size, d.code).toBe(capabilities.length);
    }
  });

  it('holds every catalogue capability in at least one department', () => {
    const held = new Set(DEPARTMENTS.flatMap((d) => d.authorities.map(([, , capability]) => capability)));
    expect(CAPABILITY_CATALOGUE.map((c) => c.key).filter((key) => !held.has(key))).toEqual([]);
  });

  it('puts the capabilities the product checks where Table 2 says', () => {
    const holders = (capability: string) =>
      DEPARTMENTS.filter((d) => d.authorities.some(([, , c]) => c === capability)).map((d) => d.code).sort();
    expect(holders('complaint.handle')).toEqual(['sales', 'service']);
    expect(holders('team.build')).toEqual(['hr']);
    expect(holders('evaluation.publish')).toEqual(['hr']);
    expect(holders('customer.read_contact')).toEqual(['sales', 'service']);
    expect(holders('customer.manage')).toEqual(['sales']);
    expect(holders('budget.manage')).toEqual(['finance']);
  });
});
