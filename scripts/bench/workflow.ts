/**
 * `npm run bench -- workflow`: the cost of enforcing the workflow, measured on this machine in one run.
 * Boots a throw-away Concord (demo company at scale 1), then, as a real service-department user,
 * times case transitions through the endpoint and through PATCH, and plain item updates of the
 * same cases. Then, in the same run, boots a plain Directus of the same version on the same
 * database vendor with Concord's schema and none of its extensions (scripts/bench/plain-directus.ts),
 * and times the same plain PATCH updates there, as a user under the same row rule, with the same
 * concurrency: every Concord path ÷ that baseline is Concord's tax on a Directus write. Prints
 * operations per second, the Directus process's CPU time per request (steadier than the wall clock on
 * a shared machine; PostgreSQL's own work is not in it), and the ratios of both. Options: --cases N (default 300), --concurrency C
 * (default 4), --profile PREFIX (a CPU profile of Concord's Directus process over each timed path,
 * printed and written to PREFIX-<path>.cpuprofile; see profile.ts), --sql (both servers log their SQL;
 * after the timed paths, one more request of each path is sent alone and the statements it ran are
 * listed in order, Concord's and plain Directus's; logging slows every statement, so the rates of a
 * --sql run are not comparable with those of a run without it). With DB_CLIENT=pg it runs on a
 * throw-away PostgreSQL server.
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
import { bootPlainDirectus } from './plain-directus.ts';
import { connectProfiler, inspectOptions, type Profiler } from './profile.ts';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '300' }, concurrency: { type: 'string', default: '4' }, profile: { type: 'string' }, sql: { type: 'boolean', default: false } } });
const SQL = values.sql;
const SQL_LOG = { LOG_LEVEL: 'trace', LOG_STYLE: 'raw' };
const CASES = Number(values.cases);
const CONCURRENCY = Number(values.concurrency);

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
  try {
    let concord: { endpoint: Rate; patchTransition: Rate; plain: Rate; cases: number };
    try {
      const profiler = inspectPort && values.profile ? await connectProfiler(inspectPort, values.profile) : null;
      try {
        concord = await measureConcord(server, settings.staffPassword, profiler);
      } finally {
        profiler?.close();
      }
    } finally {
      await server.stop();
    }
    // The baseline's cc_cases holds as many rows as Concord's did (the demo company's cases besides the measured ones).
    const db = connectDatabase(settings.directus);
    const total = await db('cc_cases')
      .count({ n: '*' })
      .first()
      .then((row) => Number((row as { n: number | string }).n))
      .finally(() => db.destroy());
    const filler = total - concord.cases;
    const baselineDir = mkdtempSync(join(tmpdir(), 'concord-bench-plain-'));
    const plainDirectus = await bootPlainDirectus(baselineDir, await database.another('plain'), concord.cases + (SQL ? 1 : 0), filler, SQL ? SQL_LOG : {});
    let baseline: Rate;
    try {
      const call = caller(plainDirectus.url, plainDirectus.token);
      // Warmed up as Concord is by the cases created and moved before its plain updates are timed: one untimed pass.
      const measured = SQL ? plainDirectus.cases.slice(0, -1) : plainDirectus.cases;
      await timed(measured, (id) => call('PATCH', `/items/cc_cases/${id}?fields=id`, { description: 'warm-up' }));
      baseline = await timed(measured, (id) => call('PATCH', `/items/cc_cases/${id}?fields=id`, { priority: 'high' }), plainDirectus.pid);
      if (SQL) {
        const last = plainDirectus.cases.at(-1) as number;
        await call('PATCH', `/items/cc_cases/${last}?fields=id`, { description: 'warm-up' });
        sqlListings.push(await sqlOf(plainDirectus, 'plain Directus: PATCH /items/cc_cases/:id {priority}', () => call('PATCH', `/items/cc_cases/${last}?fields=id`, { priority: 'high' })));
      }
    } finally {
      await plainDirectus.stop();
    }
    const { endpoint, patchTransition, plain } = concord;
    const line = (label: string, value: string) => console.log(`  ${label.padEnd(60)}${value}`);
    const rate = (r: Rate) => `${r.perSecond.toFixed(1)} /s`.padEnd(12) + (Number.isNaN(r.cpuMs) ? '' : `${r.cpuMs.toFixed(1)} ms CPU per request`);
    // The server's CPU per request moves far less than the wall clock on a shared machine: its ratio is printed too.
    const ratio = (a: Rate, b: Rate) => `${(a.perSecond / b.perSecond).toFixed(2)}`.padEnd(12) + (Number.isNaN(a.cpuMs) ? '' : `${(b.cpuMs / a.cpuMs).toFixed(2)} by CPU per request`);
    console.log(`Workflow enforcement cost (${VENDOR_NAMES[database.vendor]}, ${CASES} cases per path, concurrency ${CONCURRENCY}, ${new Date().toISOString()})`);
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
  } finally {
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
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

/** Concord's three paths, as a real service-department user. */
async function measureConcord(server: { url: string; output(): string; process: { pid?: number | undefined } }, password: string, profiler: Profiler | null): Promise<{ endpoint: Rate; patchTransition: Rate; plain: Rate; cases: number }> {
  const url = server.url;
  const pid = server.process.pid;
  const call = caller(url, await login(url, 'yang.li@example.com', password));
  const workflows = await call('GET', '/items/cc_workflows?filter[key][_eq]=complaint&fields=id');
  const workflow = (workflows.data as unknown as Array<{ id: number }>)[0]!.id;
  const me = await call('GET', '/users/me?fields=id,cc_memberships.team');
  const team = ((me.data['cc_memberships'] as Array<{ team: number }>)[0] as { team: number }).team;
  const customers = await call('GET', '/items/cc_customers?limit=1&fields=id');
  const customer = (customers.data as unknown as Array<{ id: number }>)[0]!.id;

  const ids: number[] = [];
  // A --sql run keeps three more cases for the requests it lists.
  for (let i = 0; i < CASES * 2 + (SQL ? 3 : 0); i += 1) {
    const created = await call('POST', '/items/cc_cases?fields=id', { title: `bench ${i}`, workflow, customer, team });
    ids.push(Number(created.data['id']));
  }
  const viaEndpoint = ids.slice(0, CASES);
  const viaPatch = ids.slice(CASES, CASES * 2);
  const listed = ids.slice(CASES * 2);

  const phase = <T>(name: string, run: () => Promise<T>) => (profiler ? profiler.during(name, run) : run());
  const endpoint = await phase('endpoint', () => timed(viaEndpoint, (id) => call('POST', `/concord/cases/${id}/transitions`, { to: 'investigating' }), pid));
  const patchTransition = await phase('patch-transition', () => timed(viaPatch, (id) => call('PATCH', `/items/cc_cases/${id}?fields=id`, { state: 'investigating' }), pid));
  const plain = await phase('plain-update', () => timed(ids.slice(0, CASES * 2), (id) => call('PATCH', `/items/cc_cases/${id}?fields=id`, { priority: 'high' }), pid));
  const [a, b, c] = listed;
  if (a !== undefined && b !== undefined && c !== undefined) {
    sqlListings.push(await sqlOf(server, 'Concord: POST /concord/cases/:id/transitions', () => call('POST', `/concord/cases/${a}/transitions`, { to: 'investigating' })));
    sqlListings.push(await sqlOf(server, 'Concord: PATCH /items/cc_cases/:id {state}', () => call('PATCH', `/items/cc_cases/${b}?fields=id`, { state: 'investigating' })));
    await call('PATCH', `/items/cc_cases/${c}?fields=id`, { description: 'warm-up' });
    sqlListings.push(await sqlOf(server, 'Concord: PATCH /items/cc_cases/:id {priority}', () => call('PATCH', `/items/cc_cases/${c}?fields=id`, { priority: 'high' })));
  }
  return { endpoint, patchTransition, plain, cases: ids.length };
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
