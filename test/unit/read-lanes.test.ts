import type { Knex } from 'knex';
import { describe, expect, it } from 'vitest';
import { inLanes } from '../../src/directus/read-lanes.ts';

/** Read lanes: results in the order asked, at most one query at a time on SQLite and two on PostgreSQL. */

const vendor = (client: string) => ({ client: { config: { client } } }) as unknown as Knex;

function tasks(count: number) {
  let running = 0;
  let most = 0;
  const list = Array.from({ length: count }, (_, i) => async () => {
    running += 1;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, (count - i) % 3));
    running -= 1;
    return i * 10;
  });
  return { list, most: () => most };
}

describe('inLanes', () => {
  it('runs one query at a time on SQLite, in order', async () => {
    const { list, most } = tasks(6);
    expect(await inLanes(vendor('sqlite3'), list)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(most()).toBe(1);
  });

  it('runs two at a time on PostgreSQL and hands the results back in the order asked', async () => {
    const { list, most } = tasks(7);
    expect(await inLanes(vendor('pg'), list)).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(most()).toBe(2);
  });

  it('rejects with the first failure', async () => {
    await expect(inLanes(vendor('pg'), [async () => 1, async () => Promise.reject(new Error('broken')), async () => 3])).rejects.toThrow('broken');
  });
});
