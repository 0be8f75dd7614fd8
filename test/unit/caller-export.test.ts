import { describe, expect, it } from 'vitest';
import { csvHeadings, exportQuery } from '../../src/exports/caller-export.ts';

describe('csvHeadings', () => {
  it('flattens related objects as the formatter does and keeps first-seen order across rows', () => {
    expect(csvHeadings([{ id: 1, customer: { name: 'A', tier: null } }, { id: 2, customer: null, tags: ['x'] }])).toEqual(['id', 'customer.name', 'customer.tier', 'customer', 'tags']);
  });

  it('is empty for no rows', () => {
    expect(csvHeadings([])).toEqual([]);
  });
});

describe('exportQuery', () => {
  it('keeps the reading parts of the query and takes its limit apart', () => {
    expect(exportQuery({ fields: ['id'], filter: { id: { _gt: 1 } }, sort: ['-id'], limit: 10, offset: 5, page: 2, meta: '*' })).toEqual({
      query: { fields: ['id'], filter: { id: { _gt: 1 } }, sort: ['-id'] },
      limit: 10,
    });
  });

  it('reads a missing, negative or malformed limit as everything', () => {
    for (const limit of [undefined, -1, 'lots', 1.5]) expect(exportQuery({ limit }).limit).toBe(-1);
  });
});
