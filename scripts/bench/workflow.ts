/**
 * `npm run bench -- workflow`: the cost of enforcing the workflow, measured on this machine in one run.
 * Boots a throw-away Concord (demo company at scale 1) and, beside it, a plain Directus of the same
 * version on the same database vendor with Concord's schema and none of its extensions
 * (scripts/bench/plain-directus.ts). Then, in `--rounds` rounds (default 3), times as a real
 * service-department user case transitions through the endpoint and through PATCH and plain item
 * updates of the same cases, and on the plain Directus the same plain PATCH updates, as a user under
 * the same row rule, with the same concurrency. Every Concord path ÷ its round's baseline is
 * Concord's tax on a Directus write; the median over the rounds is printed with each round's own.
 * Prints operations per second, the Directus process's CPU time per request (steadier than the wall
 * clock on a shared machine; PostgreSQL's own work is not in it), and the ratios of both. Options:
 * --cases N (default 300), --concurrency C (default 4), --rounds R, --profile PREFIX (a CPU profile of
 * Concord's Directus process over each timed path of the first round, printed and written to
 * PREFIX-<path>.cpuprofile; see profile.ts), --sql (both servers log their SQL; after the rounds,
 * one more request of each path is sent alone and the statements it ran are listed in order,
 * Concord's and plain Directus's; logging slows every statement, so the rates of a --sql run are not
 * comparable with those of a run without it). With DB_CLIENT=pg it runs on a throw-away PostgreSQL
 * server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { bootConcord } from '../../host/boot.ts';
import { freePort } from '../../host/directus.ts';
import { resolveSettings } from '../../host/env.ts';
import { connectDatabase } from '../../host/database.ts';
import { benchDatabase, VENDOR_NAMES } from './database.ts';
import { cpuMs, loggedStatements, login } from './measure.ts';
import { bootPlainDirectus, type PlainDirectus } from './plain-directus.ts';
import { connectProfiler, inspectOptions, type Profiler } from './profile.ts';

const { values } = parseArgs({
  options: { cases: { type: 'string', default: '300' }, concurrency: { type: 'string', default: '4' }, rounds: { type: 'string', default: '3' }, profile: { type: 'string' }, sql: { type: 'boolean', default: false } },
});
const SQL = values.sql;
const SQL_LOG = { LOG_LEVEL: 'trace', LOG_STYLE: 'raw' };
const CASES = Number(values.cases);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Math.max(1, Math.floor(Number(values.rounds)) || 1);

async function main(): Promise<void> {
  const inspectPort = values.profile ? await freePort() : null;
  const dataDir = mkdtempSync(join(tmpdir(), 'concord-bench-'));
  const database = await benchDatabase();
  const settings = resolveSettings(
    {
      ...database.env,
      PATH: process.env['PATH'] ?? '',
      KEY: randomBytes(16).toString('hex'),
      SECRET: randomBytes(32).toString('hex'),
      ADMIN_TOKEN: randomBytes(24).toString('hex'),
      PORT: String(await freePort()),
      LOG_LEVEL: 'error',
      RATE_LIMITER_ENABLED: 'false',
      ...(SQL ? SQL_LOG : {}),
      CONCORD_SLA_ENABLED: 'false',
      // Sampling slows the event loop; Directus's pressure limiter would then answer 503.
      ...(inspectPort ? { NODE_OPTIONS: inspectOptions(inspectPort), PRESSURE_LIMITER_ENABLED: 'false' } : {}),
    },
    { dataDir },
  );
  const { server } = await bootConcord(settings).catch(async (error: unknown) => {
    await database.stop();
    throw error;
  });
  let plainDirectus: PlainDirectus | null = null;
  try {
    const concord = await prepareConcord(server, settings.staffPassword);
    // The baseline's cc_cases holds as many rows as Concord's does (the demo company's cases besides the measured ones).
    const db = connectDatabase(settings.directus);
    const total = await db('cc_cases')
      .count({ n: '*' })
      .first()
      .then((row) => Number((row as { n: number | string }).n))
      .finally(() => db.destroy());
    const filler = total - concord.created;
    // Both servers run at once and are timed in alternating rounds, so each round's baseline is
    // measured minutes, not a quarter of an hour, from Concord's paths: on a shared machine the speed
    // drifts within a run, and a ratio of two moments far apart measured the drift.
    plainDirectus = await bootPlainDirectus(mkdtempSync(join(tmpdir(), 'concord-bench-plain-')), await database.another('plain'), concord.created + (SQL ? 1 : 0), filler, SQL ? SQL_LOG : {});
    const plain = plainDirectus;
    const call = caller(plain.url, plain.token);
    const measured = SQL ? plain.cases.slice(0, -1) : plain.cases;
    // Warmed up as Concord is by the cases it created: one untimed pass.
    await timed(measured, (id) => call('PATCH', `/items/cc_cases/${id}?fields=id`, { description: 'warm-up' }));
    const profiler = inspectPort && values.profile ? await connectProfiler(inspectPort, values.profile) : null;
    const rounds: Round[] = [];
    try {
      for (let round = 0; round < ROUNDS; round += 1) {
        // Only the first round is profiled: a profile per path is enough, and sampling slows the rest.
        const paths = await timeConcord(concord, round, round === 0 ? profiler : null);
        const ofRound = measured.slice(round * 2 * CASES, (round + 1) * 2 * CASES);
        const baseline = await timed(ofRound, (id) => call('PATCH', `/items/cc_cases/${id}?fields=id`, { priority: 'high' }), plain.pid);
        rounds.push({ ...paths, baseline });
      }
    } finally {
      profiler?.close();
    }
    if (SQL) {
      await listConcordSql(server, concord);
      const last = plain.cases.at(-1) as number;
      await call('PATCH', `/items/cc_cases/${last}?fields=id`, { description: 'warm-up' });
      sqlListings.push(await sqlOf(plain, 'plain Directus: PATCH /items/cc_cases/:id {priority}', () => call('PATCH', `/items/cc_cases/${last}?fields=id`, { priority: 'high' })));
    }
    report(database.vendor, total, rounds);
  } finally {
    await plainDirectus?.stop();
    await server.stop();
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One round: Concord's three paths and the baseline, timed one after the other. */
interface Round {
  endpoint: Rate;
  patchTransition: Rate;
  plain: Rate;
  baseline: Rate;
}

/** The middle value (the mean of the two middle ones for an even count). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Prints each path's median rate and CPU time over the rounds, and each ratio as the median of the
 * rounds' ratios (each round's paths against that round's baseline), with every round's own.
 */
function report(vendor: keyof typeof VENDOR_NAMES, total: number, rounds: readonly Round[]): void {
  const line = (label: string, value: string) => console.log(`  ${label.padEnd(60)}${value}`);
  const rate = (pick: (round: Round) => Rate) => {
    const perSecond = median(rounds.map((round) => pick(round).perSecond));
    const cpu = median(rounds.map((round) => pick(round).cpuMs));
    return `${perSecond.toFixed(1)} /s`.padEnd(12) + (Number.isNaN(cpu) ? '' : `${cpu.toFixed(1)} ms CPU per request`);
  };
  // The server's CPU per request moves far less than the wall clock on a shared machine: its ratio is printed too.
  const ratio = (a: (round: Round) => Rate, b: (round: Round) => Rate) => {
    const byRate = rounds.map((round) => a(round).perSecond / b(round).perSecond);
    const byCpu = rounds.map((round) => b(round).cpuMs / a(round).cpuMs);
    const each = rounds.length > 1 ? `   rounds ${byRate.map((r) => r.toFixed(2)).join(' ')}` : '';
    return `${median(byRate).toFixed(2)}`.padEnd(12) + (byCpu.some(Number.isNaN) ? '' : `${median(byCpu).toFixed(2)} by CPU per request`) + each;
  };
  const endpoint = (round: Round) => round.endpoint;
  const patchTransition = (round: Round) => round.patchTransition;
  const plain = (round: Round) => round.plain;
  const baseline = (round: Round) => round.baseline;
  console.log(`Workflow enforcement cost (${VENDOR_NAMES[vendor]}, ${CASES} cases per path, concurrency ${CONCURRENCY}, ${rounds.length} round${rounds.length === 1 ? '' : 's'}, medians, ${new Date().toISOString()})`);
  line('transitions via POST /concord/cases/:id/transitions', rate(endpoint));
  line('transitions via PATCH /items/cc_cases/:id {state}', rate(patchTransition));
  line('plain item updates PATCH /items/cc_cases/:id', rate(plain));
  line('ratio endpoint transition / plain update', ratio(endpoint, plain));
  line('ratio PATCH transition / plain update', ratio(patchTransition, plain));
  console.log(`Concord's tax on a Directus write (baseline: plain Directus, no extensions, Concord's schema, ${total} cases in cc_cases, as in Concord's)`);
  line('plain Directus: PATCH /items/cc_cases/:id, row-rule user', rate(baseline));
  line('plain update ÷ plain Directus', ratio(plain, baseline));
  line('PATCH transition ÷ plain Directus', ratio(patchTransition, baseline));
  line('endpoint transition ÷ plain Directus', ratio(endpoint, baseline));
  for (const listing of sqlListings) console.log(listing);
}

/** The SQL listings of a --sql run, printed after the rates. */
const sqlListings: string[] = [];

/** Sends one request alone and lists the statements the server logged meanwhile, in order. */
async function sqlOf(server: { output(): string }, label: string, request: () => Promise<unknown>): Promise<string> {
  const settle = () => new Promise((resolve) => setTimeout(resolve, 100));
  await settle();
  const from = server.output().length;
  await request();
  // Actions run after the response: give them time to log their statements.
  await settle();
  await settle();
  const statements = loggedStatements(server.output().slice(from));
  const total = statements.reduce((sum, s) => sum + s.ms, 0);
  return [
    `SQL of one ${label}: ${statements.length} statements, ${total.toFixed(1)} ms in SQL`,
    ...statements.map((s, i) => `  ${String(i + 1).padStart(3)}. ${s.ms.toFixed(1).padStart(6)} ms  ${s.sql.slice(0, 400)}`),
  ].join('\n');
}

/** Concord as a real service-department user, with fresh cases for every round's transitions. */
interface PreparedConcord {
  url: string;
  pid: number | undefined;
  call: ReturnType<typeof caller>;
  /** Per round: CASES cases moved by the endpoint, then CASES by PATCH; all 2·CASES get the plain update after. */
  ids: number[];
  /** The three cases a --sql run lists one request each for. */
  listed: number[];
  created: number;
}

async function prepareConcord(server: { url: string; process: { pid?: number | undefined } }, password: string): Promise<PreparedConcord> {
  const url = server.url;
  const call = caller(url, await login(url, 'yang.li@example.com', password));
  const workflows = await call('GET', '/items/cc_workflows?filter[key][_eq]=complaint&fields=id');
  const workflow = (workflows.data as unknown as Array<{ id: number }>)[0]!.id;
  const me = await call('GET', '/users/me?fields=id,cc_memberships.team');
  const team = ((me.data['cc_memberships'] as Array<{ team: number }>)[0] as { team: number }).team;
  const customers = await call('GET', '/items/cc_customers?limit=1&fields=id');
  const customer = (customers.data as unknown as Array<{ id: number }>)[0]!.id;
  const ids: number[] = [];
  // A --sql run keeps three more cases for the requests it lists.
  const count = CASES * 2 * ROUNDS + (SQL ? 3 : 0);
  for (let i = 0; i < count; i += 1) {
    const created = await call('POST', '/items/cc_cases?fields=id', { title: `bench ${i}`, workflow, customer, team });
    ids.push(Number(created.data['id']));
  }
  return { url, pid: server.process.pid, call, ids: ids.slice(0, CASES * 2 * ROUNDS), listed: ids.slice(CASES * 2 * ROUNDS), created: ids.length };
}

/** Concord's three paths in round `round`, on that round's cases. */
async function timeConcord(concord: PreparedConcord, round: number, profiler: Profiler | null): Promise<{ endpoint: Rate; patchTransition: Rate; plain: Rate }> {
  const { call, pid } = concord;
  const ofRound = concord.ids.slice(round * 2 * CASES, (round + 1) * 2 * CASES);
  const phase = <T>(name: string, run: () => Promise<T>) => (profiler ? profiler.during(name, run) : run());
  const endpoint = await phase('endpoint', () => timed(ofRound.slice(0, CASES), (id) => call('POST', `/concord/cases/${id}/transitions`, { to: 'investigating' }), pid));
  const patchTransition = await phase('patch-transition', () => timed(ofRound.slice(CASES), (id) => call('PATCH', `/items/cc_cases/${id}?fields=id`, { state: 'investigating' }), pid));
  const plain = await phase('plain-update', () => timed(ofRound, (id) => call('PATCH', `/items/cc_cases/${id}?fields=id`, { priority: 'high' }), pid));
  return { endpoint, patchTransition, plain };
}

/** A --sql run: one request of each Concord path alone, with the statements it ran. */
async function listConcordSql(server: { output(): string }, concord: PreparedConcord): Promise<void> {
  const { call } = concord;
  const [a, b, c] = concord.listed;
  if (a === undefined || b === undefined || c === undefined) return;
  sqlListings.push(await sqlOf(server, 'Concord: POST /concord/cases/:id/transitions', () => call('POST', `/concord/cases/${a}/transitions`, { to: 'investigating' })));
  sqlListings.push(await sqlOf(server, 'Concord: PATCH /items/cc_cases/:id {state}', () => call('PATCH', `/items/cc_cases/${b}?fields=id`, { state: 'investigating' })));
  await call('PATCH', `/items/cc_cases/${c}?fields=id`, { description: 'warm-up' });
  sqlListings.push(await sqlOf(server, 'Concord: PATCH /items/cc_cases/:id {priority}', () => call('PATCH', `/items/cc_cases/${c}?fields=id`, { priority: 'high' })));
}

function caller(url: string, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<{ data: Record<string, unknown> }>;
  };
}

/** A timed path: operations per second, and the server's CPU time per operation in ms (NaN off Linux). */
interface Rate {
  perSecond: number;
  cpuMs: number;
}

/** Operations per second over `ids`, CONCURRENCY requests in flight, and the CPU time `pid` spent per operation. */
async function timed(ids: number[], operation: (id: number) => Promise<unknown>, pid?: number): Promise<Rate> {
  const queue = [...ids];
  const cpuBefore = cpuMs(pid);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) await operation(id);
    }),
  );
  const perSecond = ids.length / ((performance.now() - started) / 1000);
  return { perSecond, cpuMs: (cpuMs(pid) - cpuBefore) / ids.length };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message.slice(0, 2000) : error);
  process.exit(1);
});
