/**
 * The baseline of `npm run bench -- workflow`: a plain Directus of the same version, on the same
 * database vendor, with the same Directus settings as Concord's project and Concord's schema, but
 * none of its extensions (an empty EXTENSIONS_PATH). The schema is applied from
 * snapshots/schema.yaml by Directus's own snapshot-apply functions (host/schema-child.ts, what
 * `directus schema apply` runs), not copied from Concord's database: a copy would carry Concord's
 * roles, policies, triggers and indexes, and would only work on SQLite. The rows are the few a case
 * needs (a department, a team, a workflow with one state, a customer), the cases themselves, and as
 * many filler cases of another team as Concord's database holds besides the measured ones, so both
 * `cc_cases` tables are the same size. One user has a role whose one policy reads and updates
 * `cc_cases` under Concord's own row rule (CASE_SCOPE: the cases of the user's teams, or of states
 * the user's department owns) and with the update fields Concord's staff have.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CASE_SCOPE } from '../../src/access/model.ts';
import { connectDatabase } from '../../host/database.ts';
import { freePort, runDirectusCli, startDirectus, syncSchema, type RunningDirectus } from '../../host/directus.ts';
import { resolveSettings } from '../../host/env.ts';
import { login } from './measure.ts';

export interface PlainDirectus {
  url: string;
  /** A bearer token of the row-rule user. */
  token: string;
  /** The cases the user may update, created like the measured ones in Concord. */
  cases: number[];
  /** What the server has printed so far. */
  output(): string;
  /** The server's process id (for its CPU time). */
  pid: number | undefined;
  stop(): Promise<void>;
}

const PASSWORD = 'plain-directus-bench';

/**
 * Boots the baseline in `dataDir` on the database `databaseEnv` names, with `cases` cases of the
 * user's team and `filler` cases of another team; `extraEnv` (the SQL log, say) is added to its settings.
 */
export async function bootPlainDirectus(dataDir: string, databaseEnv: Record<string, string>, cases: number, filler: number, extraEnv: Record<string, string> = {}): Promise<PlainDirectus> {
  const settings = resolveSettings(
    {
      ...databaseEnv,
      PATH: process.env['PATH'] ?? '',
      KEY: randomBytes(16).toString('hex'),
      SECRET: randomBytes(32).toString('hex'),
      PORT: String(await freePort()),
      LOG_LEVEL: 'error',
      RATE_LIMITER_ENABLED: 'false',
      ...extraEnv,
    },
    { dataDir },
  );
  // Concord's own settings stay out: nothing reads them here.
  const env = Object.fromEntries(Object.entries(settings.directus).filter(([name]) => !name.startsWith('CONCORD_')));
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(env['EXTENSIONS_PATH'] as string, { recursive: true });
  mkdirSync(env['STORAGE_LOCAL_ROOT'] as string, { recursive: true });
  writeFileSync(join(dataDir, 'package.json'), JSON.stringify({ name: 'plain-directus-bench', private: true, type: 'module' }) + '\n');
  await runDirectusCli(['bootstrap'], env, dataDir);
  await syncSchema(env, 'apply');
  const server = await startDirectus(env, { cwd: dataDir });
  try {
    const admin = await client(server.url, await login(server.url, settings.adminEmail, settings.adminPassword));
    const department = await admin.create('/items/cc_departments', { code: 'bench', name_zh: '基准部' }, 'code');
    const team = await admin.create('/items/cc_teams', { name: 'bench team', status: 'active' });
    const other = await admin.create('/items/cc_teams', { name: 'filler team', status: 'active' });
    const workflow = await admin.create('/items/cc_workflows', { key: 'complaint', name_zh: '投诉', case_type: 'complaint' });
    const state = await admin.create('/items/cc_workflow_states', { key: 'new', name_zh: '新建', workflow, owner_department: department, is_initial: true });
    const customer = await admin.create('/items/cc_customers', { name: 'bench customer' });

    const policy = await admin.create('/policies', { name: 'bench staff', icon: 'badge', admin_access: false, app_access: false });
    await admin.create('/permissions', { policy, collection: 'cc_cases', action: 'read', fields: ['*'], permissions: CASE_SCOPE });
    await admin.create('/permissions', {
      policy,
      collection: 'cc_cases',
      action: 'update',
      fields: ['id', 'title', 'description', 'priority', 'resolution_note', 'state'],
      permissions: CASE_SCOPE,
    });
    const role = await admin.create('/roles', { name: 'bench staff' });
    await admin.create('/access', { role, policy });
    const user = await admin.create('/users', { email: 'bench@example.com', password: PASSWORD, role, cc_department: department });
    await admin.create('/items/cc_team_members', { team, user, role_in_team: 'representative' });

    // Straight into the table: the baseline's writes are measured, not its setup.
    const db = connectDatabase(env);
    let ids: number[];
    try {
      const row = (title: string, ofTeam: number | string) => ({ title, workflow, customer, team: ofTeam, state, priority: 'normal' });
      const fillers = Array.from({ length: filler }, (_, i) => row(`filler ${i}`, other));
      await db.batchInsert('cc_cases', fillers, 200);
      const measured = Array.from({ length: cases }, (_, i) => row(`bench ${i}`, team));
      await db.batchInsert('cc_cases', measured, 200);
      ids = (await db('cc_cases').where({ team }).orderBy('id').pluck('id')).map(Number);
    } finally {
      await db.destroy();
    }
    const token = await login(server.url, 'bench@example.com', PASSWORD);
    return { url: server.url, token, cases: ids, output: server.output, pid: server.process.pid, stop: () => stop(server, dataDir) };
  } catch (error) {
    await stop(server, dataDir);
    throw error;
  }
}

async function stop(server: RunningDirectus, dataDir: string): Promise<void> {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

async function client(url: string, token: string) {
  return {
    async create(path: string, body: Record<string, unknown>, key = 'id'): Promise<number | string> {
      const response = await fetch(`${url}${path}?fields=${key}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { data: Record<string, number | string> }).data[key] as number | string;
    },
  };
}
