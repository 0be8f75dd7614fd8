/**
 * `node scripts/bench/evaluation-scores.ts [--scale 100] [--out file.json] [--against file.json]`:
 * every score and raw value of a benchmark company (scripts/bench/company.ts; DB_CLIENT=pg for
 * PostgreSQL's) for one quarter and two months, all scopes, written to --out; with --against, compared
 * with an earlier dump, numbers equal to 1e-9 (relative for large values). The guard of the
 * evaluation's speed work: a faster query must give the same figures.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { connectDatabase } from '../../host/database.ts';
import { companyOf } from './company.ts';
import { evaluatePeriod } from '../../src/evaluation/evaluate.ts';
import { cyclePeriod, type Period } from '../../src/evaluation/period.ts';
import { evaluationSettings, parseWeights } from '../../src/evaluation/settings.ts';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '100' }, out: { type: 'string' }, against: { type: 'string' } } });

/** The bench's quarter, a month inside it, and the latest month of the generated history. */
const PERIODS: ReadonlyArray<{ label: string; period: Period }> = [
  { label: 'quarter 2026-Q3', period: cyclePeriod('quarterly', '2026-07-01') },
  { label: 'month 2026-08', period: cyclePeriod('monthly', '2026-08-01') },
  { label: 'month 2026-11', period: cyclePeriod('monthly', '2026-11-01') },
];

type Dump = Record<string, unknown>;

async function dump(scale: number): Promise<Dump> {
  const company = await companyOf(scale);
  const db = connectDatabase(company.settings.directus);
  try {
    const settings = evaluationSettings({});
    const out: Dump = {};
    for (const { label, period } of PERIODS) {
      const { scores } = await evaluatePeriod(db, { period, settings, weights: parseWeights(null) });
      for (const s of scores) {
        out[`${label} ${s.scope_kind}:${s.department ?? s.team} ${s.dimension}`] = { score: s.score, raw: s.raw, counts: s.counts };
      }
    }
    return out;
  } finally {
    await db.destroy();
    await company.close();
  }
}

function differences(path: string, a: unknown, b: unknown, found: string[]): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))) found.push(`${path}: ${a} ≠ ${b}`);
    return;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) differences(`${path}.${key}`, (a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], found);
    return;
  }
  if (a !== b) found.push(`${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`);
}

async function main(): Promise<void> {
  const now = await dump(Number(values.scale));
  if (values.out) writeFileSync(values.out, JSON.stringify(now, null, 1));
  const entries = Object.keys(now).length;
  if (!values.against) {
    console.log(`${entries} scores dumped${values.out ? ` to ${values.out}` : ''}`);
    return;
  }
  const before = JSON.parse(readFileSync(values.against, 'utf8')) as Dump;
  const found: string[] = [];
  differences('', before, now, found);
  console.log(`${entries} scores compared with ${values.against}: ${found.length === 0 ? 'all equal (1e-9)' : `${found.length} differ`}`);
  for (const line of found.slice(0, 40)) console.log(`  ${line}`);
  if (found.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message.slice(0, 2000) : error);
  process.exit(1);
});
