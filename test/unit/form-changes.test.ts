import { describe, expect, it } from 'vitest';
import { unsavedChanges } from '../../src/ui/form-changes.ts';

describe('unsavedChanges', () => {
  const stored = { title: '投诉', description: null, priority: 'normal', customer: 7, resolution_note: null };

  it('lists the fields whose form value differs from the stored one', () => {
    expect(unsavedChanges(Object.keys(stored), { ...stored, title: '投诉(已核实)', resolution_note: '已换货' }, stored)).toEqual(['title', 'resolution_note']);
  });

  it('treats empty text as empty, a related object as its key, and numbers as their text', () => {
    expect(unsavedChanges(Object.keys(stored), { ...stored, description: '', customer: { id: 7, name: '甲' } }, stored)).toEqual([]);
    expect(unsavedChanges(['customer'], { customer: '7' }, stored)).toEqual([]);
  });

  it('ignores fields the form does not hold', () => {
    expect(unsavedChanges(['title', 'team'], { title: '投诉' }, stored)).toEqual([]);
  });
});
