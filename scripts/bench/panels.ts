/**
 * `npm run bench -- panels [--scale 100] [--requests 20] [--only handoff,sla] [--profile [--top 3]] [--cpu PREFIX] [--fresh] [--period to-date]`:
 * how fast every endpoint an Insights panel calls answers on a company of the given size (built once
 * into .data/bench-scale-N, with its complete months and quarters evaluated and published), asked by
 * an executive (every row readable: the database aggregates directly), a department head and a team
 * lead (their rows only: Directus decides which), each for what their seeded dashboard asks when it
 * opens (the picker's default period, see ENDPOINTS). After one unmeasured request per endpoint and
 * viewer, prints median and 95th percentile per endpoint and viewer of answers computed for each request
 * (`Cache-Control: no-cache`) and of the same requests as panels send them (the diagnosis is then
 * answered from what was kept, src/insights/kept-answers.ts), one run; DB_CLIENT=pg builds and
 * measures the company on PostgreSQL. `--only` keeps the endpoints whose name contains one of the
 * words, in any case. `--profile` instead asks each once with Directus logging its SQL and prints, per endpoint
 * and viewer, the request's time, its SQL statements, their summed time and the slowest `--top` of them.
 * `--dump DIR` instead writes each endpoint's answer per viewer to DIR/<endpoint>.<viewer>.json (to compare
 * the answers before and after a change: `diff -r`). `--cpu PREFIX` samples the Directus process's CPU
 * (its inspector, see profile.ts) over each endpoint's timed requests per viewer, prints the top
 * functions and writes PREFIX-<endpoint>-<viewer>.cpuprofile; the sampling slows the requests a little.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { adminApi } from '../../src/setup/admin-api.ts';
import { startDirectus } from '../../host/directus.ts';
import { freePort } from '../../host/directus.ts';
import { installBundle } from '../../host/boot.ts';
import { seedEvaluatedHistory } from '../../src/setup/seed-evaluations.ts';
import { ROLE_IDS } from '../../src/access/model.ts';
import { companyOf } from './company.ts';
import { cpuMs, loggedStatements, login } from './measure.ts';
import { connectProfiler, inspectOptions, type Profiler } from './profile.ts';
import { VENDOR_NAMES } from './database.ts';
import { cycleKindOf, initialSelection, type DashboardPeriod, type ResolvedScope, type ScopePreference } from '../../src/ui/insights/dashboard-filter.ts';
import { historyOf, periodParams, recentMonths, scopeParams } from '../../src/ui/insights/scope.ts';
import type { Viewer as InsightViewer } from '../../src/insights/viewer.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '100' },
    requests: { type: 'string', default: '20' },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    top: { type: 'string', default: '3' },
    fresh: { type: 'boolean', default: false },
    dump: { type: 'string' },
    period: { type: 'string', default: 'dashboard' },
    cpu: { type: 'string' },
  },
});
const SCALE = Number(values.scale);
const REQUESTS = Number(values.requests);

/**
 * What a seeded dashboard asks for when it opens (src/insights/dashboards.ts, every panel following
 * the dashboard's picker): the picker's default selection (`initialSelection`: the month of the latest
 * published evaluation, else the last full month), turned into each panel's request as the panel
 * does it (extensions/panels/src/<panel>/panel.vue). `--period to-date` asks instead for the months up
 * to today (`recentMonths`: one for the SLA board and diagnostics, three for the handoff flow, six
 * for budget and CSAT), the periods of the figures before 2026-12-04 evening: early in a month that is a few days'
 * data, far less than the full month a dashboard shows.
 */
type Viewer = { scope: ResolvedScope; period: DashboardPeriod };
const TO_DATE = values.period === 'to-date';
const query = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
/** The radar and the trend set every department beside each other in the company view. */
const scoreScope = (v: Viewer) => (v.scope.kind === 'company' ? { scope_kind: 'department' } : scopeParams(v.scope));
/** The score endpoints read "all I may see" without a scope (`--period to-date` asks them so). */
const ownScope = (v: Viewer) => (v.scope.kind === 'company' ? {} : scopeParams(v.scope));
const ranged = (months: number, v: Viewer, params: { starts_on: string; ends_on: string }) => query({ ...(TO_DATE ? recentMonths(new Date(), months) : params), ...scopeParams(v.scope) });
const ENDPOINTS: Array<[name: string, path: (viewer: Viewer) => string]> = [
  // Every dashboard asks who is looking once, for its scope picker (src/ui/insights/scope.ts).
  ['viewer (me)', () => '/concord/insights/me'],
  ['team composition', () => '/concord/teams/composition'],
  ['scorecards (radar)', (v) => `/concord/evaluation/scorecards?${query(TO_DATE ? { period_kind: 'monthly', ...ownScope(v) } : { period_kind: cycleKindOf(v.period), until: v.period.ends_on, ...scoreScope(v) })}`],
  ['trend', (v) => `/concord/insights/trend?${query(TO_DATE ? { period_kind: 'monthly', ...ownScope(v) } : { period_kind: cycleKindOf(v.period), until: v.period.ends_on, cycles: 6, ...scoreScope(v), ...(v.scope.kind === 'company' ? { dimension: 'overall' } : {}) })}`],
  ['handoff flow', (v) => `/concord/insights/handoffs?${ranged(3, v, periodParams(v.period))}`],
  ['SLA board', (v) => `/concord/insights/sla?${ranged(1, v, periodParams(v.period))}`],
  ['budget vs actual', (v) => `/concord/insights/budget?${ranged(6, v, periodParams(v.period))}`],
  ['CSAT trend', (v) => `/concord/insights/satisfaction?${ranged(6, v, historyOf(v.period))}`],
  ['improvement actions', (v) => `/concord/insights/actions?${query(scopeParams(v.scope))}`],
  ['diagnostics', (v) => `/concord/insights/diagnostics?${ranged(1, v, periodParams(v.period))}`],
];
const CHOSEN = values.only ? ENDPOINTS.filter(([name]) => values.only!.split(',').some((word) => name.toLowerCase().includes(word.trim().toLowerCase()))) : ENDPOINTS;

/** The viewer's dashboard selection, as the picker makes it on opening: their scope, the default period. */
async function selectionFor(url: string, token: string, preference: ScopePreference, scope: ResolvedScope): Promise<Viewer> {
  const response = await fetch(`${url}/concord/insights/me`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`/concord/insights/me: ${response.status} ${await response.text()}`);
  const viewer = ((await response.json()) as { data: InsightViewer }).data;
  return { scope, period: initialSelection(viewer, preference, new Date(), '').period };
}

async function main(): Promise<void> {
  const company = await companyOf(SCALE, values.fresh);
  const settings = company.settings;
  settings.directus['PORT'] = String(await freePort());
  if (values.profile) Object.assign(settings.directus, { LOG_LEVEL: 'trace', LOG_STYLE: 'raw' });
  const inspectPort = values.cpu ? await freePort() : null;
  if (inspectPort) settings.directus['NODE_OPTIONS'] = inspectOptions(inspectPort);
  // The company keeps the bundle it was built with; measure the one built now (npm run build).
  installBundle(settings.directus['EXTENSIONS_PATH'] as string);
  const server = await startDirectus(settings.directus);
  try {
    // settingsFor fixes ADMIN_TOKEN, and the benchmark company was bootstrapped with it.
    const api = adminApi(server.url, settings.adminToken as string);
    const published = await seedEvaluatedHistory(api, 'Asia/Shanghai');
    if (published > 0) console.log(`  evaluated and published ${published} cycles of the scale-${SCALE} company`);
    const email = 'bench.executive@example.com';
    const existing = await api.get<unknown[]>('/users', { filter: { email: { _eq: email } }, fields: 'id' });
    if (existing.length === 0) await api.post('/users', { email, password: 'bench-password', first_name: 'Bench', last_name: 'Executive', role: ROLE_IDS.executive });
    const [team] = await api.get<Array<{ id: number; lead: { email: string } }>>('/items/cc_teams', { filter: { status: { _eq: 'active' } }, fields: 'id,lead.email', sort: 'id', limit: 1 });
    const [head] = await api.get<Array<{ head: { email: string } }>>('/items/cc_departments', { filter: { code: { _eq: 'service' } }, fields: 'head.email' });
    const tokens = {
      executive: await login(server.url, email, 'bench-password'),
      head: await login(server.url, head!.head.email, settings.staffPassword),
      lead: await login(server.url, team!.lead.email, settings.staffPassword),
    };
    const viewers: Array<[string, string, Viewer]> = [
      ['executive', tokens.executive, await selectionFor(server.url, tokens.executive, 'company', { kind: 'company', label: '' })],
      ['service head', tokens.head, await selectionFor(server.url, tokens.head, 'my_department', { kind: 'department', key: 'service', label: '' })],
      ['team lead', tokens.lead, await selectionFor(server.url, tokens.lead, 'my_team', { kind: 'team', key: team!.id, label: '' })],
    ];
    const periods = [...new Set(viewers.map(([, , v]) => `${v.period.starts_on} – ${v.period.ends_on}`))].join(', ');
    if (values.profile) {
      await profile(server, viewers);
      return;
    }
    if (values.dump) {
      await dump(server, viewers, values.dump);
      return;
    }
    console.log(`Insights panel endpoints, scale ${SCALE}, ${VENDOR_NAMES[company.vendor]}, ${REQUESTS} sequential requests each after one unmeasured, ${new Date().toISOString()}`);
    console.log(TO_DATE ? '  periods: the months up to today (--period to-date)' : `  period: the dashboards' default selection, ${periods} (the picker's default: the latest published month, else the last full month)`);
    console.log(`  ${'endpoint'.padEnd(22)} ${'viewer'.padEnd(14)} median (ms)   p95 (ms)   Directus CPU per request (ms)   kept: median (ms)   p95 (ms)`);
    const profiler: Profiler | null = inspectPort && values.cpu ? await connectProfiler(inspectPort, values.cpu) : null;
    for (const [name, path] of CHOSEN) {
      for (const [viewer, token, selection] of viewers) {
        const url = `${server.url}${path(selection)}`;
        await ask(url, token, `${name} as ${viewer}`);
        // Computed: each request says `Cache-Control: no-cache`, so an endpoint that keeps answers
        // (the diagnosis, src/insights/kept-answers.ts) computes every one; then the same requests
        // as a panel sends them, answered from what was kept while the company does not change.
        const computed: number[] = [];
        const kept: number[] = [];
        const cpuBefore = cpuMs(server.process.pid);
        const timed = async () => {
          for (let i = 0; i < REQUESTS; i += 1) computed.push(await ask(url, token, `${name} as ${viewer}`, { 'cache-control': 'no-cache' }));
        };
        await (profiler ? profiler.during(`${name}-${viewer}`.replace(/[^a-z0-9]+/gi, '-'), timed) : timed());
        const cpu = (cpuMs(server.process.pid) - cpuBefore) / REQUESTS;
        if (!profiler) for (let i = 0; i < REQUESTS; i += 1) kept.push(await ask(url, token, `${name} as ${viewer}`));
        const at = (times: number[], q: number) => [...times].sort((a, b) => a - b)[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)] as number;
        const keptColumns = kept.length === 0 ? '' : `   ${at(kept, 0.5).toFixed(0).padStart(17)}   ${at(kept, 0.95).toFixed(0).padStart(8)}`;
        console.log(`  ${name.padEnd(22)} ${viewer.padEnd(14)} ${at(computed, 0.5).toFixed(0).padStart(11)}   ${at(computed, 0.95).toFixed(0).padStart(8)}   ${Number.isNaN(cpu) ? ''.padStart(29) : cpu.toFixed(0).padStart(29)}${keptColumns}`);
      }
    }
    profiler?.close();
  } finally {
    await server.stop();
    await company.close();
  }
}

/** One request, read to the end; its time in milliseconds. */
async function ask(url: string, token: string, what: string, headers: Record<string, string> = {}): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, ...headers } });
  if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  await response.arrayBuffer();
  return performance.now() - started;
}

/** Each endpoint's answer per viewer, pretty-printed into `dir`. */
async function dump(server: { url: string }, viewers: Array<[string, string, Viewer]>, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const [name, path] of CHOSEN) {
    for (const [viewer, token, selection] of viewers) {
      const response = await fetch(`${server.url}${path(selection)}`, { headers: { authorization: `Bearer ${token}`, 'cache-control': 'no-cache' } });
      const text = await response.text();
      const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.${viewer.replace(/[^a-z0-9]+/gi, '-')}.json`);
      writeFileSync(file, `${response.status}\n${JSON.stringify(JSON.parse(text), null, 1)}\n`);
    }
  }
  console.log(`  wrote ${CHOSEN.length * viewers.length} answers to ${dir}`);
}

/** Each endpoint once per viewer (after one unlogged request), with the SQL Directus logged meanwhile. */
async function profile(server: { url: string; output(): string }, viewers: Array<[string, string, Viewer]>): Promise<void> {
  console.log(`Insights panel endpoints, scale ${SCALE}, SQL per request (Directus's trace log; logging slows every statement a little)`);
  for (const [name, path] of CHOSEN) {
    for (const [viewer, token, selection] of viewers) {
      const url = `${server.url}${path(selection)}`;
      await ask(url, token, `${name} as ${viewer}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const from = server.output().length;
      const ms = await ask(url, token, `${name} as ${viewer}`, { 'cache-control': 'no-cache' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const statements = loggedStatements(server.output().slice(from));
      const total = statements.reduce((sum, s) => sum + s.ms, 0);
      console.log(`  ${name} as ${viewer}: ${ms.toFixed(0)} ms, ${statements.length} SQL statements, ${total.toFixed(0)} ms in SQL`);
      for (const s of [...statements].sort((a, b) => b.ms - a.ms).slice(0, Number(values.top))) console.log(`    ${s.ms.toFixed(1).padStart(7)} ms  ${s.sql.slice(0, 220)}`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message.slice(0, 2000) : error);
  process.exit(1);
});
