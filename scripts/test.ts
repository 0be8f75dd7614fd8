/**
 * `npm test` after the build and the type check: every vitest project, SQLite and PostgreSQL, in two
 * streams at once. One stream alone keeps about one core busy (most of a test is waiting on HTTP, a
 * browser or a database), so the machine's second core runs the other stream. Each stream's files
 * still run one after another against their own servers (temporary directories, free ports), so no
 * test sees another stream's writes; the host files, each with servers of its own, go to whichever
 * stream is free first (see STREAMS).
 *
 * Output: every line live, prefixed with its run; at the end a summary per run, the slowest files,
 * and each failed run's failure report again, so the end of the log says what broke.
 * `CONCORD_TEST_SERIAL=1` runs the streams one after another (for a quiet log or a slow machine).
 * Extra arguments go to every vitest run (for example a file filter).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

interface Run {
  label: string;
  args: string[];
  env?: Record<string, string>;
}

interface Outcome {
  run: Run;
  code: number;
  seconds: number;
  lines: string[];
  report: VitestReport | null;
}

/** The parts of vitest's JSON report used here. */
interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: Array<{
    name: string;
    startTime: number;
    endTime: number;
    status: string;
    message?: string;
    assertionResults: Array<{ fullName: string; status: string; failureMessages: string[] }>;
  }>;
}

// Two streams. Each runs its fixed runs first — the integration project on SQLite then on
// PostgreSQL (one server per run, shared by its files), and the browser project (one server) —
// then takes host files from one shared queue, longest first, until none is left: host files start
// servers of their own, so each is a vitest run of its own and whichever stream is free runs it.
// Figures (2026-12-03): before this split, on a quiet machine, unit+integration·sqlite ≈ 390 s,
// integration·pg ≈ 330 s, host ≈ 390 s (restarts 165–230 s of it), browser 540–780 s. Runs alone
// on a machine loaded about 6× (load average 10–13 on 2 cores), after the cuts: browser 1479 s
// (was about 2.6× its quiet time), host 610 s (restarts 309 s; 493 s before the cuts, same load).
// Browser first: it is the longest run; the host files fill in behind whichever stream ends first.
// Three streams (SQLite, PostgreSQL and browser each alone, host files behind) were tried on
// 2026-12-04 on a quiet machine: 8 min 47 s against 8 min 51 s for these two, every run stretched
// by the extra load (browser 6 min 14 s → 8 min 13 s, restarts 80 → 180 s). Two streams keep the two
// cores busy enough; a third only adds load under timing-sensitive browser steps.
const STREAMS: Run[][] = [
  [
    { label: 'unit+integration·sqlite', args: ['--project', 'unit', '--project', 'integration'] },
    { label: 'integration·pg', args: ['--project', 'integration'], env: { CONCORD_TEST_DB: 'pg' } },
  ],
  [{ label: 'browser', args: ['--project', 'browser'] }],
];
/** Host files, longest first; a file of test/host/ not named here runs last. */
const HOST_ORDER = ['restarts', 'precision', 'instances', 'install'];
const hostFiles = readdirSync(join(import.meta.dirname, '..', 'test', 'host'))
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => f.slice(0, -'.test.ts'.length))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
function rank(name: string): number {
  const at = HOST_ORDER.indexOf(name);
  return at < 0 ? HOST_ORDER.length : at;
}
// With a file filter given (extra arguments), the host project runs as one run, filtered like the others.
const HOST_QUEUE: Run[] =
  process.argv.length > 2 ? [{ label: 'host', args: ['--project', 'host'] }] : hostFiles.map((name) => ({ label: `host·${name}`, args: ['--project', 'host', `test/host/${name}.test.ts`] }));

const root = join(import.meta.dirname, '..');
const vitest = join(root, 'node_modules', '.bin', 'vitest');
const reports = mkdtempSync(join(tmpdir(), 'concord-test-reports-'));
const extra = process.argv.slice(2);
const started = Date.now();

function execute(run: Run, index: string): Promise<Outcome> {
  const reportFile = join(reports, `${index}.json`);
  const args = ['run', ...run.args, '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...extra];
  if (extra.length > 0) args.push('--passWithNoTests');
  const begun = Date.now();
  const lines: string[] = [];
  return new Promise((resolve) => {
    const child = spawn(vitest, args, { cwd: root, env: { ...process.env, ...run.env, FORCE_COLOR: process.env['FORCE_COLOR'] ?? '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const prefix = `[${run.label}] `;
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) {
          lines.push(line);
          process.stdout.write(prefix + line + '\n');
        }
      });
      stream.on('end', () => {
        if (rest) {
          lines.push(rest);
          process.stdout.write(prefix + rest + '\n');
        }
      });
    }
    child.on('close', (code, signal) => {
      let report: VitestReport | null = null;
      try {
        report = JSON.parse(readFileSync(reportFile, 'utf8')) as VitestReport;
      } catch {
        // vitest died before writing its report; the exit code says so.
      }
      resolve({ run, code: code ?? (signal ? 1 : 0), seconds: (Date.now() - begun) / 1000, lines, report });
    });
  });
}

/** A stream's own runs, then host files from the shared queue until it is empty. */
async function stream(runs: Run[], index: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const [i, run] of runs.entries()) outcomes.push(await execute(run, `${index}-${i}`));
  for (let run = HOST_QUEUE.shift(), i = runs.length; run; run = HOST_QUEUE.shift(), i += 1) outcomes.push(await execute(run, `${index}-${i}`));
  return outcomes;
}

const outcomes: Outcome[] = [];
if (process.env['CONCORD_TEST_SERIAL'] === '1') {
  for (const [i, runs] of STREAMS.entries()) outcomes.push(...(await stream(runs, i)));
} else {
  for (const list of await Promise.all(STREAMS.map(stream))) outcomes.push(...list);
}
rmSync(reports, { recursive: true, force: true });

const minutes = (s: number) => `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
const failed = outcomes.filter((o) => o.code !== 0);

for (const o of failed) {
  // vitest's own failure report starts at its "Failed Tests" rule; without one, its last lines.
  const at = o.lines.findIndex((l) => l.includes('Failed Tests') || l.includes('Unhandled Errors'));
  const shown = at >= 0 ? o.lines.slice(at) : o.lines.slice(-80);
  console.log(`\n━━ ${o.run.label} failed (exit ${o.code}) ━━`);
  for (const line of shown) console.log(line);
}

console.log('\n━━ npm test: summary ━━');
for (const o of outcomes) {
  const r = o.report;
  const counts = r ? `${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped` : 'no report';
  console.log(`${o.code === 0 ? 'ok  ' : 'FAIL'} ${o.run.label.padEnd(26)} ${counts.padEnd(40)} ${minutes(o.seconds)}`);
}
const files = outcomes.flatMap((o) => (o.report?.testResults ?? []).map((t) => ({ label: o.run.label, name: relative(root, t.name), seconds: (t.endTime - t.startTime) / 1000 })));
files.sort((a, b) => b.seconds - a.seconds);
console.log('\nslowest files:');
for (const f of files.slice(0, failed.length === 0 ? 12 : 6)) console.log(`  ${f.seconds.toFixed(1).padStart(6)} s  ${f.label.padEnd(26)} ${f.name}`);

// Last, so that a log cut to its final lines still names what broke and why (CI shows only the tail).
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
const broken = outcomes.flatMap((o) =>
  (o.report?.testResults ?? []).flatMap((file) => {
    const tests = file.assertionResults.filter((t) => t.status === 'failed');
    if (tests.length === 0 && file.status === 'failed') return [{ label: o.run.label, name: relative(root, file.name), why: plain(file.message ?? '') }];
    return tests.map((t) => ({ label: o.run.label, name: `${relative(root, file.name)} > ${t.fullName}`, why: plain(t.failureMessages.join('\n')) }));
  }),
);
if (broken.length > 0) {
  console.log('\nfailed tests:');
  for (const b of broken.slice(0, 8)) {
    console.log(`  [${b.label}] ${b.name}`);
    const why = b.why.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at ')).slice(0, 6).join(' ⏎ ');
    console.log(`    ${why.length > 600 ? `${why.slice(0, 600)}…` : why}`);
  }
  if (broken.length > 8) console.log(`  … and ${broken.length - 8} more (above)`);
}
console.log(`\n${failed.length === 0 ? 'all runs passed' : `${failed.length} run(s) failed`} in ${minutes((Date.now() - started) / 1000)}`);
process.exit(failed.length === 0 ? 0 : 1);
