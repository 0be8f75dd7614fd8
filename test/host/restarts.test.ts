import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootConcord, type BootedConcord } from '../../host/boot.ts';
import { connectDatabase } from '../../host/database.ts';
import { freePort, syncSchema } from '../../host/directus.ts';
import { resolveSettings, type ConcordSettings } from '../../host/env.ts';
import { SCHEMA_VERSION } from '../../src/setup/installation.ts';
import { ROOT } from '../../host/paths.ts';
import { POLICY_IDS, ROLE_IDS } from '../../src/access/model.ts';
import { startPostgres, type PostgresServer } from '../harness/postgres.ts';
import { startRedis } from '../harness/redis.ts';

/**
 * Starting Concord again, as operators do: a restart, a second instance, a start after the admin
 * changed their token. Each vendor gets a database of its own (PostgreSQL from the Debian
 * packages, started here); the demo company is left out to keep the starts short.
 */
describe.each(['sqlite', 'pg'] as const)('starting Concord on %s', (vendor) => {
  let dir: string;
  let postgres: PostgresServer | null = null;
  let pgDir: string | null = null;
  let redis: { url: string; stop: () => Promise<void> } | null = null;
  let database: Record<string, string>;
  let db: Knex;
  const running: BootedConcord[] = [];
  const secrets = { KEY: randomBytes(16).toString('hex'), SECRET: randomBytes(32).toString('hex') };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `concord-restarts-${vendor}-`));
    database = { DB_CLIENT: 'sqlite3', DB_FILENAME: join(dir, 'data', 'concord.db') };
    if (vendor === 'pg') {
      // A folder of its own: as root the server runs as the postgres user, who cannot enter `dir`.
      pgDir = mkdtempSync(join(tmpdir(), 'concord-restarts-pgdata-'));
      postgres = await startPostgres(pgDir);
      await postgres.createDatabase('concord');
      redis = await startRedis();
      // Two instances behind a load balancer: one database, one Redis, one upload folder.
      database = {
        ...postgres.directusEnv('concord'),
        CONCORD_INSTANCES: '2',
        REDIS: redis.url,
        STORAGE_LOCATIONS: 'local',
        STORAGE_LOCAL_ROOT: join(dir, 'shared-uploads'),
      };
    }
  });

  afterAll(async () => {
    for (const booted of running) await booted.server.stop();
    await db?.destroy();
    await postgres?.stop();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
    if (pgDir) rmSync(pgDir, { recursive: true, force: true });
  });

  async function settings(overrides: Record<string, string> = {}): Promise<ConcordSettings> {
    return resolveSettings(
      {
        ...(vendor === 'pg' ? database : {}),
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        ...secrets,
        ADMIN_TOKEN: randomBytes(24).toString('hex'),
        PORT: String(await freePort()),
        LOG_LEVEL: 'error',
        CONCORD_SEED_DEMO: 'false',
        CONCORD_SLA_ENABLED: 'false',
        CONCORD_EVALUATION_ENABLED: 'false',
        ...overrides,
      },
      { dataDir: join(dir, 'data') },
    );
  }

  async function boot(overrides: Record<string, string> = {}): Promise<BootedConcord> {
    const booted = await bootConcord(await settings(overrides));
    running.push(booted);
    return booted;
  }

  async function stopAll(): Promise<void> {
    for (const booted of running.splice(0)) await booted.server.stop();
  }

  it(
    vendor === 'pg' ? 'two instances started together on an empty database take turns (one installs, the other finds it done), then serve as one: a token and an upload from A hold on B' : 'the first start installs the schema',
    async () => {
      const starts = vendor === 'pg' ? await Promise.all([boot(), boot()]) : [await boot()];
      const changes = starts.map((s) => s.schemaChanges.length).sort((a, b) => a - b);
      expect(changes.at(-1)).toBeGreaterThan(100);
      if (vendor === 'pg') expect(changes[0]).toBe(0);
      db = connectDatabase(database);
      // Reference data was inserted once, whichever instance got there first.
      expect((await db('cc_departments').select('code')).map((d: { code: string }) => d.code).sort()).toEqual(['finance', 'hr', 'marketing', 'sales', 'service', 'tech']);
      const workflows = await db('cc_workflows').select('key');
      expect(new Set(workflows.map((w: { key: string }) => w.key)).size).toBe(workflows.length);
      for (const booted of starts) expect((await fetch(`${booted.server.url}/server/health`)).ok).toBe(true);
      if (vendor === 'pg') await expectOneService(starts[0]!.server.url, starts[1]!.server.url);
      await stopAll();
    },
    600_000,
  );

  /** What a load balancer needs of two instances: a sign-in on one holds on the other, and so does an upload. */
  async function expectOneService(a: string, b: string): Promise<void> {
    const login = await fetch(`${a}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password: 'concord-admin' }),
    });
    expect(login.status).toBe(200);
    const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
    const auth = { authorization: `Bearer ${token}` };
    const me = await fetch(`${b}/users/me?fields=email`, { headers: auth });
    expect([me.status, await me.text()]).toEqual([200, JSON.stringify({ data: { email: 'admin@example.com' } })]);
    const form = new FormData();
    form.append('file', new Blob(['uploaded through A'], { type: 'text/plain' }), 'note.txt');
    const upload = await fetch(`${a}/files`, { method: 'POST', headers: auth, body: form });
    expect(upload.status).toBe(200);
    const { id } = ((await upload.json()) as { data: { id: string } }).data;
    const served = await fetch(`${b}/assets/${id}`, { headers: auth });
    expect([served.status, await served.text()]).toEqual([200, 'uploaded through A']);
  }

  it('leaves nothing to change: the snapshot applied to this database has an empty diff', async () => {
    expect((await syncSchema((await settings()).directus, 'plan')).changes).toEqual([]);
  }, 120_000);

  it("starts again after the admin cleared their static token, changing no schema, and leaves no token behind", async () => {
    await db('directus_users').where('email', 'admin@example.com').update({ token: null });
    const again = await boot();
    expect(again.schemaChanges).toEqual([]);
    // The configuration took effect: the department roles exist and the matrix produced their policies.
    expect(await db('directus_roles').where('id', ROLE_IDS.department('sales')).first('id')).toEqual({ id: ROLE_IDS.department('sales') });
    expect(await db('directus_policies').where('id', POLICY_IDS.department('sales')).first('id')).toEqual({ id: POLICY_IDS.department('sales') });
    // The setup runs inside Directus on its services: no user (no configuration user either) is left holding a token.
    expect(await db('directus_users').whereNotNull('token').pluck('email')).toEqual([]);
    // Left running: the next test's first start is this one (a start of its own would prove nothing more).
  }, 300_000);

  it("keeps what an admin built in Studio across a restart, with its data: their collection related to 客户, their field on 客户, their policy's row rules (on their collection and on 客户), their dashboard with its panel", async () => {
    // The server the previous test started, or a start of its own when that test did not leave one.
    let url = (running.at(-1) ?? (await boot())).server.url;
    const login = (await (await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@example.com', password: 'concord-admin' }) })).json()) as {
      data: { access_token: string };
    };
    const call = async <T,>(method: string, path: string, body?: unknown, token = login.data.access_token): Promise<T> => {
      const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return (text ? (JSON.parse(text) as { data: T }).data : undefined) as T;
    };
    await call('POST', '/fields/cc_customers', { field: 'wechat_id', type: 'string', meta: { note: '微信号', interface: 'input' } });
    const customer = await call<{ id: number }>('POST', '/items/cc_customers', { name: '星河贸易', wechat_id: 'xinghe-2026' });
    await call('POST', '/items/cc_customers', { name: '别家公司', wechat_id: 'other-2026' });
    await call('PATCH', '/fields/cc_customers/name', { meta: { note: '客户全称(管理员的说明)' } });
    await call('POST', '/collections', {
      collection: 'my_things',
      schema: {},
      meta: { icon: 'inventory' },
      fields: [
        { field: 'id', type: 'integer', schema: { is_primary_key: true, has_auto_increment: true }, meta: { hidden: true } },
        { field: 'name', type: 'string' },
        { field: 'owner', type: 'string' },
      ],
    });
    await call('POST', '/fields/my_things', { field: 'customer', type: 'integer', meta: { interface: 'select-dropdown-m2o' } });
    await call('POST', '/relations', { collection: 'my_things', field: 'customer', related_collection: 'cc_customers', schema: { on_delete: 'SET NULL' } });
    for (const [name, owner] of [['扳手', 'li'], ['钳子', 'li'], ['锤子', 'wang']]) await call('POST', '/items/my_things', { name, owner, customer: customer.id });
    const policy = await call<{ id: string }>('POST', '/policies', { name: 'My things of Li', app_access: false, admin_access: false });
    await call('POST', '/permissions', { policy: policy.id, collection: 'my_things', action: 'read', fields: ['*'], permissions: { owner: { _eq: 'li' } } });
    // A row rule of the admin's own on one of Concord's collections, next to the rules Concord generates for it.
    await call('POST', '/permissions', { policy: policy.id, collection: 'cc_customers', action: 'read', fields: ['id', 'name', 'wechat_id'], permissions: { wechat_id: { _eq: 'xinghe-2026' } } });
    const role = await call<{ id: string }>('POST', '/roles', { name: 'Li', policies: { create: [{ policy: policy.id }] } });
    const li = await call<{ id: string }>('POST', '/users', { email: 'li@example.com', password: 'li-password-1', role: role.id, token: 'li-static-token-123' });
    const dashboard = await call<{ id: string }>('POST', '/dashboards', { name: '我的看板', icon: 'dashboard' });
    const panel = await call<{ id: string }>('POST', '/panels', {
      dashboard: dashboard.id,
      name: '我的物品',
      type: 'metric',
      position_x: 1,
      position_y: 1,
      width: 8,
      height: 6,
      options: { collection: 'my_things', field: 'id', function: 'count' },
    });
    const readAsLi = async () => ({
      things: (await call<Array<{ name: string }>>('GET', '/items/my_things?fields=name&sort=id', undefined, 'li-static-token-123')).map((t) => t.name),
      customers: (await call<Array<{ name: string }>>('GET', '/items/cc_customers?fields=name&sort=id', undefined, 'li-static-token-123')).map((c) => c.name),
    });
    const readDashboard = () => call<{ name: string; panels: Array<{ id: string; name: string; options: unknown }> }>('GET', `/dashboards/${dashboard.id}?fields=name,panels.id,panels.name,panels.options`);
    const liReads = { things: ['扳手', '钳子'], customers: ['星河贸易'] };
    const ownDashboard = { name: '我的看板', panels: [{ id: panel.id, name: '我的物品', options: { collection: 'my_things', field: 'id', function: 'count' } }] };
    expect(await readAsLi()).toEqual(liReads);
    expect(await readDashboard()).toEqual(ownDashboard);
    await stopAll();

    const again = await boot();
    url = again.server.url;
    expect(again.schemaChanges).toEqual([]);
    expect(((await db('my_things').select('name', 'owner', 'customer').orderBy('id')) as Array<Record<string, unknown>>).map((r) => [r['name'], r['owner'], Number(r['customer'])])).toEqual([
      ['扳手', 'li', customer.id],
      ['钳子', 'li', customer.id],
      ['锤子', 'wang', customer.id],
    ]);
    expect(await db('cc_customers').where('id', customer.id).first('wechat_id')).toEqual({ wechat_id: 'xinghe-2026' });
    expect(await db('directus_fields').where({ collection: 'cc_customers', field: 'name' }).first('note')).toEqual({ note: '客户全称(管理员的说明)' });
    expect(await db('directus_relations').where({ many_collection: 'my_things', many_field: 'customer' }).first('one_collection')).toEqual({ one_collection: 'cc_customers' });
    expect(await db('directus_dashboards').where('id', dashboard.id).first('name')).toEqual({ name: '我的看板' });
    expect(await db('directus_users').where('id', li.id).first('role')).toEqual({ role: role.id });
    expect(await readAsLi()).toEqual(liReads);
    expect(await readDashboard()).toEqual(ownDashboard);
    expect(await db('directus_permissions').where('policy', policy.id).orderBy('collection').select('collection', 'action')).toEqual([
      { collection: 'cc_customers', action: 'read' },
      { collection: 'my_things', action: 'read' },
    ]);
    await stopAll();
  }, 600_000);

  it.runIf(vendor === 'sqlite')("refuses a project that has its own collection under a name Concord brings, before writing anything", async () => {
    const hostDir = join(dir, 'host-project');
    mkdirSync(hostDir, { recursive: true });
    const hostDb = connectDatabase({ DB_CLIENT: 'sqlite3', DB_FILENAME: join(hostDir, 'concord.db') });
    try {
      await hostDb.schema.createTable('cc_customers', (t) => {
        t.increments('id');
        t.string('company');
      });
      await hostDb('cc_customers').insert({ company: '宿主公司自己的客户' });
      const hostSettings = resolveSettings({ PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...secrets, PORT: String(await freePort()), LOG_LEVEL: 'error', CONCORD_SEED_DEMO: 'false' }, { dataDir: hostDir });
      await expect(bootConcord(hostSettings)).rejects.toThrow(
        'This project already has a collection named cc_customers that Concord did not create and needs the name of: rename it in the project (or add Concord to another project), then start again. Nothing was changed.',
      );
      expect(((await hostDb.raw(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`)) as Array<{ name: string }>).map((t) => t.name)).toEqual(['cc_customers']);
      expect(await hostDb('cc_customers').select('company')).toEqual([{ company: '宿主公司自己的客户' }]);
    } finally {
      await hostDb.destroy();
    }
  });

  it('refuses a database written by a newer Concord, saying so', async () => {
    await db('cc_installation').update({ schema_version: SCHEMA_VERSION + 1 });
    try {
      await expect(boot()).rejects.toThrow(`This database was written by a newer Concord (schema ${SCHEMA_VERSION + 1}; this checkout knows ${SCHEMA_VERSION})`);
    } finally {
      await db('cc_installation').update({ schema_version: SCHEMA_VERSION });
    }
  }, 120_000);

  it.runIf(vendor === 'pg')("turns PostgreSQL's JIT off for the database's sessions (the metric queries are faster without it)", async () => {
    const fresh = connectDatabase(database);
    try {
      expect((await fresh.raw('show jit')).rows).toEqual([{ jit: 'off' }]);
    } finally {
      await fresh.destroy();
    }
  });

  it.runIf(vendor === 'pg')('the scale seed refuses the live database, naming what to do instead, and writes nothing', async () => {
    const casesBefore = Number((await db('cc_cases').count({ n: '*' }))[0]?.['n']);
    const seed = spawnSync(process.execPath, ['scripts/seed.ts', '--scale', '2'], {
      cwd: ROOT,
      env: { ...process.env, ...database, ...secrets, LOG_LEVEL: 'error' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(seed.status).toBe(1);
    expect(seed.stderr.trim()).toBe(
      'Cannot seed: the database concord already holds tables, and a scale company is only built in an empty database of its own: create one (createdb concord_scale_2) and set DB_DATABASE to it.',
    );
    expect(Number((await db('cc_cases').count({ n: '*' }))[0]?.['n'])).toBe(casesBefore);
  }, 180_000);

  it.runIf(vendor === 'pg')('refuses an instance whose SECRET differs from the one the database was set up with', async () => {
    await expect(boot({ SECRET: randomBytes(32).toString('hex') })).rejects.toThrow(/^SECRET is not the one this database was set up with/);
  }, 300_000);
});
