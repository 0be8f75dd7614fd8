import type { Knex } from 'knex';
import { isSqlite } from './time.ts';

/**
 * Independent read queries of one answer, run in lanes: one lane on SQLite, which serves a single
 * connection anyway; two on PostgreSQL, whose server runs each connection in a process of its own,
 * so a second core works on the next query while the first one runs. Two, not more: the pool stays
 * free for other requests. Results come back in the order of `tasks`; the first failure rejects.
 */
export async function inLanes<T extends readonly unknown[]>(db: Knex, tasks: { readonly [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  const list = tasks as ReadonlyArray<() => Promise<unknown>>;
  const lanes = Array.from({ length: isSqlite(db) ? 1 : 2 }, () => db);
  return (await acrossLanes(lanes, list.map((task) => () => task()))) as unknown as T;
}

/**
 * Tasks run by `lanes` (each a connection, or anything a task runs on), each lane taking the next
 * task in order as it finishes its last; results in the order of `tasks`, the first failure rejects.
 */
export async function acrossLanes<L, T>(lanes: readonly L[], tasks: ReadonlyArray<(lane: L) => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const run = async (lane: L): Promise<void> => {
    while (next < tasks.length) {
      const at = next;
      next += 1;
      results[at] = await (tasks[at] as (lane: L) => Promise<T>)(lane);
    }
  };
  await Promise.all(lanes.slice(0, Math.max(1, Math.min(lanes.length, tasks.length))).map(run));
  return results;
}
