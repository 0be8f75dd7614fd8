/**
 * `node scripts/bench/evaluation-queries.ts [--scale 1000] [--runs 3] [--only cohesion]`: the time of
 * each SQL statement the evaluation of the bench's quarter runs, per dimension, on a benchmark company
 * (scripts/bench/company.ts; DB_CLIENT=pg for PostgreSQL's), the fastest of `--runs`. It says which
 * query of a dimension to work on; `npm run bench -- evaluation --dimensions` gives the dimensions'
 * totals. Each dimension runs in a context of its own, as the benchmark's `--dimensions` does, so the
 * tasks-due query shared by execution and utilisation is timed under both. PostgreSQL's statements run
 * outside the evaluation's transaction, with the server's own `work_mem`.
 */
import { parseArgs } from 'node:util';
import { connectDatabase } from '../../host/database.ts';
import { companyOf } from './company.ts';
import { VENDOR_NAMES, benchVendor } from './database.ts';
import { DIMENSION_MODULES } from '../../src/evaluation/evaluate.ts';
import { cyclePeriod, zoned } from '../../src/evaluation/period.ts';
import { evaluationSettings } from '../../src/evaluation/settings.ts';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1000' }, runs: { type: 'string', default: '3' }, only: { type: 'string' } } });
const RUNS = Math.max(1, Number(values.runs));

interface Logged {
  __knexQueryUid: string;
  sql: string;
}

async function main(): Promise<void> {
  const scale = Number(values.scale);
  const company = await companyOf(scale);
  const db = connectDatabase(company.settings.directus);
  try {
    const settings = evaluationSettings({});
    const period = zoned(cyclePeriod('quarterly', '2026-07-01'), settings.timeZone);
    const started = new Map<string, number>();
    let statements: Array<{ sql: string; ms: number }> = [];
    db.on('query', (query: Logged) => started.set(query.__knexQueryUid, performance.now()));
    db.on('query-response', (_response: unknown, query: Logged) => {
      statements.push({ sql: query.sql.replace(/\s+/g, ' ').trim(), ms: performance.now() - (started.get(query.__knexQueryUid) ?? performance.now()) });
    });
    console.log(`Evaluation statements, quarter ${period.starts_on}, scale ${scale}, ${VENDOR_NAMES[benchVendor()]}, fastest of ${RUNS}`);
    for (const module of DIMENSION_MODULES) {
      if (values.only && module.key !== values.only) continue;
      let fastest: Array<{ sql: string; ms: number }> = [];
      for (let run = 0; run < RUNS; run++) {
        statements = [];
        await module.evaluate({ db, period, settings });
        fastest = run === 0 ? statements : statements.map((s, i) => ({ sql: s.sql, ms: Math.min(s.ms, fastest[i]?.ms ?? s.ms) }));
      }
      const total = fastest.reduce((sum, s) => sum + s.ms, 0);
      console.log(`  ${module.key}: ${total.toFixed(0)} ms in ${fastest.length} statements`);
      for (const s of fastest) console.log(`    ${s.ms.toFixed(0).padStart(6)} ms  ${s.sql.slice(0, 110)}`);
    }
  } finally {
    await db.destroy();
    await company.close();
  }
}

await main();
