import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../host/database.ts';
import { freePort, runDirectusCli, startDirectus, type RunningDirectus } from '../../host/directus.ts';
import { BUNDLE_DIR } from '../../host/paths.ts';
import { ROLE_IDS } from '../../src/access/model.ts';

/**
 * Concord added to an existing Directus 11.17.4 project, as its README says: a plain project
 * bootstrapped with the Directus CLI (its own .env, SQLite), with collections of its own related
 * m2o, o2m and m2m, a policy with a row rule, users and rows, all made through its REST API. Then
 * the built bundle (dist/concord, `npm run build`) is copied into its extensions/ and the project
 * is started with its own `directus start`: Concord works there, and the project's own schema, rows
 * and row rule are as they were; again after a restart.
 */
const HOST_COLLECTIONS = ['authors', 'books', 'books_tags', 'tags'];
const ADMIN = { email: 'owner@example.com', password: 'host-admin-password-1' };
const LI_TOKEN = 'li-static-token-host-123';

describe('Concord installed into an existing Directus project', () => {
  let dir: string;
  let port: number;
  let server: RunningDirectus | null = null;
  let adminToken = '';
  let before: { schema: unknown; rows: unknown; liReads: unknown };

  const url = () => `http://127.0.0.1:${port}`;
  const projectEnv = () => ({ HOME: process.env['HOME'] ?? '', PORT: String(port) });

  async function call<T>(method: string, path: string, body?: unknown, token = adminToken): Promise<T> {
    const response = await fetch(`${url()}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? (JSON.parse(text) as { data: T }).data : undefined) as T;
  }

  async function start(): Promise<void> {
    server = await startDirectus(projectEnv(), { cwd: dir });
    const login = await call<{ access_token: string }>('POST', '/auth/login', ADMIN, '');
    adminToken = login.access_token;
  }

  async function stop(): Promise<void> {
    await server?.stop();
    server = null;
  }

  /** The project's own collections, fields and relations in its schema snapshot (Concord's and Directus's left out). */
  async function hostSchema(): Promise<unknown> {
    const snapshot = await call<{ collections: Array<{ collection: string }>; fields: Array<{ collection: string }>; relations: Array<{ collection: string; related_collection: string | null }> }>('GET', '/schema/snapshot');
    return {
      collections: snapshot.collections.filter((c) => HOST_COLLECTIONS.includes(c.collection)),
      fields: snapshot.fields.filter((f) => HOST_COLLECTIONS.includes(f.collection)),
      relations: snapshot.relations.filter((r) => HOST_COLLECTIONS.includes(r.collection) || HOST_COLLECTIONS.includes(r.related_collection ?? '')),
    };
  }

  async function hostRows(): Promise<unknown> {
    const rows: Record<string, unknown> = {};
    for (const collection of HOST_COLLECTIONS) rows[collection] = await call('GET', `/items/${collection}?fields=*&sort=id&limit=-1`);
    rows['books.deep'] = await call('GET', '/items/books?fields=title,author.name,tags.tags_id.label&sort=id');
    rows['authors.books'] = await call('GET', '/items/authors?fields=name,books.title&sort=id');
    return rows;
  }

  const liReads = () => call('GET', '/items/books?fields=title,author.name,tags.tags_id.label&sort=id', undefined, LI_TOKEN);

  // The project's own settings; Concord's first setup adds only its module to the module bar.
  const projectSettings = () => call('GET', '/settings?fields=project_name,project_owner,default_language,project_color,public_note');

  async function state(): Promise<{ schema: unknown; rows: unknown; liReads: unknown; settings: unknown }> {
    return { schema: await hostSchema(), rows: await hostRows(), liReads: await liReads(), settings: await projectSettings() };
  }

  beforeAll(async () => {
    if (!existsSync(join(BUNDLE_DIR, 'package.json'))) throw new Error('Build the bundle first: npm run build.');
    dir = mkdtempSync(join(tmpdir(), 'concord-host-project-'));
    port = await freePort();
    // A Directus project of its own: package.json, .env, the CLI's bootstrap.
    writeProject(dir, port);
    await runDirectusCli(['bootstrap'], projectEnv(), dir);
    await start();

    const integerKey = { field: 'id', type: 'integer', schema: { is_primary_key: true, has_auto_increment: true }, meta: { hidden: true } };
    await call('POST', '/collections', { collection: 'authors', schema: {}, meta: {}, fields: [integerKey, { field: 'name', type: 'string', meta: { interface: 'input' } }] });
    await call('POST', '/collections', { collection: 'tags', schema: {}, meta: {}, fields: [integerKey, { field: 'label', type: 'string', meta: { interface: 'input' } }] });
    await call('POST', '/collections', {
      collection: 'books',
      schema: {},
      meta: {},
      fields: [integerKey, { field: 'title', type: 'string', meta: { interface: 'input' } }, { field: 'owner', type: 'string', meta: { interface: 'input' } }, { field: 'author', type: 'integer', meta: { interface: 'select-dropdown-m2o', special: ['m2o'] } }],
    });
    await call('POST', '/collections', {
      collection: 'books_tags',
      schema: {},
      meta: { hidden: true },
      fields: [integerKey, { field: 'books_id', type: 'integer', meta: { hidden: true } }, { field: 'tags_id', type: 'integer', meta: { hidden: true } }],
    });
    // Studio gives every field its meta (a snapshot lists only fields that have one).
    // m2o books.author with its o2m authors.books; m2m books.tags through books_tags.
    await call('POST', '/fields/authors', { field: 'books', type: 'alias', meta: { special: ['o2m'], interface: 'list-o2m' } });
    await call('POST', '/relations', { collection: 'books', field: 'author', related_collection: 'authors', meta: { one_field: 'books' }, schema: { on_delete: 'SET NULL' } });
    await call('POST', '/fields/books', { field: 'tags', type: 'alias', meta: { special: ['m2m'], interface: 'list-m2m' } });
    await call('POST', '/relations', { collection: 'books_tags', field: 'books_id', related_collection: 'books', meta: { one_field: 'tags', junction_field: 'tags_id' }, schema: { on_delete: 'CASCADE' } });
    await call('POST', '/relations', { collection: 'books_tags', field: 'tags_id', related_collection: 'tags', meta: { one_field: null, junction_field: 'books_id' }, schema: { on_delete: 'CASCADE' } });

    const [luxun, laoshe] = [await call<{ id: number }>('POST', '/items/authors', { name: '鲁迅' }), await call<{ id: number }>('POST', '/items/authors', { name: '老舍' })];
    const [classic, novel] = [await call<{ id: number }>('POST', '/items/tags', { label: '经典' }), await call<{ id: number }>('POST', '/items/tags', { label: '小说' })];
    await call('POST', '/items/books', { title: '呐喊', owner: 'li', author: luxun.id, tags: [{ tags_id: classic.id }] });
    await call('POST', '/items/books', { title: '骆驼祥子', owner: 'li', author: laoshe.id, tags: [{ tags_id: classic.id }, { tags_id: novel.id }] });
    await call('POST', '/items/books', { title: '茶馆', owner: 'wang', author: laoshe.id, tags: [] });

    // A reader who sees only their own books, through a row rule of the project's own policy.
    const policy = await call<{ id: string }>('POST', '/policies', { name: 'Own books', app_access: false, admin_access: false });
    await call('POST', '/permissions', { policy: policy.id, collection: 'books', action: 'read', fields: ['*'], permissions: { owner: { _eq: 'li' } } });
    for (const collection of ['authors', 'tags', 'books_tags']) await call('POST', '/permissions', { policy: policy.id, collection, action: 'read', fields: ['*'], permissions: {} });
    const role = await call<{ id: string }>('POST', '/roles', { name: 'Readers', policies: { create: [{ policy: policy.id }] } });
    await call('POST', '/users', { email: 'li@example.com', password: 'li-password-1', role: role.id, token: LI_TOKEN });

    before = await state();
    const schema = before.schema as { collections: unknown[]; fields: unknown[]; relations: unknown[] };
    expect([schema.collections.length, schema.fields.length, schema.relations.length]).toEqual([4, 13, 3]);
    expect(before.liReads).toEqual([
      { title: '呐喊', author: { name: '鲁迅' }, tags: [{ tags_id: { label: '经典' } }] },
      { title: '骆驼祥子', author: { name: '老舍' }, tags: [{ tags_id: { label: '经典' } }, { tags_id: { label: '小说' } }] },
    ]);
    await stop();

    // Adding Concord: the bundle into the project's extensions folder, then the project's own start.
    cpSync(BUNDLE_DIR, join(dir, 'extensions', 'concord'), { recursive: true });
    await start();
  }, 900_000);

  afterAll(async () => {
    await stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Concord at work in the project: a case moved through /concord, an evaluation run, an Insights panel's data. */
  async function expectConcordWorks(label: string): Promise<void> {
    const email = `agent.${label}@example.com`;
    await call('POST', '/users', { email, password: 'agent-password-1', role: ROLE_IDS.department('service'), cc_department: 'service' });
    const login = await call<{ access_token: string }>('POST', '/auth/login', { email, password: 'agent-password-1' }, '');
    const agent = login.access_token;
    const [complaint] = await call<Array<{ id: number }>>('GET', '/items/cc_workflows?filter[key][_eq]=complaint&fields=id');
    const customer = await call<{ id: number }>('POST', '/items/cc_customers', { name: `宿主项目的客户 ${label}` });
    const created = await call<{ id: number }>('POST', '/items/cc_cases', { title: `投诉 ${label}`, workflow: complaint!.id, customer: customer.id }, agent);
    const moved = await call<{ case: { state: number } }>('POST', `/concord/cases/${created.id}/transitions`, { to: 'investigating' }, agent);
    const [investigating] = await call<Array<{ id: number }>>('GET', `/items/cc_workflow_states?filter[workflow][_eq]=${complaint!.id}&filter[key][_eq]=investigating&fields=id`);
    expect((await call<{ state: number }>('GET', `/items/cc_cases/${created.id}?fields=state`)).state).toBe(investigating!.id);
    expect(moved).toBeTruthy();

    const startsOn = label === 'first' ? '2025-01-01' : '2025-02-01';
    const cycle = await call<{ id: number; status: string }>('POST', '/items/cc_evaluation_cycles', { period_kind: 'monthly', starts_on: startsOn });
    expect(cycle.status).toBe('draft');
    await call('POST', `/concord/evaluation/cycles/${cycle.id}/run`, {});

    const board = await call<{ states: unknown[] }>('GET', '/concord/insights/sla', undefined, agent);
    expect(board.states.length).toBeGreaterThan(0);
  }

  it('sets Concord up on the project’s own start and Concord works there, without its demo company', async () => {
    await expectConcordWorks('first');
    expect(await call<unknown[]>('GET', '/items/cc_teams?fields=id')).toEqual([]);
  });

  it('leaves the project’s own schema, rows and row rule as they were', async () => {
    expect(await state()).toEqual(before);
  });

  it('after a restart: Concord still works, and the project is still as it was', async () => {
    await stop();
    await start();
    await expectConcordWorks('again');
    expect(await state()).toEqual(before);
  }, 600_000);
});

/** A Directus project of its own: package.json and .env (SQLite), as `npm init directus-project` leaves one. */
function writeProject(dir: string, port: number): void {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'host-project', private: true }));
  writeFileSync(
    join(dir, '.env'),
    [
      'DB_CLIENT=sqlite3',
      `DB_FILENAME=${join(dir, 'data.db')}`,
      `KEY=${randomBytes(16).toString('hex')}`,
      `SECRET=${randomBytes(32).toString('hex')}`,
      `ADMIN_EMAIL=${ADMIN.email}`,
      `ADMIN_PASSWORD=${ADMIN.password}`,
      `PORT=${port}`,
      `PUBLIC_URL=http://127.0.0.1:${port}`,
      `STORAGE_LOCAL_ROOT=${join(dir, 'uploads')}`,
      `TEMP_PATH=${join(dir, 'tmp')}`,
      'EXTENSIONS_MUST_LOAD=true',
      'TELEMETRY=false',
      'LOG_LEVEL=warn',
      'RATE_LIMITER_ENABLED=false',
      'PRESSURE_LIMITER_ENABLED=false',
      '',
    ].join('\n'),
  );
}

async function signInAdmin(base: string): Promise<string> {
  const response = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  if (!response.ok) throw new Error(`admin sign-in: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { data: { access_token: string } }).data.access_token;
}

describe('Concord added to a project that has its own cc_customers', () => {
  let dir: string;
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start, naming the clash, before writing anything', async () => {
    dir = mkdtempSync(join(tmpdir(), 'concord-host-clash-'));
    const port = await freePort();
    const env = { HOME: process.env['HOME'] ?? '', PORT: String(port) };
    writeProject(dir, port);
    await runDirectusCli(['bootstrap'], env, dir);
    const server = await startDirectus(env, { cwd: dir });
    try {
      const token = await signInAdmin(server.url);
      const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post('/collections', { collection: 'cc_customers', schema: {}, meta: {}, fields: [{ field: 'id', type: 'integer', schema: { is_primary_key: true, has_auto_increment: true } }, { field: 'company', type: 'string' }] })).status).toBe(200);
      expect((await post('/items/cc_customers', { company: '宿主公司自己的客户' })).status).toBe(200);
    } finally {
      await server.stop();
    }
    const tablesBefore = await tables(dir);

    cpSync(BUNDLE_DIR, join(dir, 'extensions', 'concord'), { recursive: true });
    await expect(startDirectus(env, { cwd: dir })).rejects.toThrow(
      'Concord cannot start: This project already has a collection named cc_customers that Concord did not create and needs the name of: rename it in the project (or add Concord to another project), then start again. Nothing was changed.',
    );
    expect(await tables(dir)).toEqual(tablesBefore);
    const db = connectDatabase({ DB_CLIENT: 'sqlite3', DB_FILENAME: join(dir, 'data.db') });
    try {
      expect(await db('cc_customers').select('company')).toEqual([{ company: '宿主公司自己的客户' }]);
      expect(await db('directus_roles').count({ n: '*' }).first()).toEqual({ n: 1 });
    } finally {
      await db.destroy();
    }
  }, 600_000);
});

/** The project's tables, read from its database file. */
async function tables(dir: string): Promise<string[]> {
  const db = connectDatabase({ DB_CLIENT: 'sqlite3', DB_FILENAME: join(dir, 'data.db') });
  try {
    return ((await db.raw(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`)) as Array<{ name: string }>).map((t) => t.name);
  } finally {
    await db.destroy();
  }
}
