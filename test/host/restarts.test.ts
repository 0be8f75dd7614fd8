import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootConcord, type BootedConcord } from '../../host/boot.ts';
import { CONFIGURATION_USER } from '../../host/configuration-user.ts';
import { connectDatabase } from '../../host/database.ts';
import { freePort, syncSchema } from '../../host/directus.ts';
import { resolveSettings, type ConcordSettings } from '../../host/env.ts';
import { SCHEMA_VERSION } from '../../host/installation.ts';
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

  it("starts again after the admin cleared their static token, changing no schema, and leaves no token behind for its own configuration user", async () => {
    await db('directus_users').where('email', 'admin@example.com').update({ token: null });
    const again = await boot();
    expect(again.schemaChanges).toEqual([]);
    // The configuration took effect: the department roles exist and the matrix produced their policies.
    expect(await db('directus_roles').where('id', ROLE_IDS.department('sales')).first('id')).toEqual({ id: ROLE_IDS.department('sales') });
    expect(await db('directus_policies').where('id', POLICY_IDS.department('sales')).first('id')).toEqual({ id: POLICY_IDS.department('sales') });
    expect(await db('directus_users').where('id', CONFIGURATION_USER).first('token', 'email', 'password')).toEqual({ token: null, email: null, password: null });
    await stopAll();
  }, 300_000);

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
