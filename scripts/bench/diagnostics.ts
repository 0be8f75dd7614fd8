/**
 * `npm run bench -- diagnostics [--scales 10,100] [--requests 5] [--fresh]`: builds companies with
 * every kind of problem planted (src/demo/plant.ts; on SQLite in .data/bench-planted-scale-N),
 * evaluates and publishes their history, then asks GET /concord/insights/diagnostics for the planted
 * month, as an admin (every row) and as the receiving department's head (their rows, as Directus
 * decides), for the company and for that department. Prints per planted kind its recall — planted
 * problems found among the top 3 of their kind in their department's diagnosis (the slow pair among
 * the bottlenecks, the bounced cases among the ping-pong cases, the overloaded person among the
 * over-capacity findings, the cases heading for a breach among the at-risk cases, the drop among the
 * anomalies) — the planted share of the top 3 findings of the planted dimensions, the precision of
 * the department's diagnosis against an independent recomputation (diagnostics-oracle.ts), and the
 * median time of one call with the server's CPU time for it (the machine's load beside them).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { adminApi } from '../../src/setup/admin-api.ts';
import { installBundle } from '../../host/boot.ts';
import { freePort, startDirectus } from '../../host/directus.ts';
import { seedEvaluatedHistory } from '../../src/setup/seed-evaluations.ts';
import { breachEntry, PLANT_KINDS } from '../../src/demo/plant.ts';
import { connectDatabase } from '../../host/database.ts';
import { companyOf } from './company.ts';
import { cpuMs, login } from './measure.ts';
import { judge, recompute, type Verdict } from './diagnostics-oracle.ts';

const { values } = parseArgs({ options: { scales: { type: 'string', default: '10,100' }, requests: { type: 'string', default: '5' }, fresh: { type: 'boolean', default: false } } });
const SCALES = (values.scales ?? '10,100').split(',').map(Number);
const REQUESTS = Number(values.requests);

interface Finding {
  kind: string;
  dimension: string;
  title: string;
  impact: { value: number; unit: string };
  evidence: { cases: number[]; tasks?: number[]; people?: string[] };
}
interface Diagnosis {
  bottlenecks: Array<{ from_department: string; to_department: string; to_state: number; cases: number[] }>;
  ping_pong: Array<{ case: number; bounces: number }>;
  anomalies: Array<{ period_kind: string; scope_kind: string; scope: string; dimension: string; deviation: number }>;
  at_risk: Array<{ case: number }>;
  findings: Finding[];
}

async function main(): Promise<void> {
  const rows: string[] = [];
  for (const scale of SCALES) {
    const company = await companyOf(scale, values.fresh, PLANT_KINDS);
    const planted = company.planted;
    if (!planted?.pair) throw new Error(`nothing was planted into the scale-${scale} company`);
    const settings = company.settings;
    settings.directus['PORT'] = String(await freePort());
    // The bundle built now, not the one the company was built with.
    installBundle(settings.directus['EXTENSIONS_PATH'] as string);
    const server = await startDirectus(settings.directus);
    try {
      const api = adminApi(server.url, settings.adminToken as string);
      const started = Date.now();
      const published = await seedEvaluatedHistory(api, 'Asia/Shanghai');
      if (published > 0) console.log(`  evaluated and published ${published} cycles of the scale-${scale} company in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const { from, to, month } = planted.pair;
      await rearmBreaches(settings.directus);
      const plantedCases = async (kind: string) =>
        (await api.get<Array<{ id: number }>>('/items/cc_cases', { filter: { title: { _starts_with: `[plant:${kind}]` } }, fields: 'id', limit: -1 })).map((c) => c.id);
      const [pingPongCases, breachCases] = [await plantedCases('ping_pong'), await plantedCases('breach')];
      const [head] = await api.get<Array<{ head: { email: string } | null }>>('/items/cc_departments', { filter: { code: { _eq: to } }, fields: 'head.email' });
      const headToken = head?.head ? await login(server.url, head.head.email, settings.staffPassword) : null;
      const query = `starts_on=${month.starts_on}&ends_on=${month.ends_on}`;
      const serverPid = server.process.pid as number;
      const ask = async (token: string, scope: string): Promise<{ data: Diagnosis; ms: number; cpu: number }> => {
        const times: number[] = [];
        const cpus: number[] = [];
        let data: Diagnosis | null = null;
        for (let i = 0; i < REQUESTS; i += 1) {
          const t = performance.now();
          const c = cpuMs(serverPid);
          const response = await fetch(`${server.url}/concord/insights/diagnostics?${query}${scope}`, { headers: { authorization: `Bearer ${token}`, 'cache-control': 'no-cache' } });
          if (!response.ok) throw new Error(`diagnostics ${scope}: ${response.status} ${await response.text()}`);
          data = ((await response.json()) as { data: Diagnosis }).data;
          times.push(performance.now() - t);
          cpus.push(cpuMs(serverPid) - c);
        }
        const middle = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor((list.length - 1) / 2)] as number;
        return { data: data as Diagnosis, ms: middle(times), cpu: middle(cpus) };
      };
      const admin = settings.adminToken as string;
      const companyCall = await ask(admin, '&scope_kind=company');
      const departmentCall = await ask(admin, `&scope_kind=department&scope=${to}`);
      const headCall = headToken ? await ask(headToken, `&scope_kind=department&scope=${to}`) : null;
      const d = departmentCall.data;
      const ofKind = (kind: string) => d.findings.filter((f) => f.kind === kind);
      const inTop3 = <T>(list: readonly T[], hit: (item: T) => boolean) => list.slice(0, 3).some(hit);
      const recall: Record<string, number> = {
        slow_pair: inTop3(d.bottlenecks, (b) => b.from_department === from && b.to_department === to && b.to_state === planted.pair!.state) ? 1 : 0,
        ping_pong: pingPongCases.filter((id) => d.ping_pong.slice(0, 3).some((p) => p.case === id)).length / Math.max(1, pingPongCases.length),
        drop: d.anomalies.some((a) => a.period_kind === 'monthly' && a.scope === to && a.dimension === 'communication' && a.deviation < 0) ? 1 : 0,
        overload: inTop3(ofKind('over_capacity'), (f) => (f.evidence.people ?? []).includes(planted.overloaded ?? '')) ? 1 : 0,
        breach: breachCases.filter((id) => d.at_risk.slice(0, 3).some((r) => r.case === id)).length / Math.max(1, breachCases.length),
      };
      // Cases closer to their SLA rightly rank above the planted ones: also say whether they are listed at all.
      const breachListed = breachCases.filter((id) => d.at_risk.some((r) => r.case === id)).length / Math.max(1, breachCases.length);
      // Of the top 3 findings in each planted dimension, those that are a planted problem.
      const plantedCaseIds = new Set([...pingPongCases, ...breachCases, ...(await plantedCases('slow_pair'))]);
      const isPlanted = (f: Finding) =>
        f.evidence.cases.some((id) => plantedCaseIds.has(id)) || (f.evidence.people ?? []).includes(planted.overloaded ?? '') || (f.kind === 'anomaly' && f.dimension === 'communication');
      const top = ['communication', 'utilisation'].flatMap((dimension) => d.findings.filter((f) => f.dimension === dimension).slice(0, 3));
      const plantedShare = top.length === 0 ? 0 : top.filter(isPlanted).length / top.length;
      // Precision: each finding of the department's diagnosis judged against an independent
      // recomputation (scripts/bench/diagnostics-oracle.ts); the at-risk list beside it.
      const oracleDb = connectDatabase(settings.directus);
      let precision = '';
      try {
        const truth = await recompute(oracleDb, month, to, Date.now());
        const verdicts = new Map<Verdict, number>();
        const wrong = new Map<string, number>();
        for (const f of d.findings) {
          const verdict = judge(f, truth, { pairKey: `${from}|${to}|${planted.pair.state}`, pingPong: new Set(pingPongCases), overloaded: planted.overloaded, utilisationTarget: 0.85 });
          verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
          if (verdict === 'false') wrong.set(f.kind, (wrong.get(f.kind) ?? 0) + 1);
        }
        const checked = d.findings.length - (verdicts.get('unchecked') ?? 0);
        const right = (verdicts.get('planted') ?? 0) + (verdicts.get('true') ?? 0);
        // At risk: planted, or at least 0.5 by the recomputation (a few seconds later: 0.02 of slack).
        const riskRight = d.at_risk.filter((r) => breachCases.includes(r.case) || (truth.atRisk.get(r.case) ?? -1) >= 0.5 - 0.02).length;
        precision = `precision ${(checked === 0 ? 0 : right / checked).toFixed(2)} (${right} of ${checked} findings; ${verdicts.get('planted') ?? 0} planted, ${verdicts.get('unchecked') ?? 0} not recomputed${wrong.size > 0 ? `; not there: ${[...wrong].map(([k, n]) => `${k} ${n}`).join(', ')}` : ''}), at risk ${(d.at_risk.length === 0 ? 1 : riskRight / d.at_risk.length).toFixed(2)} (${riskRight} of ${d.at_risk.length})`;
      } finally {
        await oracleDb.destroy();
      }
      rows.push(
        `  scale ${String(scale).padEnd(4)} ${Object.entries(recall).map(([k, v]) => `${k} ${v.toFixed(2)}`).join('  ')} (listed ${breachListed.toFixed(2)}, ${d.at_risk.length} at risk)  | planted share of top 3 ${plantedShare.toFixed(2)} | ${precision} | company ${companyCall.ms.toFixed(0)} ms (server CPU ${companyCall.cpu.toFixed(0)} ms), ${to} ${departmentCall.ms.toFixed(0)} ms (${departmentCall.cpu.toFixed(0)})${headCall ? `, ${to} as its head ${headCall.ms.toFixed(0)} ms (${headCall.cpu.toFixed(0)})` : ''} | load ${loadavg()[0]!.toFixed(1)}`,
      );
      console.log(rows[rows.length - 1]);
    } finally {
      await server.stop();
      await company.close();
    }
  }
  console.log(`Diagnostics on planted problems (${PLANT_KINDS.join(', ')}), SQLite, median of ${REQUESTS} calls, ${new Date().toISOString()}`);
  for (const row of rows) console.log(row);
}

/**
 * The planted breach cases, set again to 2 minutes before their SLA as of now: a company is kept
 * between runs, and a case planted "10 minutes before its SLA" a day ago has long breached. Their
 * entry into the state (the case and its handoff) and its opening an hour before move together.
 */
async function rearmBreaches(directus: Record<string, string>): Promise<void> {
  const db = connectDatabase(directus);
  try {
    const planted: Array<{ id: number; sla: number }> = await db('cc_cases as c')
      .join('cc_workflow_states as s', 's.id', 'c.state')
      .where('c.title', 'like', '[plant:breach]%')
      .orderBy('c.id', 'desc')
      .select('c.id', 's.response_sla_hours as sla');
    const now = Date.now();
    for (const c of planted) {
      const entered = new Date(breachEntry(now, Number(c.sla), 2));
      const opened = new Date(entered.getTime() - 3_600_000);
      await db('cc_cases').where('id', c.id).update({ state_entered_at: entered, opened_at: opened });
      await db('cc_case_events').where('case', c.id).where('is_handoff', true).update({ occurred_at: entered });
      await db('cc_case_events').where('case', c.id).where('is_handoff', false).update({ occurred_at: opened });
    }
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message.slice(0, 2000) : error);
  process.exit(1);
});
