import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootConcord, type BootedConcord } from '../../host/boot.ts';
import { connectDatabase } from '../../host/database.ts';
import { freePort } from '../../host/directus.ts';
import { resolveSettings } from '../../host/env.ts';
import { POLICY_IDS, ROLE_IDS } from '../../src/access/model.ts';
import { toDbTime } from '../../src/directus/time.ts';
import { startPostgres, type PostgresServer } from '../harness/postgres.ts';
import { startRedis } from '../harness/redis.ts';

/**
 * Two Concord instances serving one PostgreSQL database and one Redis, as behind a load balancer:
 * every request below picks its instance on purpose. The schedules run on both, every second, as
 * they would at their real times on every instance of a deployment.
 */

const PASSWORD = 'instances-password-1';
const HOUR = 3_600_000;

interface Answer {
  status: number;
  code: string | undefined;
  data: unknown;
  text: string;
}

async function call(base: string, method: string, path: string, token: string, body?: unknown): Promise<Answer> {
  const response = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> }) : {};
  return { status: response.status, code: json.errors?.[0]?.extensions?.code, data: json.data, text };
}

async function ok<T>(answer: Promise<Answer>): Promise<T> {
  const a = await answer;
  if (a.status !== 200 && a.status !== 204) throw new Error(`expected success, got ${a.status} ${a.text}`);
  return a.data as T;
}

async function signIn(base: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (!response.ok) throw new Error(`sign-in of ${email} on ${base}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { data: { access_token: string } }).data.access_token;
}

describe('two instances on one PostgreSQL database and one Redis', () => {
  let dir: string;
  let pgDir: string;
  let postgres: PostgresServer;
  let redis: { url: string; stop: () => Promise<void> };
  let db: Knex;
  let env: Record<string, string>;
  let a: BootedConcord;
  let b: BootedConcord;
  /** Admin tokens, one signed in on each instance. */
  let adminA: string;
  let adminB: string;
  let complaint: number;
  let customer: number;

  async function boot(): Promise<BootedConcord> {
    return bootConcord(resolveSettings({ ...env, PORT: String(await freePort()) }, { dataDir: join(dir, 'data') }), { demoHistory: false });
  }

  /** A staff member of a department, created on A; signs in on `on`. */
  async function staff(department: string, on: string, label: string): Promise<{ id: string; token: string }> {
    const email = `${label}.${randomBytes(3).toString('hex')}@example.com`;
    const user = await ok<{ id: string }>(
      call(a.server.url, 'POST', '/users', adminA, { email, password: PASSWORD, first_name: label, last_name: department, role: ROLE_IDS.department(department), cc_department: department }),
    );
    return { id: user.id, token: await signIn(on, email, PASSWORD) };
  }

  async function newCase(on: string, token: string, title: string, team?: number): Promise<number> {
    return (await ok<{ id: number }>(call(on, 'POST', '/items/cc_cases', token, { title, workflow: complaint, customer, ...(team ? { team } : {}) }))).id;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'concord-instances-'));
    // A folder of its own: as root the server runs as the postgres user, who cannot enter `dir`.
    pgDir = mkdtempSync(join(tmpdir(), 'concord-instances-pgdata-'));
    postgres = await startPostgres(pgDir);
    await postgres.createDatabase('concord');
    redis = await startRedis();
    env = {
      ...postgres.directusEnv('concord'),
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      KEY: randomBytes(16).toString('hex'),
      SECRET: randomBytes(32).toString('hex'),
      CONCORD_INSTANCES: '2',
      REDIS: redis.url,
      STORAGE_LOCATIONS: 'local',
      STORAGE_LOCAL_ROOT: join(dir, 'shared-uploads'),
      LOG_LEVEL: 'error',
      RATE_LIMITER_ENABLED: 'false',
      PRESSURE_LIMITER_ENABLED: 'false',
      CONCORD_SEED_DEMO: 'false',
      // Both schedules on both instances, every second (six-field cron: seconds first).
      CONCORD_SLA_CRON: '* * * * * *',
      CONCORD_EVALUATION_CRON: '* * * * * *',
    };
    [a, b] = await Promise.all([boot(), boot()]);
    db = connectDatabase(postgres.directusEnv('concord'));
    [adminA, adminB] = await Promise.all([signIn(a.server.url, 'admin@example.com', 'concord-admin'), signIn(b.server.url, 'admin@example.com', 'concord-admin')]);
    complaint = (await db('cc_workflows').where('key', 'complaint').first('id')).id;
    customer = (await ok<{ id: number }>(call(a.server.url, 'POST', '/items/cc_customers', adminA, { name: '双实例客户' }))).id;
  }, 600_000);

  afterAll(async () => {
    await a?.server.stop();
    await b?.server.stop();
    await db?.destroy();
    await postgres?.stop();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(pgDir, { recursive: true, force: true });
  });

  it('transitions of one case sent through both at once: exactly one wins, the other is told of the conflict, and history chains (three rounds)', async () => {
    const [first, second] = await Promise.all([staff('service', a.server.url, 'svc-a'), staff('service', b.server.url, 'svc-b')]);
    // Two colleagues on the team that handles the case.
    const team = (await ok<{ id: number }>(call(a.server.url, 'POST', '/items/cc_teams', adminA, { name: '双实例 处理组', members: [first, second].map((m) => ({ user: m.id, role_in_team: 'representative' })) }))).id;
    for (let round = 0; round < 3; round += 1) {
      const id = await newCase(a.server.url, first.token, `并发转换 ${round}`, team);
      await ok(call(a.server.url, 'POST', `/concord/cases/${id}/transitions`, first.token, { to: 'investigating' }));
      const answers = await Promise.all([
        call(a.server.url, 'POST', `/concord/cases/${id}/transitions`, first.token, { to: 'escalated', from: 'investigating', fields: { description: `A 第 ${round} 轮` } }),
        call(b.server.url, 'POST', `/concord/cases/${id}/transitions`, second.token, { to: 'resolved', from: 'investigating', fields: { resolution_note: `B 第 ${round} 轮` } }),
      ]);
      expect(answers.map((x) => `${x.status} ${x.code ?? ''}`.trim()).sort(), answers.map((x) => x.text).join('\n')).toEqual(['200', '409 TRANSITION_CONFLICT']);
      const events: Array<{ from_state: number | null; to_state: number }> = await db('cc_case_events').where('case', id).orderBy('id').select('from_state', 'to_state');
      expect(events).toHaveLength(3);
      for (let i = 1; i < events.length; i += 1) expect(events[i]!.from_state).toBe(events[i - 1]!.to_state);
      expect((await db('cc_cases').where('id', id).first('state')).state).toBe(events.at(-1)!.to_state);
    }
  });

  it('an authority granted and revoked on A is honoured by B on the next request', async () => {
    const seller = await staff('sales', b.server.url, 'seller');
    const createTeam = (name: string) => call(b.server.url, 'POST', '/items/cc_teams', seller.token, { name, status: 'forming' });
    expect((await createTeam('双实例 授权前')).status).toBe(403);

    const grant = await ok<{ id: number }>(call(a.server.url, 'POST', '/items/cc_authorities', adminA, { department: 'sales', title_zh: '组建协同团队', title_en: 'Build teams', capability: 'team.build' }));
    // The matrix hook rewrites the sales policy right after the save, on A.
    await expect.poll(() => generatedPermissions('sales', 'cc_teams', 'create'), { timeout: 10_000, interval: 50 }).toBeGreaterThan(0);
    const granted = await createTeam('双实例 已授权');
    expect(granted.status, granted.text).toBe(200);

    await ok(call(a.server.url, 'DELETE', `/items/cc_authorities/${grant.id}`, adminA));
    await expect.poll(() => generatedPermissions('sales', 'cc_teams', 'create'), { timeout: 10_000, interval: 50 }).toBe(0);
    const revoked = await createTeam('双实例 已撤销');
    expect([revoked.status, revoked.code]).toEqual([403, 'FORBIDDEN']);
  });

  async function generatedPermissions(department: string, collection: string, action: string): Promise<number> {
    const rows = await db('directus_permissions').where({ policy: POLICY_IDS.department(department), collection, action }).count({ n: '*' });
    return Number(rows[0]?.['n'] ?? 0);
  }

  it('the SLA schedule, firing on both, escalates each breach once: one breach row per kind, one notice per breach to the head', async () => {
    const head = await staff('service', a.server.url, 'svc-head');
    await ok(call(a.server.url, 'PATCH', '/items/cc_departments/service', adminA, { head: head.id }));
    const agent = await staff('service', b.server.url, 'svc-agent');
    const id = await newCase(b.server.url, agent.token, '超期事项');
    // Ten days old: past the received state's response SLA and the workflow's resolution SLA.
    const tenDaysAgo = toDbTime(db, new Date(Date.now() - 240 * HOUR));
    await db('cc_cases').where('id', id).update({ opened_at: tenDaysAgo, state_entered_at: tenDaysAgo });
    await expect.poll(async () => (await db('cc_sla_breaches').where('case', id).select('kind')).map((r: { kind: string }) => r.kind).sort(), { timeout: 20_000, interval: 250 }).toEqual(['resolution', 'response']);
    // Several more ticks on each instance change nothing.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect((await db('cc_sla_breaches').where('case', id).select('kind')).map((r: { kind: string }) => r.kind).sort()).toEqual(['resolution', 'response']);
    const notices = await db('directus_notifications').where({ recipient: head.id, collection: 'cc_cases', item: String(id) }).count({ n: '*' });
    expect(Number(notices[0]?.['n'])).toBe(2);
  });

  it('the SLA schedule, firing on both, warns the owning head once of a case at risk of a breach, before it breaches', async () => {
    const head = await staff('tech', a.server.url, 'tech-head');
    // This project is not the demo, so Studio's default language is Directus's English: the head reads Chinese by choice.
    await ok(call(a.server.url, 'PATCH', `/users/${head.id}`, adminA, { language: 'zh-CN' }));
    await ok(call(a.server.url, 'PATCH', '/items/cc_departments/tech', adminA, { head: head.id }));
    const agent = await staff('service', b.server.url, 'svc-warned');
    const states: Array<{ id: number; key: string; response_sla_hours: number }> = await db('cc_workflow_states').where('workflow', complaint).select('id', 'key', 'response_sla_hours');
    const received = states.find((s) => s.key === 'received')!;
    const escalated = states.find((s) => s.key === 'escalated')!;
    const sla = Number(escalated.response_sla_hours);
    // Now: a case with tech for an hour less than the SLA, its history and state written together
    // (first: with no history yet, nothing is at risk while it waits in received).
    const id = await newCase(b.server.url, agent.token, '即将超时事项');
    const entered = toDbTime(db, new Date(Date.now() - (sla - 1) * HOUR));
    await db.transaction(async (trx) => {
      await trx('cc_case_events').insert({ case: id, from_state: received.id, to_state: escalated.id, actor_department: 'service', occurred_at: entered, is_handoff: true, is_override: false });
      await trx('cc_cases').where('id', id).update({ state: escalated.id, state_entered_at: entered });
    });
    // The past 90 days: 12 handoffs into escalated, each answered by tech 10 h after the SLA.
    const past = Date.now() - 20 * 24 * HOUR;
    for (let i = 0; i < 12; i += 1) {
      const id = await newCase(b.server.url, agent.token, `预警历史 ${i}`);
      await db('cc_case_events').insert([
        { case: id, from_state: received.id, to_state: escalated.id, actor_department: 'service', occurred_at: toDbTime(db, new Date(past + i * HOUR)), is_handoff: true, is_override: false },
        { case: id, from_state: escalated.id, to_state: received.id, actor_department: 'tech', occurred_at: toDbTime(db, new Date(past + i * HOUR + (sla + 10) * HOUR)), is_handoff: true, is_override: false },
      ]);
    }
    await expect.poll(async () => (await db('cc_sla_breaches').where('case', id).select('kind')).map((r: { kind: string }) => r.kind), { timeout: 20_000, interval: 250 }).toEqual(['at_risk']);
    // Several more ticks on each instance change nothing.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect((await db('cc_sla_breaches').where('case', id).select('kind')).map((r: { kind: string }) => r.kind)).toEqual(['at_risk']);
    const notices: Array<{ message: string }> = await db('directus_notifications').where({ recipient: head.id, collection: 'cc_cases', item: String(id) }).select('message');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.message).toContain('过去 90 天这一状态的交接有');
  });

  it('the evaluation schedule, firing on both every second, makes one cycle of the month just ended and runs it once', async () => {
    const cyclesOfMonth = () => db('cc_evaluation_cycles').where('period_kind', 'monthly').select('id', 'period_key', 'computed_at');
    await expect.poll(async () => (await cyclesOfMonth()).filter((c: { computed_at: unknown }) => c.computed_at !== null).length, { timeout: 20_000, interval: 250 }).toBe(1);
    const [cycle] = await cyclesOfMonth();
    const scores = async () => Number((await db('cc_evaluation_scores').where('cycle', cycle.id).count({ n: '*' }))[0]?.['n']);
    const stored = await scores();
    // Six departments, five dimensions and overall each.
    expect(stored).toBe(36);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(await cyclesOfMonth()).toEqual([cycle]);
    expect(await scores()).toBe(stored);
  });

  it('audits on both instances at once record each drifted case once and write a lost opening row once', async () => {
    const agent = await staff('service', a.server.url, 'svc-audit');
    const drifted = await newCase(a.server.url, agent.token, '状态漂移');
    const orphan = await newCase(a.server.url, agent.token, '缺开头');
    const investigating = (await db('cc_workflow_states').where({ workflow: complaint, key: 'investigating' }).first('id')).id;
    // Writes that bypass Directus: a state moved without history, an opening row lost.
    await db.transaction(async (trx) => {
      await trx('cc_cases').where('id', drifted).update({ state: investigating });
      await trx('cc_case_events').where('case', orphan).delete();
    });
    const audit = (on: string, token: string) => call(on, 'POST', '/concord/audit/case-states', token, {});
    const answers = await Promise.all([audit(a.server.url, adminA), audit(b.server.url, adminB), audit(a.server.url, adminA), audit(b.server.url, adminB)]);
    expect(answers.map((x) => x.status)).toEqual([200, 200, 200, 200]);
    const history = async (id: number) => (await db('cc_case_events').where('case', id).orderBy('id').select('to_state')).map((e: { to_state: number }) => e.to_state);
    expect(await history(drifted)).toHaveLength(2);
    expect((await history(drifted)).at(-1)).toBe(investigating);
    expect(await history(orphan)).toHaveLength(1);
    const overrides = await db('cc_overrides').where('case', drifted).select('kind');
    expect(overrides).toEqual([{ kind: 'unrecorded_change' }]);
  });

  it('restarting A while B serves: B keeps answering, A comes back without schema changes and takes B’s tokens', async () => {
    await a.server.stop();
    const during = await call(b.server.url, 'GET', '/items/cc_departments?fields=code&sort=code', adminB);
    expect(during.status).toBe(200);
    a = await boot();
    expect(a.schemaChanges).toEqual([]);
    const me = await call(a.server.url, 'GET', '/users/me?fields=email', adminB);
    expect([me.status, me.data]).toEqual([200, { email: 'admin@example.com' }]);
  });
});
