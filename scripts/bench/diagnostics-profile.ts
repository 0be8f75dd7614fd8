/**
 * `node scripts/bench/diagnostics-profile.ts [scale] [runs]`: times each part of one diagnosis
 * (every row readable) straight on a planted bench company's database, to find what costs: the
 * fastest wall time of a few runs, and the least CPU time (this process and its SQLite threads),
 * which a shared machine disturbs less.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { connectDatabase } from '../../host/database.ts';
import { DATA_DIR } from '../../host/paths.ts';
import { zoned } from '../../src/evaluation/period.ts';
import { evaluationSettings } from '../../src/evaluation/settings.ts';
import { anomalies } from '../../src/diagnostics/anomalies.ts';
import { atRisk } from '../../src/diagnostics/at-risk.ts';
import { bottlenecks } from '../../src/diagnostics/bottlenecks.ts';
import { attendanceByMember, csatGroups, lateTasks, memberLoads, pulseTrend, reopensByResolver, READ_ALL } from '../../src/diagnostics/dimensions.ts';
import { pingPong } from '../../src/diagnostics/ping-pong.ts';
import { EVERYTHING } from '../../src/diagnostics/restriction.ts';
import type { InsightScope } from '../../src/insights/query.ts';
import type { Planted } from '../../src/demo/plant.ts';

const scale = Number(process.argv[2] ?? 100);
const dir = join(DATA_DIR, `bench-planted-scale-${scale}`);
const planted = JSON.parse(readFileSync(join(dir, 'planted.json'), 'utf8')) as Planted;
const db = connectDatabase({ DB_CLIENT: 'sqlite3', DB_FILENAME: join(dir, 'concord.db') });
const settings = evaluationSettings({});
const month = planted.pair!.month;
const period = zoned(month, settings.timeZone);
const now = new Date();

const RUNS = Number(process.argv[3] ?? 3);
/** The fastest of RUNS: the machine is shared, and the least disturbed run is the closest to the cost. */
async function time<T>(label: string, run: () => Promise<T>): Promise<T> {
  let best = Infinity;
  let cpu = Infinity;
  let result: T | undefined;
  for (let i = 0; i < RUNS; i += 1) {
    const t = performance.now();
    const c = process.cpuUsage();
    result = await run();
    const used = process.cpuUsage(c);
    best = Math.min(best, performance.now() - t);
    cpu = Math.min(cpu, (used.user + used.system) / 1000);
  }
  sum += best;
  cpuSum += cpu;
  console.log(`  ${label.padEnd(14)} ${best.toFixed(0).padStart(6)} ms  (cpu ${cpu.toFixed(0)} ms)`);
  return result as T;
}
let sum = 0;
let cpuSum = 0;

for (const scope of [{ kind: 'company' }, { kind: 'department', key: planted.pair!.to }] as InsightScope[]) {
  console.log(`scale ${scale} ${scope.kind}${scope.kind === 'department' ? ` ${scope.key}` : ''}`);
  const r = { scope, ...EVERYTHING };
  const rows = { scope, ...READ_ALL };
  sum = 0;
  cpuSum = 0;
  await time('bottlenecks', () => bottlenecks(db, period, r));
  await time('ping_pong', () => pingPong(db, period, r));
  await time('anomalies', () => anomalies(db, month, scope, { all: true }));
  await time('at_risk', () => atRisk(db, now, r));
  await time('late_tasks', () => lateTasks(db, period, rows, now));
  await time('reopens', () => reopensByResolver(db, period, rows));
  await time('csat', () => csatGroups(db, period, rows));
  await time('loads', () => memberLoads(db, period, rows, settings));
  await time('attendance', () => attendanceByMember(db, period, rows));
  await time('pulse', () => pulseTrend(db, period, rows, settings.timeZone));
  console.log(`  ${'sum of fastest'.padEnd(14)} ${sum.toFixed(0).padStart(6)} ms  (cpu ${cpuSum.toFixed(0)} ms)`);
}
await db.destroy();
