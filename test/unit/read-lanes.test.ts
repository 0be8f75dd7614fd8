import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex, { type Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acrossLanes, inLanes, openLanes, readConnection, readLanes, sqliteReader, WRITER_WAIT_MS } from '../../src/directus/read-lanes.ts';

/** Read lanes: results in the order asked, at most one query at a time on one SQLite connection and two on PostgreSQL. */

/** What a stand-in connection was asked: each transaction's options and the statements run in it. */
const asked: Array<{ options: unknown; statements: string[] }> = [];

/** A stand-in for a knex of `client` whose transactions record what they were asked. */
const vendor = (client: string) =>
  ({
    client: { config: { client } },
    isTransaction: false,
    transaction: async (run: (trx: Knex) => Promise<unknown>, options: unknown) => {
      const seen = { options, statements: [] as string[] };
      asked.push(seen);
      return run({ raw: async (sql: string) => void seen.statements.push(sql) } as unknown as Knex);
    },
  }) as unknown as Knex;

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
  it('runs one query at a time on a SQLite connection with no file of its own (no second connection), in order', async () => {
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

  it('runs each task on PostgreSQL in a read-only transaction of its own that first gives grouping room in memory', async () => {
    asked.length = 0;
    const lanes: unknown[] = [];
    await inLanes(vendor('pg'), [async (lane) => void lanes.push(lane), { after: Promise.resolve(), run: async (lane) => void lanes.push(lane) }]);
    expect(asked).toEqual([
      { options: { readOnly: true }, statements: ["set local work_mem = '32MB'"] },
      { options: { readOnly: true }, statements: ["set local work_mem = '32MB'"] },
    ]);
    // The task is handed the transaction, not the pool.
    expect(lanes.every((lane) => typeof (lane as { raw?: unknown }).raw === 'function' && (lane as { transaction?: unknown }).transaction === undefined)).toBe(true);
    asked.length = 0;
    await inLanes(vendor('sqlite3'), [async () => 1]);
    expect(asked).toEqual([]);
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

  it('starts a task only once what it waits for is in, the lanes taking later tasks meanwhile', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const ran: string[] = [];
    const task = (name: string, ms: number) => async (lane: string) => {
      ran.push(`${name}@${lane}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      if (name === 'c') release();
      return name;
    };
    // a waits for the gate, which only c (the last task) opens: in order, a would hold a lane and
    // never start, and c would never run on one lane.
    const results = await acrossLanes(['x'], [{ after: gate, run: task('a', 1) }, task('b', 1), task('c', 1)]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(ran).toEqual(['b@x', 'c@x', 'a@x']);
    // The first in order of those that may start is taken first.
    const order: string[] = [];
    await acrossLanes(['x'], [{ after: Promise.resolve(), run: async () => void order.push('first') }, async () => void order.push('second')]);
    expect(order).toEqual(['first', 'second']);
  });

  it("fails with a task's failed wait where the caller awaits it, and a wait that fails when nothing awaits it any more is handled", async () => {
    const failed = Promise.reject(new Error('no answer'));
    await expect(acrossLanes(['x', 'y'], [{ after: failed, run: async () => failed }, async () => 2])).rejects.toThrow('no answer');
    // One lane: the first task fails, the second is never run, and its wait fails later. Vitest
    // reports an unhandled rejection as an error of this file.
    let fail!: (error: Error) => void;
    const late = new Promise((_, reject) => (fail = reject));
    await expect(acrossLanes(['x'], [async () => Promise.reject(new Error('first')), { after: late, run: async () => late }])).rejects.toThrow('first');
    fail(new Error('late'));
    await new Promise((resolve) => setTimeout(resolve, 10));
  });

  it('runs everything on one lane in order, and rejects with the first failure', async () => {
    expect(await acrossLanes(['only'], [async (l: string) => `${l}1`, async (l: string) => `${l}2`])).toEqual(['only1', 'only2']);
    await expect(acrossLanes(['a', 'b'], [async () => 1, async () => Promise.reject(new Error('broken'))])).rejects.toThrow('broken');
  });
});

/**
 * The lanes of one answer on SQLite: two read-only connections of Concord's own to the same file,
 * beside Directus's one connection. The database is a file, as Directus's is; a pool of one, as knex
 * gives Directus on SQLite.
 */
describe('read lanes on a SQLite file', () => {
  let dir: string;
  let db: Knex;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'concord-lanes-'));
    db = knex({ client: 'sqlite3', connection: { filename: join(dir, 'data.db') }, useNullAsDefault: true });
    await db.schema.createTable('things', (t) => {
      t.increments('id');
      t.string('name');
    });
    await db('things').insert([{ name: 'a' }, { name: 'b' }]);
  });

  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const queryOnly = async (lane: Knex) => Number(((await lane.raw('pragma query_only')) as Array<{ query_only: number }>)[0]?.query_only);

  it('are read-only connections of their own, not Directus’s, which see what was committed', async () => {
    const lanes = readLanes(db);
    expect(lanes).toHaveLength(2);
    expect(lanes).not.toContain(db);
    expect(lanes[0]).toBe(sqliteReader(db));
    expect(lanes[1]).toBe(lanes[0]);
    expect(await queryOnly(db)).toBe(0);
    expect(await queryOnly(lanes[0] as Knex)).toBe(1);
    await expect((lanes[0] as Knex)('things').insert({ name: 'c' })).rejects.toThrow(/readonly|query_only/i);
    await db('things').insert({ name: 'd' });
    expect(await (lanes[1] as Knex)('things').pluck('name')).toEqual(['a', 'b', 'd']);
  });

  it('give a request’s long read a reader, and a transaction itself', async () => {
    expect(await readConnection(db)).toBe(sqliteReader(db));
    await db.transaction(async (trx) => {
      expect(await readConnection(trx)).toBe(trx);
    });
  });

  it('are one inside a transaction, whose writes another connection could not see', async () => {
    await db.transaction(async (trx) => {
      expect(readLanes(trx)).toEqual([trx]);
    });
  });

  it('handle a wait that fails while the reader is still being opened (Vitest reports an unhandled rejection as an error)', async () => {
    // The first inLanes on a file opens its reader (a real statement): the wait fails meanwhile.
    const failed = Promise.reject(new Error('no answer'));
    await expect(inLanes(db, [{ after: failed, run: async () => failed }, async () => 2] as const)).rejects.toThrow('no answer');
  });

  it('give each task its lane, and the results in the order of the tasks', async () => {
    const seen = await inLanes(db, [async (lane) => queryOnly(lane), async (lane) => queryOnly(lane), async () => 'no connection'] as const);
    expect(seen.slice(0, 2)).toEqual([1, 1]);
    expect(seen[2]).toBe('no connection');
  });

  // A read holds the file's shared lock for its statement, and a commit on Directus's connection has
  // to wait for it: how long it may wait decides whether the write goes through or fails.
  // `then` starts it now (a knex query runs when awaited).
  const longRead = (lane: Knex): Promise<unknown> =>
    lane.raw('with recursive r(n) as (select 1 union all select n + 1 from r where n < 4000000) select count(*) as n from r, (select count(*) from things) t').then((rows: unknown) => rows);
  const commitDuring = async (read: Promise<unknown>) => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    try {
      await db.transaction(async (trx) => {
        await trx('things').insert({ name: 'during' });
      });
      return 'committed';
    } catch (error) {
      return String((error as { code?: unknown }).code ?? error);
    } finally {
      await read;
    }
  };

  it('make Directus’s connection wait for the second lane’s statement rather than fail its commit', async () => {
    const [, reader] = await openLanes(db);
    expect(Number(((await db.raw('pragma busy_timeout')) as Array<{ timeout: number }>)[0]?.timeout)).toBe(WRITER_WAIT_MS);
    expect(await commitDuring(longRead(reader as Knex))).toBe('committed');
    expect(await db('things').where('name', 'during').pluck('name')).toEqual(['during']);
  });

  it('make a connection Directus’s pool opens later wait as well', async () => {
    await openLanes(db);
    // Knex drops a connection it marked as broken and opens another on the next query.
    const client = db.client as { acquireConnection(): Promise<{ __knex__disposed?: string }>; releaseConnection(c: unknown): Promise<void> };
    const connection = await client.acquireConnection();
    connection.__knex__disposed = 'dropped by the test';
    await client.releaseConnection(connection);
    const timeout = async () => Number(((await db.raw('pragma busy_timeout')) as Array<{ timeout: number }>)[0]?.timeout);
    await timeout();
    expect(await timeout()).toBe(WRITER_WAIT_MS);
    expect(await commitDuring(longRead(readLanes(db)[1] as Knex))).toBe('committed');
  });

  it('run two statements at once and leave Directus’s connection free meanwhile', async () => {
    const lanes = await openLanes(db);
    const reader = lanes[0] as Knex;
    let running = 0;
    let most = 0;
    reader.on('query', () => (most = Math.max(most, (running += 1))));
    reader.on('query-response', () => (running -= 1));
    const finished: string[] = [];
    const reads = lanes.map((lane, i) => longRead(lane).then(() => finished.push(`lane ${i}`)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Directus's one connection answers while both lanes read (a lane of its own made it wait).
    await db('things').count().then(() => finished.push('directus'));
    await Promise.all(reads);
    expect(finished[0]).toBe('directus');
    // Two statements at once, each on a connection of its own.
    expect(most).toBe(2);
  });

  it('would fail that commit with a short wait (why openLanes sets it)', async () => {
    const reader = sqliteReader(db) as Knex;
    await db.raw('pragma busy_timeout = 20');
    expect(await commitDuring(longRead(reader))).toBe('SQLITE_BUSY');
  });

  it('are one when the reader cannot open the file, from then on', async () => {
    await db('things').count();
    // Directus's connection keeps its open file; a new connection finds a folder in its place.
    renameSync(join(dir, 'data.db'), join(dir, 'moved.db'));
    mkdirSync(join(dir, 'data.db'));
    const started = Date.now();
    expect(await openLanes(db)).toEqual([db]);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(readLanes(db)).toEqual([db]);
    expect(await db('things').pluck('name')).toEqual(['a', 'b']);
  });

  it('close the reader with Directus’s pool', async () => {
    const reader = sqliteReader(db) as Knex;
    await reader.raw('select 1');
    await db.destroy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((reader.client as { pool?: unknown }).pool).toBeUndefined();
    db = knex({ client: 'sqlite3', connection: { filename: join(dir, 'data.db') }, useNullAsDefault: true });
    expect(sqliteReader(db)).not.toBe(reader);
  });
});

describe('read lanes elsewhere', () => {
  it('are one for a database in memory, where a second connection would open another database', async () => {
    const db = knex({ client: 'sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    try {
      expect(readLanes(db)).toEqual([db]);
      expect(await openLanes(db)).toEqual([db]);
    } finally {
      await db.destroy();
    }
  });

  it('are two from the pool on PostgreSQL', () => {
    const db = knex({ client: 'pg', connection: 'postgres://nobody@127.0.0.1:1/none', pool: { min: 0, max: 2 } });
    try {
      expect(readLanes(db)).toEqual([db, db]);
    } finally {
      void db.destroy();
    }
  });
});
