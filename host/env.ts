import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { DATA_DIR, ENV_FILE, ROOT } from './paths.ts';

export { SettingError } from '../src/setup/setting-error.ts';
import { SettingError } from '../src/setup/setting-error.ts';

export const DEFAULT_ADMIN_PASSWORD = 'concord-admin';
export const DEFAULT_STAFF_PASSWORD = 'concord-demo';

export interface ConcordSettings {
  /** Everything handed to the Directus process. */
  directus: Record<string, string>;
  port: number;
  publicUrl: string;
  adminEmail: string;
  adminPassword: string;
  /** The admin's static token at creation (tests use it); Concord's own start does not depend on it. */
  adminToken: string | null;
  staffPassword: string;
  seedDemo: boolean;
  /** The instant the demo company's generated history ends (CONCORD_DEMO_NOW; default: the start's own time). */
  demoNow: Date | null;
  /** How many instances serve this database (CONCORD_INSTANCES). */
  instances: number;
  /** The Directus project this checkout runs (CONCORD_DATA_DIR): its database, uploads and extensions/ with the bundle. */
  projectDir: string;
}

export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new SettingError(`Line ${index + 1} of .env is not NAME=value: "${line}". Fix or delete that line.`);
    const [, name, value] = match as unknown as [string, string, string];
    values[name] = value.replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

function secret(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Reads .env, creating it on the first start on SQLite with random KEY, SECRET and ADMIN_TOKEN so
 * that they survive restarts (sessions and tokens stay valid). A PostgreSQL database may be shared
 * by several instances, which must all hold the same secrets: for it nothing is generated, the
 * secrets come from the environment or a .env the operator wrote. Process environment wins over
 * the file.
 */
export function loadLocalEnv(file: string = ENV_FILE): Record<string, string> {
  const fromFile = existsSync(file) ? parseEnvFile(readFileSync(file, 'utf8')) : null;
  const merged = { ...fromFile, ...definedOnly(process.env) };
  if (fromFile || merged['DB_CLIENT'] === 'pg') return merged;
  writeFileSync(
    file,
    [
      '# Created by npm start on first run. Keep it private; delete it to start from new secrets.',
      `KEY=${secret(24)}`,
      `SECRET=${secret(32)}`,
      `ADMIN_TOKEN=${secret(32)}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return { ...parseEnvFile(readFileSync(file, 'utf8')), ...definedOnly(process.env) };
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Turns raw variables into validated settings; every problem is one actionable sentence. */
export function resolveSettings(raw: Record<string, string>, options: { dataDir?: string } = {}): ConcordSettings {
  const portText = raw['PORT'] ?? '8055';
  if (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw new SettingError(`PORT must be a whole number between 1 and 65535, not "${portText}".`);
  }
  const port = Number(portText);
  const dbClient = raw['DB_CLIENT'] ?? 'sqlite3';
  if (dbClient !== 'sqlite3' && dbClient !== 'pg') {
    throw new SettingError(`DB_CLIENT "${dbClient}" is not supported; use sqlite3 (default) or pg.`);
  }
  for (const name of ['KEY', 'SECRET']) {
    if (raw[name]) continue;
    throw new SettingError(
      dbClient === 'pg'
        ? `${name} is not set; on PostgreSQL every instance must use the same KEY and SECRET, so Concord does not generate them: set ${name} in the environment or .env.`
        : `${name} is missing from .env; delete .env to have new secrets generated, or set ${name}.`,
    );
  }
  if ((raw['SECRET'] ?? '').length < 32) throw new SettingError('SECRET in .env is shorter than 32 characters; use a long random value.');
  const instances = resolveInstances(raw, dbClient);
  if (raw['CACHE_ENABLED'] === 'true') {
    throw new SettingError(
      "CACHE_ENABLED=true is not supported: Concord writes workflow history, overrides and permission changes straight to the database, where Directus's response cache would keep serving what they replaced; leave it off (Directus's schema and permission caches stay on).",
    );
  }
  const adminEmail = raw['ADMIN_EMAIL'] ?? 'admin@example.com';
  if (!/^[^@\s]+@[^@\s]+$/.test(adminEmail)) throw new SettingError(`ADMIN_EMAIL "${adminEmail}" is not an e-mail address.`);
  const adminPassword = raw['ADMIN_PASSWORD'] ?? DEFAULT_ADMIN_PASSWORD;
  const staffPassword = raw['CONCORD_STAFF_PASSWORD'] ?? DEFAULT_STAFF_PASSWORD;
  if (raw['NODE_ENV'] === 'production') {
    if (adminPassword === DEFAULT_ADMIN_PASSWORD) throw new SettingError('NODE_ENV is production but ADMIN_PASSWORD is the public default; set your own.');
    if (staffPassword === DEFAULT_STAFF_PASSWORD) throw new SettingError('NODE_ENV is production but CONCORD_STAFF_PASSWORD is the public default; set your own.');
  }
  const seedText = raw['CONCORD_SEED_DEMO'] ?? 'true';
  if (seedText !== 'true' && seedText !== 'false') throw new SettingError(`CONCORD_SEED_DEMO must be true or false, not "${seedText}".`);

  const demoNowText = raw['CONCORD_DEMO_NOW'];
  const demoNow = demoNowText === undefined || demoNowText === '' ? null : new Date(demoNowText);
  if (demoNow && (!/^\d{4}-\d{2}-\d{2}/.test(demoNowText as string) || Number.isNaN(demoNow.getTime()))) {
    throw new SettingError(`CONCORD_DEMO_NOW must be a date and time such as 2026-12-02T10:00:00+08:00, not "${demoNowText}".`);
  }

  const dataDir = options.dataDir ?? (raw['CONCORD_DATA_DIR'] ? resolvePath(raw['CONCORD_DATA_DIR']) : DATA_DIR);
  const publicUrl = raw['PUBLIC_URL'] ?? `http://localhost:${port}`;
  const directus: Record<string, string> = {
    HOST: '0.0.0.0',
    DB_CLIENT: dbClient,
    ...(dbClient === 'sqlite3' ? { DB_FILENAME: join(dataDir, 'concord.db') } : {}),
    STORAGE_LOCATIONS: 'local',
    STORAGE_LOCAL_ROOT: join(dataDir, 'uploads'),
    // Directus writes the bundle of app extensions Studio loads under TEMP_PATH, by default inside
    // node_modules: checkouts sharing one node_modules would serve each other's panels.
    TEMP_PATH: join(dataDir, 'tmp'),
    ...(instances > 1 ? SHARED_STORES : {}),
    // The project's own extensions folder, where the start installs the built bundle (dist/concord).
    EXTENSIONS_PATH: join(dataDir, 'extensions'),
    EXTENSIONS_MUST_LOAD: 'true',
    EXTENSIONS_AUTO_RELOAD: 'false',
    TELEMETRY: 'false',
    LOG_LEVEL: 'warn',
    // One frozen schema object shared by every request, instead of a deep copy per request: cheaper
    // for Directus, and lets Concord keep what it derives from a schema until the schema changes.
    CACHE_SCHEMA_FREEZE_ENABLED: 'true',
    ...passThrough(raw),
    // Directus would read ./.env itself and let it override these values; we already merged it.
    CONFIG_PATH: '/dev/null',
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    ADMIN_EMAIL: adminEmail,
    ADMIN_PASSWORD: adminPassword,
    // Read by the bundle's setup inside Directus (src/setup/setup.ts).
    CONCORD_SEED_DEMO: seedText,
    CONCORD_STAFF_PASSWORD: staffPassword,
    CONCORD_INSTANCES: String(instances),
  };
  return {
    directus,
    port,
    publicUrl,
    adminEmail,
    adminPassword,
    adminToken: raw['ADMIN_TOKEN'] ?? null,
    staffPassword,
    seedDemo: seedText === 'true',
    demoNow,
    instances,
    projectDir: dataDir,
  };
}

/** Directus state several instances must share, kept in Redis (REDIS). */
const SHARED_STORES = { CACHE_STORE: 'redis', SYNCHRONIZATION_STORE: 'redis', RATE_LIMITER_STORE: 'redis' };

/**
 * CONCORD_INSTANCES says how many instances serve one database behind a load balancer (default 1).
 * Several need PostgreSQL, Redis for Directus's shared state, and one upload storage all of them
 * see: the storage location must be named explicitly (a shared folder or a cloud driver), never
 * the checkout's own data folder.
 */
function resolveInstances(raw: Record<string, string>, dbClient: string): number {
  const text = raw['CONCORD_INSTANCES'] ?? '1';
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new SettingError(`CONCORD_INSTANCES must be a whole number of at least 1, not "${text}".`);
  const instances = Number(text);
  if (instances === 1) return 1;
  if (dbClient !== 'pg') throw new SettingError('CONCORD_INSTANCES is more than 1 but the database is SQLite, which only one instance can serve: set DB_CLIENT=pg and the DB_* connection.');
  if (!raw['REDIS'] && !raw['REDIS_HOST']) throw new SettingError('CONCORD_INSTANCES is more than 1 but REDIS is not set: several instances share their caches, schedules and rate limits through Redis (REDIS=redis://host:6379).');
  for (const name of Object.keys(SHARED_STORES)) {
    if (raw[name] && raw[name] !== 'redis') throw new SettingError(`CONCORD_INSTANCES is more than 1 but ${name} is "${raw[name]}": several instances must share it, set it to redis or leave it unset.`);
  }
  if (!raw['STORAGE_LOCATIONS']) {
    throw new SettingError('CONCORD_INSTANCES is more than 1 but STORAGE_LOCATIONS is not set, so uploads would stay in each checkout: name a storage every instance shares (STORAGE_LOCATIONS=local with STORAGE_LOCAL_ROOT on a shared folder, or an s3 location).');
  }
  for (const location of raw['STORAGE_LOCATIONS'].split(',').map((l) => l.trim().toUpperCase()).filter(Boolean)) {
    if ((raw[`STORAGE_${location}_DRIVER`] ?? 'local') === 'local' && !raw[`STORAGE_${location}_ROOT`]) {
      throw new SettingError(`CONCORD_INSTANCES is more than 1 but the local storage location ${location.toLowerCase()} has no STORAGE_${location}_ROOT: point it at a folder every instance shares.`);
    }
  }
  return instances;
}

/** Settings Concord's extensions read inside Directus; other CONCORD_* values stay out (the start sets those it hands on). */
const EXTENSION_SETTINGS = [
  'CONCORD_SLA_CRON',
  'CONCORD_SLA_ENABLED',
  'CONCORD_TIME_ZONE',
  'CONCORD_WORKDAY_HOURS',
  'CONCORD_UTILISATION_TARGET',
  'CONCORD_BUDGET_EXECUTION_TARGET',
  'CONCORD_IMPROVEMENT_THRESHOLD',
  'CONCORD_EVALUATION_CRON',
  'CONCORD_EVALUATION_ENABLED',
  'CONCORD_SURVEY_LINK_DAYS',
  'CONCORD_BODY_TIMEOUT_SECONDS',
  'CONCORD_GOVERNED_COLLECTIONS',
  'CONCORD_DIAGNOSIS_CACHE_SECONDS',
  'CONCORD_COMPANY_NAME',
  'CONCORD_SURVEY_CONTACT',
  'CONCORD_DEMO_NOW',
];

function passThrough(raw: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(raw).filter(([name]) => !name.startsWith('npm_') && (!name.startsWith('CONCORD_') || EXTENSION_SETTINGS.includes(name))),
  );
}

function resolvePath(path: string): string {
  return isAbsolute(path) ? path : join(ROOT, path);
}
