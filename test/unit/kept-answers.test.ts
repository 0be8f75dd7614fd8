import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex, { type Knex } from 'knex';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseState } from '../../src/directus/database-state.ts';
import { AnswerCache } from '../../src/http/answer-cache.ts';
import { asksFresh, diagnosisCacheSeconds, keptAnswer } from '../../src/insights/kept-answers.ts';

/**
 * Answers kept between requests: the cache's own rules (time to live, bounds, one computation per
 * key at a time, failures kept by nobody), and the database state its keys stand on — equal while
 * nothing is committed, different after any commit by this connection, another one or another
 * process, and after a schema change; on SQLite here, on PostgreSQL with CONCORD_TEST_PG_URL.
 */

const sqlite = (filename: string) => knex({ client: 'sqlite3', connection: { filename }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
const opened: Knex[] = [];
const folders: string[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.destroy()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
function track(db: Knex): Knex {
  opened.push(db);
  return db;
}

describe('AnswerCache', () => {
  const clocked = (options: Partial<ConstructorParameters<typeof AnswerCache>[0]> = {}) => {
    let now = 1_000;
    const cache = new AnswerCache({ ttlMs: 60_000, maxEntries: 10, maxBytes: 1_000_000, clock: () => now, ...options });
    return { cache, advance: (ms: number) => (now += ms) };
  };

  it('keeps an answer for its time to live, then computes it again', async () => {
    const { cache, advance } = clocked();
    let computed = 0;
    const compute = async () => ({ n: (computed += 1) });
    expect(await cache.answer('k', compute)).toEqual({ json: '{"n":1}', source: 'computed' });
    advance(59_999);
    expect(await cache.answer('k', compute)).toEqual({ json: '{"n":1}', source: 'hit' });
    advance(1);
    expect(await cache.answer('k', compute)).toEqual({ json: '{"n":2}', source: 'computed' });
    expect(await cache.answer('other', compute)).toEqual({ json: '{"n":3}', source: 'computed' });
  });

  it('computes afresh when asked to, and keeps the new answer', async () => {
    const { cache } = clocked();
    let computed = 0;
    const compute = async () => (computed += 1);
    await cache.answer('k', compute);
    expect(await cache.answer('k', compute, { fresh: true })).toEqual({ json: '2', source: 'computed' });
    expect(await cache.answer('k', compute)).toEqual({ json: '2', source: 'hit' });
  });

  it('lets requests for a key being computed wait for that computation', async () => {
    const { cache } = clocked();
    let computed = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const compute = async () => {
      computed += 1;
      await gate;
      return 'answer';
    };
    const first = cache.answer('k', compute);
    const second = cache.answer('k', compute);
    release();
    expect(await first).toEqual({ json: '"answer"', source: 'computed' });
    expect(await second).toEqual({ json: '"answer"', source: 'shared' });
    expect(computed).toBe(1);
  });

  it('hands a failure to everyone waiting for it and keeps nothing', async () => {
    const { cache } = clocked();
    let attempts = 0;
    const failing = async () => {
      attempts += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw new Error('broken');
    };
    const results = await Promise.allSettled([cache.answer('k', failing), cache.answer('k', failing)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(attempts).toBe(1);
    expect(cache.size.entries).toBe(0);
    expect(await cache.answer('k', async () => 'recovered')).toEqual({ json: '"recovered"', source: 'computed' });
  });

  it('drops the least recently used first, by count and by bytes, and keeps nothing bigger than the bound', async () => {
    const { cache } = clocked({ maxEntries: 2, maxBytes: 200 });
    await cache.answer('a', async () => 'A');
    await cache.answer('b', async () => 'B');
    await cache.answer('a', async () => 'unused'); // a is now the most recent
    await cache.answer('c', async () => 'C');
    expect((await cache.answer('a', async () => 'again')).source).toBe('hit');
    expect((await cache.answer('b', async () => 'B2')).source).toBe('computed');
    expect(cache.size.entries).toBe(2);
    // 'x'.repeat(60) is 62 characters of JSON: 2 × (62 + 1) bytes; two of them do not fit in 200.
    await cache.answer('d', async () => 'x'.repeat(60));
    await cache.answer('e', async () => 'y'.repeat(60));
    expect(cache.size).toEqual({ entries: 1, bytes: 126 });
    expect((await cache.answer('big', async () => 'z'.repeat(200))).source).toBe('computed');
    expect((await cache.answer('big', async () => 'z'.repeat(200))).source).toBe('computed');
    expect(cache.size.bytes).toBeLessThanOrEqual(200);
  });

  it('keeps nothing with a time to live of 0', async () => {
    const { cache } = clocked({ ttlMs: 0 });
    expect(cache.enabled).toBe(false);
    let computed = 0;
    await cache.answer('k', async () => (computed += 1));
    expect(await cache.answer('k', async () => (computed += 1))).toEqual({ json: '2', source: 'computed' });
  });
});

describe('the setting and the request', () => {
  it('reads CONCORD_DIAGNOSIS_CACHE_SECONDS as whole seconds from 0 to 3600, 60 when unset', () => {
    expect(diagnosisCacheSeconds({})).toBe(60);
    expect(diagnosisCacheSeconds({ CONCORD_DIAGNOSIS_CACHE_SECONDS: '0' })).toBe(0);
    expect(diagnosisCacheSeconds({ CONCORD_DIAGNOSIS_CACHE_SECONDS: 300 })).toBe(300);
    for (const bad of ['-1', '1.5', 'soon', '3601']) expect(() => diagnosisCacheSeconds({ CONCORD_DIAGNOSIS_CACHE_SECONDS: bad })).toThrow(/CONCORD_DIAGNOSIS_CACHE_SECONDS must be/);
  });

  it('takes Cache-Control no-cache, no-store, max-age=0 and Pragma no-cache as asking for a fresh answer', () => {
    expect(asksFresh({})).toBe(false);
    expect(asksFresh({ 'cache-control': 'max-age=60' })).toBe(false);
    expect(asksFresh({ 'cache-control': 'No-Cache' })).toBe(true);
    expect(asksFresh({ 'cache-control': 'private, no-store' })).toBe(true);
    expect(asksFresh({ 'cache-control': 'max-age=0' })).toBe(true);
    expect(asksFresh({ pragma: 'no-cache' })).toBe(true);
  });
});

/** The state twice in a row: equal unless something else committed in between (PostgreSQL's autovacuum may), so a few tries. */
async function settledState(db: Knex): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const [a, b] = [await databaseState(db), await databaseState(db)];
    if (a !== null && a === b) return a;
  }
  throw new Error('the database state never held still');
}

describe('databaseState on SQLite', () => {
  it('holds still while only reads happen, and moves with each write, rolled back or not, and each schema change', async () => {
    const db = track(sqlite(':memory:'));
    await db.schema.createTable('t', (t) => t.integer('n'));
    const before = await settledState(db);
    await db('t').select('*');
    expect(await databaseState(db)).toBe(before);
    await db('t').insert({ n: 1 });
    const written = await databaseState(db);
    expect(written).not.toBe(before);
    await db('t').where('n', 2).update({ n: 3 }); // touches no row: nothing changed
    expect(await databaseState(db)).toBe(written);
    await db.transaction(async (trx) => {
      await trx('t').update({ n: 4 });
    });
    const updated = await databaseState(db);
    expect(updated).not.toBe(written);
    await db
      .transaction(async (trx) => {
        await trx('t').insert({ n: 5 });
        throw new Error('undo');
      })
      .catch(() => undefined);
    const rolledBack = await databaseState(db);
    expect(rolledBack).not.toBe(updated); // a change undone still moves it: too new is safe
    await db.schema.alterTable('t', (t) => t.integer('m'));
    expect(await databaseState(db)).not.toBe(rolledBack);
  });

  it('moves when another connection or another process commits, and differs between connections', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'concord-state-'));
    folders.push(folder);
    const file = join(folder, 'state.db');
    const one = track(sqlite(file));
    const two = track(sqlite(file));
    await one.schema.createTable('t', (t) => t.integer('n'));
    const seen = await settledState(one);
    expect(await settledState(two)).not.toBe(seen);
    await two('t').insert({ n: 1 });
    expect(await databaseState(one)).not.toBe(seen);
  });
});

const PG_URL = process.env['CONCORD_TEST_PG_URL'];
describe.runIf(Boolean(PG_URL))('databaseState on PostgreSQL', () => {
  it('is the same for every connection, and moves with a commit by any of them but not with reads', async () => {
    const one = track(knex({ client: 'pg', connection: PG_URL }));
    const two = track(knex({ client: 'pg', connection: PG_URL }));
    const table = `kept_answers_${process.pid}`;
    await one.schema.createTable(table, (t) => t.integer('n'));
    try {
      const seen = await settledState(one);
      expect(seen).toMatch(/^pg:\d+:\d+:/);
      await two(table).select('*');
      await one(table).select('*');
      // Equal from the other connection too (retried: anyone may commit in between on a shared server).
      let same = false;
      for (let attempt = 0; attempt < 5 && !same; attempt += 1) same = (await databaseState(two)) === (await databaseState(one));
      expect(same).toBe(true);
      const beforeCommit = await settledState(one);
      await two(table).insert({ n: 1 });
      expect(await databaseState(one)).not.toBe(beforeCommit);
    } finally {
      await one.schema.dropTableIfExists(table);
    }
  });
});

describe('keptAnswer', () => {
  it('answers from what was kept until the database changes, per caller, and computes when asked to', async () => {
    const db = track(sqlite(':memory:'));
    await db.schema.createTable('t', (t) => t.integer('n'));
    const cache = new AnswerCache({ ttlMs: 60_000, maxEntries: 10, maxBytes: 1_000_000 });
    const count = async () => Number(((await db('t').count({ n: '*' })) as Array<{ n: number }>)[0]?.n);
    const alice = { user: 'alice', role: 'r', admin: false, app: true, ip: '10.0.0.1' } as never;
    const bob = { user: 'bob', role: 'r', admin: false, app: true, ip: '10.0.0.1' } as never;
    const ask = (accountability: never, fresh = false) => keptAnswer(cache, db, { route: 'count', accountability, question: { q: 1 }, fresh }, count);
    expect(await ask(alice)).toEqual({ json: '0', cacheStatus: 'Concord; fwd=miss; stored' });
    expect(await ask(alice)).toEqual({ json: '0', cacheStatus: 'Concord; hit' });
    expect((await ask(bob)).cacheStatus).toBe('Concord; fwd=miss; stored');
    await db('t').insert({ n: 1 });
    expect(await ask(alice)).toEqual({ json: '1', cacheStatus: 'Concord; fwd=miss; stored' });
    expect(await ask(alice, true)).toEqual({ json: '1', cacheStatus: 'Concord; fwd=request; stored' });
    const off = new AnswerCache({ ttlMs: 0, maxEntries: 10, maxBytes: 1_000_000 });
    expect(await keptAnswer(off, db, { route: 'count', accountability: alice, question: null }, count)).toEqual({ json: '1', cacheStatus: 'Concord; fwd=bypass' });
  });
});
