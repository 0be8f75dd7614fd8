import type { Knex } from 'knex';
import { isSqlite } from './time.ts';

/**
 * Independent read queries of one answer, run in lanes, so a second core works on the next query
 * while the first one runs. Two lanes, not more: the machine this was measured on has two cores, and
 * the pool stays free for other requests.
 *
 * - PostgreSQL runs each connection in a process of its own: both lanes draw on Directus's pool.
 * - SQLite gets one connection from Directus (knex's pool of one), which executes one statement at a
 *   time, every request's in turn. The lanes are two read-only connections of Concord's own to the
 *   same file (`sqliteReader`), so an answer's reads leave Directus's connection to everyone else:
 *   with evaluations running back to back, a read by key waited about 22 ms for it (their
 *   statements ahead of it) when one lane was Directus's connection, 0.2 ms with two readers.
 * - Inside a transaction there is one lane: another connection would not see what the transaction
 *   wrote.
 */
export function readLanes(db: Knex): Knex[] {
  if (db.isTransaction) return [db];
  if (!isSqlite(db)) return [db, db];
  const reader = sqliteReader(db);
  // One knex, a connection per lane from its pool (READER_CONNECTIONS).
  return reader ? [reader, reader] : [db];
}

/**
 * `tasks` in the lanes of `readLanes(db)`, each given the connection of the lane it runs in; results
 * in the order of `tasks`, the first failure rejects. A task that asks Directus's services instead of
 * its lane's connection may run in either lane.
 */
export async function inLanes<T extends readonly unknown[]>(db: Knex, tasks: { readonly [K in keyof T]: LaneTask<Knex, T[K]> }): Promise<T> {
  const list = tasks as ReadonlyArray<LaneTask<Knex, unknown>>;
  // Before anything is awaited (opening SQLite's reader is a statement): a wait that fails meanwhile
  // is handled, not an unhandled rejection (which stops Node).
  for (const task of list) if (typeof task !== 'function') task.after.catch(() => undefined);
  if (isSqlite(db) || db.isTransaction) return (await acrossLanes(await openLanes(db), list)) as unknown as T;
  // PostgreSQL: each task in a read-only transaction of its own with room to group in memory.
  const roomy = <R>(run: (lane: Knex) => Promise<R>) => (lane: Knex) =>
    lane.transaction(async (trx) => {
      await trx.raw(`set local work_mem = '${GROUPING_WORK_MEM}'`);
      return run(trx);
    }, { readOnly: true });
  return (await acrossLanes(readLanes(db), list.map((task) => (typeof task === 'function' ? roomy(task) : { after: task.after, run: roomy(task.run) })))) as unknown as T;
}

/**
 * PostgreSQL's memory for one grouping or sort of a long read (`set local`, so it ends with the
 * transaction). With the default 4 MB, a month's tasks at scale 1000 grouped by person and project
 * spilled to disk (the late-task and load diagnosis 184 → 134 ms with this), as a quarter's handoffs
 * and tasks did for the evaluation at a million events.
 */
export const GROUPING_WORK_MEM = '32MB';

/**
 * `readLanes`, ready: on SQLite, the reader opened and Directus's connection made to wait for its
 * reads (`WRITER_WAIT_MS`), once per Directus knex; a reader that cannot open leaves one lane.
 */
export async function openLanes(db: Knex): Promise<Knex[]> {
  const lanes = readLanes(db);
  if (lanes.length < 2 || !isSqlite(db)) return lanes;
  let opened = readersOpened.get(db.client);
  if (!opened) readersOpened.set(db.client, (opened = openReader(db, lanes[0] as Knex)));
  return (await opened) ? lanes : [db];
}

/**
 * The connection a request's long grouped read should run on: on SQLite a reader, so Directus's one
 * connection serves other requests meanwhile; elsewhere, and inside a transaction, `db` itself.
 */
export async function readConnection(db: Knex): Promise<Knex> {
  return (await openLanes(db))[0] as Knex;
}

async function openReader(db: Knex, reader: Knex): Promise<boolean> {
  // A file the reader cannot open is known within seconds: its pool would go on trying to open a
  // connection for as long as a query may wait for one (READER_ACQUIRE_MS).
  let timer: NodeJS.Timeout | undefined;
  const opened = await Promise.race([
    reader.raw('select 1').then(() => true, () => false),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), OPEN_WAIT_MS))),
  ]).finally(() => clearTimeout(timer));
  if (!opened) {
    // Not to be tried again by every request: one lane from now on.
    withoutReader.add(db.client);
    readers.delete(db.client);
    void reader.destroy().catch(() => undefined);
    return false;
  }
  // Directus's connection as it is now; one its pool makes later gets it as it is created (`sqliteReader`).
  await db.raw(`pragma busy_timeout = ${WRITER_WAIT_MS}`);
  return true;
}

/**
 * A task for a lane: a function of the lane, or one that can only start once `after` has settled
 * (what it is computed from is still being found out), the lanes meanwhile taking the tasks after it.
 */
export type LaneTask<L, T> = ((lane: L) => Promise<T>) | { after: Promise<unknown>; run: (lane: L) => Promise<T> };

/**
 * Tasks run by `lanes` (each a connection, or anything a task runs on), each lane taking, as it
 * finishes its last, the first task in order that may start (waiting for one when none may yet);
 * results in the order of `tasks`, the first failure rejects. A task whose `after` rejects runs
 * anyway, to fail with that rejection where its caller awaits it.
 */
export async function acrossLanes<L, T>(lanes: readonly L[], tasks: ReadonlyArray<LaneTask<L, T>>): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  const taken = tasks.map(() => false);
  const settled = tasks.map((task) => typeof task === 'function');
  // Each `after` gets a handler here, so one that rejects while no lane is waiting for it is never an
  // unhandled rejection (which stops Node).
  const settling = tasks.map((task, at) => (typeof task === 'function' ? Promise.resolve() : task.after.then(() => void (settled[at] = true), () => void (settled[at] = true))));
  // What has already settled is known after this turn of the event loop: the lanes then start with
  // the first task in order, not with the first whose settling they happen to see.
  if (tasks.some((task) => typeof task !== 'function')) await new Promise((resolve) => setImmediate(resolve));
  let left = tasks.length;
  const run = async (lane: L): Promise<void> => {
    while (left > 0) {
      const at = settled.findIndex((ready, i) => ready && !taken[i]);
      if (at === -1) {
        await Promise.race(settling.filter((_, i) => !taken[i] && !settled[i]));
        continue;
      }
      taken[at] = true;
      left -= 1;
      const task = tasks[at] as LaneTask<L, T>;
      results[at] = await (typeof task === 'function' ? task(lane) : task.run(lane));
    }
  };
  await Promise.all(lanes.slice(0, Math.max(1, Math.min(lanes.length, tasks.length))).map(run));
  return results;
}

/**
 * How long Directus's SQLite connection waits for a lock another connection holds, once Concord reads
 * beside it. A read holds the file's shared lock for one statement, and a commit must wait for it
 * (node-sqlite3 gives up after 1 s by default, and the write would fail). A minute is what a query
 * already waits for Directus's one connection behind a long statement (knex's acquire timeout).
 */
export const WRITER_WAIT_MS = 60_000;

/** How long a reader waits for a commit in progress (it holds the file for the commit's writes only). */
const READER_WAIT_MS = 10_000;

/** The reader's connections: one per lane. */
const READER_CONNECTIONS = 2;

/**
 * How long a statement waits for a reader connection: as long as a query waits for Directus's own
 * (knex's acquire timeout). Requests share the two, and at a million events a grouped read takes a
 * few hundred milliseconds, so a dashboard opening beside a diagnosis may queue for a while.
 */
const READER_ACQUIRE_MS = 60_000;

/** How long the first statement may take to show that the file opens. */
const OPEN_WAIT_MS = 5_000;

/** Each Directus knex's reader, by its client (a transaction or a clone has a client of its own). */
const readers = new WeakMap<object, Knex>();
/** Clients whose reader could not open. */
const withoutReader = new WeakSet<object>();
/** Per client, whether its reader opened (asked once). */
const readersOpened = new WeakMap<object, Promise<boolean>>();

/**
 * Read-only connections (`query_only`) to the SQLite file `db` reads, as one knex with a pool of
 * READER_CONNECTIONS, opened when first asked, closed after 30 s unused and when `db` is destroyed.
 * None for a database in memory (another connection would be another, empty database) or named by URI.
 *
 * It is a clone of Directus's knex (`withUserParams`: same dialect, driver and query listeners, so
 * Directus's query log shows its statements) with a pool of its own. Its statements see what was
 * committed when each began: the lanes of one answer do not share a snapshot, as the statements of
 * Directus's one connection did not either (SQLite reads outside a transaction).
 */
export function sqliteReader(db: Knex): Knex | null {
  const filename = (db.client.config?.connection as { filename?: unknown } | undefined)?.filename;
  if (typeof filename !== 'string' || filename === '' || filename === ':memory:' || filename.startsWith('file:')) return null;
  const pool = (db.client as { pool?: { on?(event: string, listener: (...args: never[]) => void): unknown } }).pool;
  if (typeof pool?.on !== 'function') return null;
  const known = readers.get(db.client);
  if (known) return known;
  if (withoutReader.has(db.client)) return null;
  try {
    const reader = cloneWithPoolOfItsOwn(db, filename);
    readers.set(db.client, reader);
    // Closed with Directus's pool (its shutdown, a script's destroy), so nothing keeps a process alive.
    pool.on('poolDestroyRequest', () => {
      readers.delete(db.client);
      void reader.destroy();
    });
    // A connection Directus's pool opens later waits for the reader's statements too.
    pool.on('createSuccess', (_event: number, connection: { run?(sql: string): unknown }) => {
      connection.run?.(`pragma busy_timeout = ${WRITER_WAIT_MS}`);
    });
    return reader;
  } catch {
    // A knex unlike the one this was written against: one lane, as before.
    return null;
  }
}

function cloneWithPoolOfItsOwn(db: Knex, filename: string): Knex {
  const reader = db.withUserParams({ concordReader: true });
  const client = reader.client as Knex.Client & { pool?: unknown; connectionSettings: unknown; initializePool(config: unknown): void };
  client.pool = undefined;
  client.connectionSettings = { filename };
  client.initializePool({
    pool: {
      min: 0,
      max: READER_CONNECTIONS,
      idleTimeoutMillis: 30_000,
      acquireTimeoutMillis: READER_ACQUIRE_MS,
      afterCreate: (connection: { exec(sql: string, done: (error: Error | null) => void): void }, done: (error: Error | null, connection: unknown) => void) => {
        connection.exec(`pragma query_only = 1; pragma busy_timeout = ${READER_WAIT_MS}`, (error) => done(error, connection));
      },
    },
  });
  return reader;
}
