import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN_DIR, ROOT, SNAPSHOT_FILE } from './paths.ts';
import { SettingError } from './env.ts';
import type { SchemaSyncResult } from '../src/setup/schema-snapshot.ts';

const DIRECTUS_BIN = join(BIN_DIR, 'directus');

/** Environment for a Directus child: our node_modules/.bin first, so it runs on the project's Node 22. */
function childEnv(env: Record<string, string>): Record<string, string> {
  return { ...env, PATH: `${BIN_DIR}:${env['PATH'] ?? process.env['PATH'] ?? ''}` };
}

/** Runs one Directus CLI command to completion; on failure the error carries its output. */
export async function runDirectusCli(args: string[], env: Record<string, string>, cwd: string = ROOT): Promise<string> {
  return runToCompletion(DIRECTUS_BIN, args, env, `directus ${args.join(' ')}`, cwd);
}

/**
 * Brings the database's schema to snapshots/ (aligned with the database's vendor, see
 * src/setup/schema-snapshot.ts) and returns the changes that took; `plan` only lists them. Runs
 * Directus's own snapshot and apply functions in one child process with the Directus environment.
 */
export async function syncSchema(env: Record<string, string>, mode: 'apply' | 'plan' = 'apply'): Promise<SchemaSyncResult> {
  return JSON.parse(await schemaChild(env, mode)) as SchemaSyncResult;
}

/** The database's schema as YAML in the committed snapshot's terms (`npm run snapshot`). */
export async function exportSchema(env: Record<string, string>): Promise<string> {
  return schemaChild(env, 'export');
}

async function schemaChild(env: Record<string, string>, mode: 'apply' | 'plan' | 'export'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'concord-schema-'));
  try {
    const out = join(dir, 'out');
    // CONFIG_PATH: Directus would otherwise read ./.env, which may name another database.
    await runToCompletion(join(BIN_DIR, 'node'), [join(ROOT, 'host', 'schema-child.ts'), mode, SNAPSHOT_FILE, out], { CONFIG_PATH: '/dev/null', ...env }, `The schema step (${mode} snapshots/schema.yaml)`);
    return readFileSync(out, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runToCompletion(command: string, args: string[], env: Record<string, string>, label: string, cwd: string = ROOT): Promise<string> {
  const child = spawn(command, args, { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${label} failed (exit ${code}):\n${output}`);
  return output;
}

export async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new SettingError(`Port ${port} is already in use; stop what is using it or start with PORT=<another port>.`)
          : error,
      ),
    );
    probe.listen(port, '0.0.0.0', () => probe.close(() => resolve()));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface RunningDirectus {
  url: string;
  process: ChildProcess;
  /** Everything the server printed, for diagnosing a failed start. */
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * `directus start` in a project folder (its extensions/ holding the Concord bundle), ready once it
 * answers /server/ping: the bundle sets Concord up before Directus serves, so a first start with
 * the demo company may take minutes. A Directus that exits while starting (a setup Concord
 * refused) fails the start with everything it printed.
 */
export async function startDirectus(env: Record<string, string>, options: { echo?: boolean; cwd?: string; timeoutMs?: number } = {}): Promise<RunningDirectus> {
  const port = env['PORT'] ?? '8055';
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(DIRECTUS_BIN, ['start'], { cwd: options.cwd ?? ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (options.echo) process.stdout.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  const timeoutMs = options.timeoutMs ?? 900_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Directus stopped while starting (exit ${child.exitCode}):\n${output}`);
    try {
      // Readiness by /server/ping: it answers without a login on Directus 11 and 12 (12 puts /server/health behind one).
      const response = await fetch(`${url}/server/ping`);
      if (response.ok) return { url, process: child, output: () => output, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`Directus did not answer on ${url} within ${Math.round(timeoutMs / 60_000)} minutes:\n${output}`);
}
