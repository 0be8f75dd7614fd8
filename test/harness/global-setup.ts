import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { bootConcord } from '../../host/boot.ts';
import { freePort } from '../../host/directus.ts';
import { resolveSettings } from '../../host/env.ts';
import { CHEAP_HASHING } from './cheap-hashing.ts';
import { startMailCatcher } from './mail-catcher.ts';
import { startPostgres, type PostgresServer } from './postgres.ts';

export interface ConcordUnderTest {
  url: string;
  adminToken: string;
  staffPassword: string;
  dataDir: string;
  /** Where the test SMTP server drops each message Directus sends. */
  mailDir: string;
  /** The server's SECRET, for fixtures that must sign what only the server signs (expired survey links). */
  secret: string;
  /** The Directus database settings (DB_CLIENT and its connection), for fixtures written through knex. */
  database: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    concord: ConcordUnderTest;
  }
}

/** The database the integration and browser suites run on: CONCORD_TEST_DB=sqlite (default) or pg. */
export function testVendor(): 'sqlite' | 'pg' {
  const vendor = process.env['CONCORD_TEST_DB'] ?? 'sqlite';
  if (vendor !== 'sqlite' && vendor !== 'pg') throw new Error(`CONCORD_TEST_DB must be sqlite or pg, not "${vendor}".`);
  return vendor;
}

/**
 * Boots one real Directus with the built Concord extensions on a throw-away database (a SQLite
 * file, or with CONCORD_TEST_DB=pg a PostgreSQL server of its own) and a free port, configured and
 * seeded exactly as `npm start` does, for the whole test run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'concord-test-'));
  let postgres: PostgresServer | null = null;
  let pgDir: string | null = null;
  let database: Record<string, string> = { DB_CLIENT: 'sqlite3', DB_FILENAME: join(dataDir, 'concord.db') };
  if (testVendor() === 'pg') {
    pgDir = mkdtempSync(join(tmpdir(), 'concord-test-pg-'));
    postgres = await startPostgres(pgDir);
    await postgres.createDatabase('concord');
    database = postgres.directusEnv('concord');
  }
  const port = await freePort();
  const mail = await startMailCatcher(join(dataDir, 'mail'));
  const secret = randomBytes(32).toString('hex');
  const adminToken = randomBytes(24).toString('hex');
  const settings = resolveSettings(
    {
      ...(postgres ? database : {}),
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      KEY: randomBytes(16).toString('hex'),
      SECRET: secret,
      ADMIN_TOKEN: adminToken,
      PORT: String(port),
      LOG_LEVEL: 'error',
      ...CHEAP_HASHING,
      // Tests sign in many users in quick succession from one address.
      RATE_LIMITER_ENABLED: 'false',
      // A busy test machine must not have Directus refuse the tests' own requests with 503.
      PRESSURE_LIMITER_ENABLED: 'false',
      ACCESS_TOKEN_TTL: '1h',
      EMAIL_FROM: 'concord@example.com',
      EMAIL_TRANSPORT: 'smtp',
      EMAIL_SMTP_HOST: '127.0.0.1',
      EMAIL_SMTP_PORT: String(mail.port),
      EMAIL_SMTP_SECURE: 'false',
      EMAIL_SMTP_IGNORE_TLS: 'true',
      // Escalation runs are triggered by the tests through the admin endpoint, not the clock.
      CONCORD_SLA_ENABLED: 'false',
      // The stalled-body tests wait this out once per run (20 s by default).
      CONCORD_BODY_TIMEOUT_SECONDS: '3',
      // The demo generated as of a fixed instant (e.g. CONCORD_TEST_DEMO_NOW=2026-12-02T09:00:00+08:00) instead of now.
      ...(process.env['CONCORD_TEST_DEMO_NOW'] ? { CONCORD_DEMO_NOW: process.env['CONCORD_TEST_DEMO_NOW'] } : {}),
    },
    { dataDir },
  );
  const started = Date.now();
  let server;
  try {
    ({ server } = await bootConcord(settings));
  } catch (error) {
    await postgres?.stop();
    if (pgDir) rmSync(pgDir, { recursive: true, force: true });
    throw error;
  }
  console.log(`Concord under test on ${testVendor()} at ${server.url} (booted in ${((Date.now() - started) / 1000).toFixed(1)}s)`);
  project.provide('concord', { url: server.url, adminToken, staffPassword: settings.staffPassword, dataDir, mailDir: join(dataDir, 'mail'), secret, database });
  return async () => {
    await server.stop();
    await mail.stop();
    await postgres?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (pgDir) rmSync(pgDir, { recursive: true, force: true });
  };
}
