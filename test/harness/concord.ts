import { authentication, createDirectus, createUser, rest, staticToken, type DirectusClient, type RestClient } from '@directus/sdk';
import type { Knex } from 'knex';
import { afterAll, inject } from 'vitest';
import { connectDatabase } from '../../host/database.ts';
import { POLICY_IDS, ROLE_IDS } from '../../src/access/model.ts';
import type { Schema } from './schema.ts';

export type Client = DirectusClient<Schema> & RestClient<Schema>;

export function concord() {
  return inject('concord');
}

export function adminClient(): Client {
  const { url, adminToken } = concord();
  return createDirectus<Schema>(url).with(staticToken(adminToken)).with(rest());
}

let counter = 0;

/** The password of every user createStaff makes. */
export const TEST_STAFF_PASSWORD = 'test-password-1';

export interface StaffUser {
  id: string;
  email: string;
  client: Client;
}

/** Departments whose head a test replaced, with the head they had: put back after the file (see below). */
const replacedHeads = new Map<string, string | null>();

/**
 * The demo heads hold the manager policy as heads; a file that named a head of its own gives the
 * department its head back, so what the next file finds does not depend on the order files run in.
 */
afterAll(async () => {
  for (const [department, head] of replacedHeads) {
    await rawAdmin('PATCH', `/items/cc_departments/${department}`, { head });
    // The people hook links the manager policy after the write; wait for it, as the next file will not.
    if (head) {
      for (let tries = 0; tries < 50; tries += 1) {
        const links = await rawAdmin<unknown[]>('GET', `/access?filter[user][_eq]=${head}&filter[policy][_eq]=${POLICY_IDS.manager}&fields=id`);
        if (links.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
  replacedHeads.clear();
});

/**
 * Creates a real staff member of a department (its role and policies, as an admin would), signs
 * them in and returns an SDK client acting as them.
 */
export async function createStaff(
  department: string,
  options: { head?: boolean; manager?: boolean; label?: string } = {},
): Promise<StaffUser> {
  counter += 1;
  const email = `${options.label ?? department}.${Date.now().toString(36)}${counter}@example.com`;
  const password = TEST_STAFF_PASSWORD;
  const admin = adminClient();
  const user = await admin.request(
    createUser({ email, password, first_name: 'Test', last_name: `${department}${counter}`, role: ROLE_IDS.department(department), cc_department: department }),
  );
  if (options.head) {
    if (!replacedHeads.has(department)) replacedHeads.set(department, (await rawAdmin<{ head: string | null }>('GET', `/items/cc_departments/${department}?fields=head`)).head);
    await rawAdmin('PATCH', `/items/cc_departments/${department}`, { head: user.id });
  }
  if (options.head || options.manager) await rawAdmin('POST', '/access', { user: user.id, policy: POLICY_IDS.manager });
  return { id: user.id, email, client: await signIn(email, password) };
}

/** The access token of a signed-in user, for raw HTTP calls as them. */
export async function tokenOf(user: StaffUser): Promise<string> {
  const token = await (user.client as unknown as { getToken(): Promise<string | null> }).getToken();
  if (!token) throw new Error(`${user.email} is not signed in`);
  return token;
}

export async function signIn(email: string, password: string): Promise<Client> {
  const client = createDirectus<Schema>(concord().url).with(authentication('json')).with(rest());
  await client.login({ email, password });
  return client;
}

/** Admin call for system endpoints the SDK types awkwardly; throws with the body on failure. */
export async function rawAdmin<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const { url, adminToken } = concord();
  const response = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text).data : undefined) as T;
}

export interface RefusalShape {
  status: number | undefined;
  code: string | undefined;
  message: string | undefined;
  extensions: Record<string, unknown> | undefined;
}

/** Runs a request that must fail and returns what the server said. */
export async function refusal(request: Promise<unknown>): Promise<RefusalShape> {
  try {
    await request;
  } catch (error: unknown) {
    const e = error as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }>; response?: Response };
    const first = e.errors?.[0];
    return { status: e.response?.status, code: first?.extensions?.['code'] as string | undefined, message: first?.message, extensions: first?.extensions };
  }
  throw new Error('Expected the request to be refused, but it succeeded.');
}

let database: Knex | undefined;

/**
 * Direct database access for fixtures the API rightly refuses (backdating a case to breach its
 * SLA, say), as Directus's own blackbox tests seed through knex. Never used to assert API results.
 */
export function testDb(): Knex {
  database ??= connectDatabase(concord().database);
  return database;
}

afterAll(async () => {
  await database?.destroy();
  database = undefined;
});

export type Json = { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };

export interface HttpResult {
  status: number;
  headers: Headers;
  json: Json | undefined;
  text: string;
}

/**
 * A raw HTTP call to the server under test, for what the SDK does not express (imports, odd payloads).
 * `json` is a JSON body as written, for values JSON.stringify cannot produce (`1e309`).
 */
export async function http(method: string, path: string, options: { token?: string | null; body?: unknown; json?: string; form?: FormData; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  const text = options.json ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined);
  const response = await fetch(concord().url + path, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(text === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(text !== undefined ? { body: text } : options.form ? { body: options.form } : {}),
  });
  const answer = await response.text();
  let json: Json | undefined;
  try {
    json = answer ? (JSON.parse(answer) as Json) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text: answer };
}
