/**
 * `node scripts/bench/diagnostics-profile.ts [scale] [runs] [--plain]`: times each part of one
 * diagnosis (every row readable) straight on a bench company's database, to find what costs: the
 * fastest wall time of a few runs, and the least CPU time (this process and its SQLite threads),
 * which a shared machine disturbs less. By default the planted company of that scale (its planted
 * month and receiving department); with --plain the panels benchmark's company of that scale
 * (`npm run bench -- panels --scale N` builds it), the last full month (UTC) and the service
 * department.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { connectDatabase } from '../../host/database.ts';
import { DATA_DIR } from '../../host/paths.ts';
import { zoned } from '../../src/evaluation/period.ts';
import { evaluationSettings } from '../../src/evaluation/settings.ts';
import { anomalies } from '../../src/diagnostics/anomalies.ts';
import { atRisk } from '../../src/diagnostics/at-risk.ts';
import { bottlenecks } from '../../src/diagnostics/bottlenecks.ts';
import { attendanceByMember, csatGroups, dueTaskFindings, pulseTrend, reopensByResolver, READ_ALL } from '../../src/diagnostics/dimensions.ts';
import { pingPong } from '../../src/diagnostics/ping-pong.ts';
import { EVERYTHING } from '../../src/diagnostics/restriction.ts';
import type { InsightScope } from '../../src/insights/query.ts';
import type { Planted } from '../../src/demo/plant.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { plain: { type: 'boolean', default: false } } });
const scale = Number(positionals[0] ?? 100);
const dir = join(DATA_DIR, values.plain ? `bench-scale-${scale}` : `bench-planted-scale-${scale}`);
/** The month diagnosed and the department whose diagnosis is timed beside the company's. */
const target = values.plain ? lastFullMonth() : plantedPair();

function plantedPair(): { month: { starts_on: string; ends_on: string }; department: string } {
  const { pair } = JSON.parse(readFileSync(join(dir, 'planted.json'), 'utf8')) as Planted;
  if (!pair) throw new Error(`${dir} has no planted pair: plant it again (npm run bench -- diagnostics --scales ${scale}), or use --plain.`);
  return { month: pair.month, department: pair.to };
}

function lastFullMonth(): { month: { starts_on: string; ends_on: string }; department: string } {
  const today = new Date();
  const first = (monthsBack: number) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - monthsBack, 1)).toISOString().slice(0, 10);
  return { month: { starts_on: first(1), ends_on: first(0) }, department: 'service' };
}
const db = connectDatabase({ DB_CLIENT: 'sqlite3', DB_FILENAME: join(dir, 'concord.db') });
const settings = evaluationSettings({});
const month = target.month;
const period = zoned(month, settings.timeZone);
const now = new Date();

const RUNS = Number(positionals[1] ?? 3);
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

for (const scope of [{ kind: 'company' }, { kind: 'department', key: target.department }] as InsightScope[]) {
  console.log(`scale ${scale} ${scope.kind}${scope.kind === 'department' ? ` ${scope.key}` : ''}`);
  const r = { scope, ...EVERYTHING };
  const rows = { scope, ...READ_ALL };
  sum = 0;
  cpuSum = 0;
  await time('bottlenecks', () => bottlenecks(db, period, r));
  await time('ping_pong', () => pingPong(db, period, r));
  await time('anomalies', () => anomalies(db, month, scope, { all: true }));
  await time('at_risk', () => atRisk(db, now, r));
  // Late tasks and member loads, from the one pass the diagnosis makes for both.
  await time('tasks_due', () => dueTaskFindings(db, period, rows, { now, settings }));
  await time('reopens', () => reopensByResolver(db, period, rows));
  await time('csat', () => csatGroups(db, period, rows));
  await time('attendance', () => attendanceByMember(db, period, rows));
  await time('pulse', () => pulseTrend(db, period, rows, settings.timeZone));
  console.log(`  ${'sum of fastest'.padEnd(14)} ${sum.toFixed(0).padStart(6)} ms  (cpu ${cpuSum.toFixed(0)} ms)`);
}
await db.destroy();
