import type { Knex } from 'knex';
import { describe, expect, it } from 'vitest';
import { acrossLanes, inLanes } from '../../src/directus/read-lanes.ts';

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

describe('acrossLanes', () => {
  it('hands each task the lane that runs it, each lane taking the next task as it finishes, results in order', async () => {
    const ran: Array<[string, number]> = [];
    const durations = [30, 5, 5, 5, 5];
    const tasks = durations.map((ms, i) => async (lane: string) => {
      ran.push([lane, i]);
      await new Promise((resolve) => setTimeout(resolve, ms));
      return `${i}@${lane}`;
    });
    const results = await acrossLanes(['a', 'b'], tasks);
    expect(results).toEqual(['0@a', '1@b', '2@b', '3@b', '4@b']);
    expect(ran.map(([lane]) => lane)).toEqual(['a', 'b', 'b', 'b', 'b']);
  });

  it('runs everything on one lane in order, and rejects with the first failure', async () => {
    expect(await acrossLanes(['only'], [async (l: string) => `${l}1`, async (l: string) => `${l}2`])).toEqual(['only1', 'only2']);
    await expect(acrossLanes(['a', 'b'], [async () => 1, async () => Promise.reject(new Error('broken'))])).rejects.toThrow('broken');
  });
});
