/**
 * `npm run bench -- workflow`: the cost of enforcing the workflow, measured on this machine in one run.
 * Boots a throw-away Concord (demo company at scale 1), then, as a real service-department user,
 * times case transitions through the endpoint and through PATCH, and plain item updates of the
 * same cases. Prints operations per second and the ratios. Options: --cases N (default 300),
 * --concurrency C (default 4). With DB_CLIENT=pg it runs on a throw-away PostgreSQL server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { bootConcord } from '../../host/boot.ts';
import { freePort } from '../../host/directus.ts';
import { resolveSettings } from '../../host/env.ts';
import { benchDatabase } from './database.ts';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '300' }, concurrency: { type: 'string', default: '4' } } });
const CASES = Number(values.cases);
const CONCURRENCY = Number(values.concurrency);

async function main(): Promise<void> {
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
      CONCORD_SLA_ENABLED: 'false',
    },
    { dataDir },
  );
  const { server } = await bootConcord(settings).catch(async (error: unknown) => {
    await database.stop();
    throw error;
  });
  try {
    const url = server.url;
    const token = await login(url, 'yang.li@example.com', settings.staffPassword);
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<{ data: Record<string, unknown> }>;
    };
    const workflows = await call('GET', '/items/cc_workflows?filter[key][_eq]=complaint&fields=id');
    const workflow = (workflows.data as unknown as Array<{ id: number }>)[0]!.id;
    const me = await call('GET', '/users/me?fields=id,cc_memberships.team');
    const team = ((me.data['cc_memberships'] as Array<{ team: number }>)[0] as { team: number }).team;
    const customers = await call('GET', '/items/cc_customers?limit=1&fields=id');
    const customer = (customers.data as unknown as Array<{ id: number }>)[0]!.id;

    const ids: number[] = [];
    for (let i = 0; i < CASES * 2; i += 1) {
      const created = await call('POST', '/items/cc_cases?fields=id', { title: `bench ${i}`, workflow, customer, team });
      ids.push(Number(created.data['id']));
    }
    const viaEndpoint = ids.slice(0, CASES);
    const viaPatch = ids.slice(CASES);

    const endpoint = await timed(viaEndpoint, (id) => call('POST', `/concord/cases/${id}/transitions`, { to: 'investigating' }));
    const patchTransition = await timed(viaPatch, (id) => call('PATCH', `/items/cc_cases/${id}?fields=id`, { state: 'investigating' }));
    const plain = await timed(ids, (id) => call('PATCH', `/items/cc_cases/${id}?fields=id`, { priority: 'high' }));

    console.log(`Workflow enforcement cost (${database.vendor}, ${CASES} cases per path, concurrency ${CONCURRENCY}, ${new Date().toISOString()})`);
    console.log(`  transitions via POST /concord/cases/:id/transitions  ${endpoint.toFixed(1)} /s`);
    console.log(`  transitions via PATCH /items/cc_cases/:id {state}     ${patchTransition.toFixed(1)} /s`);
    console.log(`  plain item updates PATCH /items/cc_cases/:id          ${plain.toFixed(1)} /s`);
    console.log(`  ratio endpoint transition / plain update               ${(endpoint / plain).toFixed(2)}`);
    console.log(`  ratio PATCH transition / plain update                  ${(patchTransition / plain).toFixed(2)}`);
  } finally {
    await server.stop();
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function login(url: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const body = (await response.json()) as { data: { access_token: string } };
  return body.data.access_token;
}

/** Operations per second over `ids`, CONCURRENCY requests in flight. */
async function timed(ids: number[], operation: (id: number) => Promise<unknown>): Promise<number> {
  const queue = [...ids];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) await operation(id);
    }),
  );
  return ids.length / ((performance.now() - started) / 1000);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message.slice(0, 2000) : error);
  process.exit(1);
});
