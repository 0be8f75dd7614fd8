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
  const results: unknown[] = new Array(list.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < list.length) {
      const at = next;
      next += 1;
      results[at] = await (list[at] as () => Promise<unknown>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(isSqlite(db) ? 1 : 2, list.length) }, lane));
  return results as unknown as T;
}
