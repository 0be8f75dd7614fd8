import { describe, it, expect, afterEach, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_ADMIN_PASSWORD,
  DEFAULT_STAFF_PASSWORD,
  SettingError,
  loadLocalEnv,
  parseEnvFile,
  resolveSettings,
} from '../../host/env.ts';
import { DATA_DIR, ROOT } from '../../host/paths.ts';

const SECRET32 = 's'.repeat(32);
const BASE: Record<string, string> = { KEY: 'the-key', SECRET: SECRET32, ADMIN_TOKEN: 'the-token' };

function settingError(fn: () => unknown): SettingError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SettingError);
    expect(error).toBeInstanceOf(Error);
    return error as SettingError;
  }
  throw new Error('expected a SettingError, but nothing was thrown');
}

/** One sentence: a single line ending with a full stop, with no second sentence after ". ". */
function expectOneSentence(message: string): void {
  expect(message).not.toMatch(/\n/);
  expect(message).toMatch(/\.$/);
  expect(message).not.toMatch(/\.\s+[A-Z]/);
}

function resolveError(raw: Record<string, string>): string {
  const error = settingError(() => resolveSettings(raw, { dataDir: '/tmp/concord-data' }));
  expectOneSentence(error.message);
  return error.message;
}

describe('parseEnvFile', () => {
  it('returns an empty object for an empty file', () => {
    expect(parseEnvFile('')).toEqual({});
  });

  it('skips blank lines and comments', () => {
    expect(parseEnvFile('# comment\n\n   \n  # indented comment\nA=1\n')).toEqual({ A: '1' });
  });

  it('reads NAME=value with spaces around = and the line trimmed', () => {
    expect(parseEnvFile('A=1\n  B = two  \nC_3=x')).toEqual({ A: '1', B: 'two', C_3: 'x' });
  });

  it('handles CRLF line endings', () => {
    expect(parseEnvFile('A=1\r\nB=2\r\n')).toEqual({ A: '1', B: '2' });
  });

  it('keeps everything after the first = including further = and #', () => {
    expect(parseEnvFile('URL=postgres://u:p@h/db?ssl=true\nX=a#b')).toEqual({ URL: 'postgres://u:p@h/db?ssl=true', X: 'a#b' });
  });

  it('allows empty values', () => {
    expect(parseEnvFile('EMPTY=\nQUOTED=""')).toEqual({ EMPTY: '', QUOTED: '' });
  });

  it('strips one pair of matching single or double quotes', () => {
    expect(parseEnvFile(`A="hello world"\nB='x y'\nC="'inner'"`)).toEqual({ A: 'hello world', B: 'x y', C: "'inner'" });
  });

  it('keeps unmatched or lone quotes', () => {
    expect(parseEnvFile(`A="abc'\nB="abc\nC=abc"\nD="`)).toEqual({ A: `"abc'`, B: '"abc', C: 'abc"', D: '"' });
  });

  it('lets a later duplicate win', () => {
    expect(parseEnvFile('A=1\nA=2')).toEqual({ A: '2' });
  });

  it('accepts names starting with an underscore or lower case', () => {
    expect(parseEnvFile('_A=1\nlower=2')).toEqual({ _A: '1', lower: '2' });
  });

  it('rejects a line that is not NAME=value, naming its 1-based line number counting blank lines', () => {
    const error = settingError(() => parseEnvFile('A=1\n\nnot a setting\n'));
    expect(error.message).toBe('Line 3 of .env is not NAME=value: "not a setting". Fix or delete that line.');
  });

  it.each(['export A=1', '1A=2', 'A-B=1', '=value', 'A'])('rejects %j', (line) => {
    const error = settingError(() => parseEnvFile(line));
    expect(error.message).toContain(`Line 1 of .env is not NAME=value: "${line}"`);
  });
});

describe('resolveSettings', () => {
  describe('defaults', () => {
    const settings = resolveSettings(BASE, { dataDir: '/tmp/concord-data' });

    it('uses port 8055 and a matching localhost public URL', () => {
      expect(settings.port).toBe(8055);
      expect(settings.publicUrl).toBe('http://localhost:8055');
    });

    it('uses the default admin, staff and seeding settings', () => {
      expect(settings.adminEmail).toBe('admin@example.com');
      expect(settings.adminPassword).toBe(DEFAULT_ADMIN_PASSWORD);
      expect(settings.adminPassword).toBe('concord-admin');
      expect(settings.staffPassword).toBe(DEFAULT_STAFF_PASSWORD);
      expect(settings.staffPassword).toBe('concord-demo');
      expect(settings.adminToken).toBe('the-token');
      expect(settings.seedDemo).toBe(true);
    });

    it('hands Directus a complete sqlite configuration inside the data directory', () => {
      expect(settings.directus).toEqual({
        HOST: '0.0.0.0',
        DB_CLIENT: 'sqlite3',
        DB_FILENAME: join('/tmp/concord-data', 'concord.db'),
        STORAGE_LOCATIONS: 'local',
        STORAGE_LOCAL_ROOT: join('/tmp/concord-data', 'uploads'),
        TEMP_PATH: join('/tmp/concord-data', 'tmp'),
        EXTENSIONS_PATH: join('/tmp/concord-data', 'extensions'),
        EXTENSIONS_MUST_LOAD: 'true',
        EXTENSIONS_AUTO_RELOAD: 'false',
        TELEMETRY: 'false',
        LOG_LEVEL: 'warn',
        CACHE_SCHEMA_FREEZE_ENABLED: 'true',
        KEY: 'the-key',
        SECRET: SECRET32,
        ADMIN_TOKEN: 'the-token',
        CONFIG_PATH: '/dev/null',
        PORT: '8055',
        PUBLIC_URL: 'http://localhost:8055',
        ADMIN_EMAIL: 'admin@example.com',
        ADMIN_PASSWORD: DEFAULT_ADMIN_PASSWORD,
        CONCORD_SEED_DEMO: 'true',
        CONCORD_STAFF_PASSWORD: DEFAULT_STAFF_PASSWORD,
        CONCORD_INSTANCES: '1',
      });
    });
  });

  describe('PORT', () => {
    it.each([
      ['1', 1],
      ['80', 80],
      ['65535', 65535],
      ['08080', 8080],
    ])('accepts %j as %d', (text, port) => {
      const settings = resolveSettings({ ...BASE, PORT: text }, { dataDir: '/tmp/d' });
      expect(settings.port).toBe(port);
      expect(settings.directus['PORT']).toBe(String(port));
      expect(settings.publicUrl).toBe(`http://localhost:${port}`);
    });

    it.each(['0', '65536', '99999', '-1', '1.5', '80a', 'abc', '', ' 80', '8055 ', '1e3', '0x50'])('rejects %j', (text) => {
      expect(resolveError({ ...BASE, PORT: text })).toBe(`PORT must be a whole number between 1 and 65535, not "${text}".`);
    });
  });

  describe('secrets', () => {
    it.each(['KEY', 'SECRET'])('refuses a missing %s', (name) => {
      const raw = { ...BASE };
      delete raw[name];
      expect(resolveError(raw)).toBe(`${name} is missing from .env; delete .env to have new secrets generated, or set ${name}.`);
    });

    it.each(['KEY', 'SECRET'])('refuses an empty %s', (name) => {
      expect(resolveError({ ...BASE, [name]: '' })).toBe(
        `${name} is missing from .env; delete .env to have new secrets generated, or set ${name}.`,
      );
    });

    it('starts without ADMIN_TOKEN: the start configures Directus as its own configuration user', () => {
      const raw = { ...BASE };
      delete raw['ADMIN_TOKEN'];
      expect(resolveSettings(raw, { dataDir: '/tmp/d' }).adminToken).toBeNull();
    });

    it.each(['KEY', 'SECRET'])('on PostgreSQL, says the instances must share a missing %s', (name) => {
      const raw: Record<string, string> = { ...BASE, DB_CLIENT: 'pg' };
      delete raw[name];
      expect(resolveError(raw)).toBe(
        `${name} is not set; on PostgreSQL every instance must use the same KEY and SECRET, so Concord does not generate them: set ${name} in the environment or .env.`,
      );
    });

    it('names KEY first when everything is missing', () => {
      expect(resolveError({})).toMatch(/^KEY is missing/);
    });

    it('refuses a SECRET shorter than 32 characters', () => {
      expect(resolveError({ ...BASE, SECRET: 's'.repeat(31) })).toBe(
        'SECRET in .env is shorter than 32 characters; use a long random value.',
      );
    });

    it('accepts a SECRET of exactly 32 characters', () => {
      expect(() => resolveSettings({ ...BASE, SECRET: 'x'.repeat(32) }, { dataDir: '/tmp/d' })).not.toThrow();
    });

    it('checks PORT before the secrets', () => {
      expect(resolveError({ PORT: 'x' })).toMatch(/^PORT must be/);
    });
  });

  describe('DB_CLIENT', () => {
    it.each(['mysql', 'postgres', 'sqlite', 'PG', ''])('refuses %j', (client) => {
      expect(resolveError({ ...BASE, DB_CLIENT: client })).toBe(
        `DB_CLIENT "${client}" is not supported; use sqlite3 (default) or pg.`,
      );
    });

    it('accepts pg without a sqlite file and passes the pg settings through', () => {
      const settings = resolveSettings({ ...BASE, DB_CLIENT: 'pg', DB_HOST: 'db', DB_DATABASE: 'concord' }, { dataDir: '/tmp/d' });
      expect(settings.directus['DB_CLIENT']).toBe('pg');
      expect(settings.directus).not.toHaveProperty('DB_FILENAME');
      expect(settings.directus['DB_HOST']).toBe('db');
      expect(settings.directus['DB_DATABASE']).toBe('concord');
    });

    it('accepts an explicit sqlite3', () => {
      const settings = resolveSettings({ ...BASE, DB_CLIENT: 'sqlite3' }, { dataDir: '/tmp/d' });
      expect(settings.directus['DB_FILENAME']).toBe(join('/tmp/d', 'concord.db'));
    });
  });

  describe('admin e-mail', () => {
    it.each(['admin', 'a@b@c', 'a b@c.d', '@example.com', 'admin@', ''])('refuses %j', (email) => {
      expect(resolveError({ ...BASE, ADMIN_EMAIL: email })).toBe(`ADMIN_EMAIL "${email}" is not an e-mail address.`);
    });

    it('uses a valid address in the settings and for Directus', () => {
      const settings = resolveSettings({ ...BASE, ADMIN_EMAIL: 'boss@corp.cn' }, { dataDir: '/tmp/d' });
      expect(settings.adminEmail).toBe('boss@corp.cn');
      expect(settings.directus['ADMIN_EMAIL']).toBe('boss@corp.cn');
    });
  });

  describe('production', () => {
    const PROD = { ...BASE, NODE_ENV: 'production' };

    it('refuses the default admin password', () => {
      expect(resolveError({ ...PROD, CONCORD_STAFF_PASSWORD: 'own-staff' })).toBe(
        'NODE_ENV is production but ADMIN_PASSWORD is the public default; set your own.',
      );
    });

    it('refuses the default admin password when set explicitly', () => {
      expect(resolveError({ ...PROD, ADMIN_PASSWORD: 'concord-admin', CONCORD_STAFF_PASSWORD: 'own-staff' })).toMatch(
        /^NODE_ENV is production but ADMIN_PASSWORD/,
      );
    });

    it('refuses the default staff password', () => {
      expect(resolveError({ ...PROD, ADMIN_PASSWORD: 'own-admin' })).toBe(
        'NODE_ENV is production but CONCORD_STAFF_PASSWORD is the public default; set your own.',
      );
    });

    it('accepts own passwords', () => {
      const settings = resolveSettings({ ...PROD, ADMIN_PASSWORD: 'own-admin', CONCORD_STAFF_PASSWORD: 'own-staff' }, { dataDir: '/tmp/d' });
      expect(settings.adminPassword).toBe('own-admin');
      expect(settings.staffPassword).toBe('own-staff');
      expect(settings.directus['ADMIN_PASSWORD']).toBe('own-admin');
      expect(settings.directus['NODE_ENV']).toBe('production');
    });

    it.each(['development', 'test', 'Production'])('allows the defaults when NODE_ENV is %j', (env) => {
      const settings = resolveSettings({ ...BASE, NODE_ENV: env }, { dataDir: '/tmp/d' });
      expect(settings.adminPassword).toBe(DEFAULT_ADMIN_PASSWORD);
      expect(settings.staffPassword).toBe(DEFAULT_STAFF_PASSWORD);
    });
  });

  describe('CONCORD_SEED_DEMO', () => {
    it('is true by default and when "true"', () => {
      expect(resolveSettings({ ...BASE, CONCORD_SEED_DEMO: 'true' }, { dataDir: '/tmp/d' }).seedDemo).toBe(true);
    });

    it('is false when "false"', () => {
      expect(resolveSettings({ ...BASE, CONCORD_SEED_DEMO: 'false' }, { dataDir: '/tmp/d' }).seedDemo).toBe(false);
    });

    it.each(['TRUE', 'False', '1', '0', 'yes', 'no', '', ' true'])('refuses %j', (text) => {
      expect(resolveError({ ...BASE, CONCORD_SEED_DEMO: text })).toBe(`CONCORD_SEED_DEMO must be true or false, not "${text}".`);
    });
  });

  describe('the data cache and several instances', () => {
    it('refuses CACHE_ENABLED=true, which would serve reads Concord\'s own writes replaced', () => {
      expect(resolveError({ ...BASE, CACHE_ENABLED: 'true' })).toMatch(/^CACHE_ENABLED=true is not supported/);
      expect(resolveSettings({ ...BASE, CACHE_ENABLED: 'false' }, { dataDir: '/tmp/d' }).directus['CACHE_ENABLED']).toBe('false');
    });

    const SHARED: Record<string, string> = {
      ...BASE,
      DB_CLIENT: 'pg',
      CONCORD_INSTANCES: '2',
      REDIS: 'redis://127.0.0.1:6379',
      STORAGE_LOCATIONS: 'local',
      STORAGE_LOCAL_ROOT: '/srv/concord-uploads',
    };

    it('shares Directus\'s caches, synchronisation and rate limits through Redis when several instances serve one database', () => {
      const settings = resolveSettings(SHARED, { dataDir: '/tmp/d' });
      expect(settings.instances).toBe(2);
      expect(settings.directus).toMatchObject({ CACHE_STORE: 'redis', SYNCHRONIZATION_STORE: 'redis', RATE_LIMITER_STORE: 'redis', STORAGE_LOCAL_ROOT: '/srv/concord-uploads' });
      expect(resolveSettings(BASE, { dataDir: '/tmp/d' }).directus['SYNCHRONIZATION_STORE']).toBeUndefined();
    });

    it.each([
      ['SQLite', { DB_CLIENT: 'sqlite3' }, /database is SQLite/],
      ['no Redis', { REDIS: '' }, /REDIS is not set/],
      ['a store kept in memory', { CACHE_STORE: 'memory' }, /CACHE_STORE is "memory"/],
      ['no storage named', { STORAGE_LOCATIONS: '' }, /STORAGE_LOCATIONS is not set/],
      ['a local storage without a shared root', { STORAGE_LOCAL_ROOT: '' }, /local storage location local has no STORAGE_LOCAL_ROOT/],
      ['a count that is not a number', { CONCORD_INSTANCES: 'two' }, /CONCORD_INSTANCES must be a whole number/],
    ])('refuses several instances with %s', (_label, change, message) => {
      const raw: Record<string, string> = { ...SHARED, ...change };
      for (const [name, value] of Object.entries(raw)) if (value === '') delete raw[name];
      expect(resolveError(raw)).toMatch(message);
    });

    it('accepts an s3 storage location without a local root', () => {
      const raw: Record<string, string> = { ...SHARED, STORAGE_LOCATIONS: 's3', STORAGE_S3_DRIVER: 's3' };
      delete raw['STORAGE_LOCAL_ROOT'];
      expect(resolveSettings(raw, { dataDir: '/tmp/d' }).instances).toBe(2);
    });
  });

  describe('what reaches Directus', () => {
    it('passes other variables through but not npm_* ones nor CONCORD_* ones the bundle does not read; the setup inside gets the demo settings', () => {
      const settings = resolveSettings(
        {
          ...BASE,
          CACHE_AUTO_PURGE: 'true',
          CONCORD_STAFF_PASSWORD: 'staff-secret',
          CONCORD_SEED_DEMO: 'false',
          npm_config_cache: '/x',
          npm_lifecycle_event: 'start',
          CONCORD_SLA_CRON: '*/1 * * * *',
        },
        { dataDir: '/tmp/d' },
      );
      expect(settings.directus['CACHE_AUTO_PURGE']).toBe('true');
      expect(Object.keys(settings.directus).filter((k) => k.startsWith('CONCORD_') || k.startsWith('npm_')).sort()).toEqual(['CONCORD_INSTANCES', 'CONCORD_SEED_DEMO', 'CONCORD_SLA_CRON', 'CONCORD_STAFF_PASSWORD']);
      // The bundle seeds the demo staff inside Directus, with this password, only when CONCORD_SEED_DEMO is true.
      expect([settings.directus['CONCORD_SEED_DEMO'], settings.directus['CONCORD_STAFF_PASSWORD']]).toEqual(['false', 'staff-secret']);
    });

    it('lets the file override Directus defaults such as LOG_LEVEL and HOST', () => {
      const settings = resolveSettings({ ...BASE, LOG_LEVEL: 'debug', HOST: '127.0.0.1' }, { dataDir: '/tmp/d' });
      expect(settings.directus['LOG_LEVEL']).toBe('debug');
      expect(settings.directus['HOST']).toBe('127.0.0.1');
    });

    it('always sends the validated PORT, PUBLIC_URL, ADMIN_EMAIL and ADMIN_PASSWORD', () => {
      const settings = resolveSettings({ ...BASE, PORT: '09000' }, { dataDir: '/tmp/d' });
      expect(settings.directus['PORT']).toBe('9000');
      expect(settings.directus['PUBLIC_URL']).toBe('http://localhost:9000');
      expect(settings.directus['ADMIN_EMAIL']).toBe('admin@example.com');
      expect(settings.directus['ADMIN_PASSWORD']).toBe(DEFAULT_ADMIN_PASSWORD);
    });

    it('uses PUBLIC_URL as given', () => {
      const settings = resolveSettings({ ...BASE, PUBLIC_URL: 'https://concord.example.com' }, { dataDir: '/tmp/d' });
      expect(settings.publicUrl).toBe('https://concord.example.com');
      expect(settings.directus['PUBLIC_URL']).toBe('https://concord.example.com');
    });
  });

  describe('data directory', () => {
    it('defaults to DATA_DIR', () => {
      const settings = resolveSettings(BASE);
      expect(settings.directus['DB_FILENAME']).toBe(join(DATA_DIR, 'concord.db'));
      expect(settings.directus['STORAGE_LOCAL_ROOT']).toBe(join(DATA_DIR, 'uploads'));
    });

    it('uses an absolute CONCORD_DATA_DIR as is', () => {
      const settings = resolveSettings({ ...BASE, CONCORD_DATA_DIR: '/srv/concord' });
      expect(settings.directus['DB_FILENAME']).toBe('/srv/concord/concord.db');
      expect(settings.directus['STORAGE_LOCAL_ROOT']).toBe('/srv/concord/uploads');
    });

    it('resolves a relative CONCORD_DATA_DIR against the project root', () => {
      const settings = resolveSettings({ ...BASE, CONCORD_DATA_DIR: 'var/data' });
      expect(settings.directus['DB_FILENAME']).toBe(join(ROOT, 'var', 'data', 'concord.db'));
    });

    it('prefers the dataDir option over CONCORD_DATA_DIR', () => {
      const settings = resolveSettings({ ...BASE, CONCORD_DATA_DIR: '/srv/concord' }, { dataDir: '/opt/d' });
      expect(settings.directus['DB_FILENAME']).toBe('/opt/d/concord.db');
    });
  });

  it('does not modify the raw variables', () => {
    const raw = { ...BASE, PORT: '9000', CONCORD_SEED_DEMO: 'false' };
    const copy = { ...raw };
    resolveSettings(raw, { dataDir: '/tmp/d' });
    expect(raw).toEqual(copy);
  });
});

describe('loadLocalEnv (temporary file)', () => {
  let dir: string | undefined;

  afterEach(() => {
    vi.unstubAllEnvs();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('creates a private .env with random secrets on first use and reuses it afterwards', () => {
    dir = mkdtempSync(join(tmpdir(), 'concord-env-'));
    const file = join(dir, '.env');
    const first = loadLocalEnv(file);
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
    const parsed = parseEnvFile(readFileSync(file, 'utf8'));
    expect(Object.keys(parsed).sort()).toEqual(['ADMIN_TOKEN', 'KEY', 'SECRET']);
    expect(parsed['SECRET']!.length).toBeGreaterThanOrEqual(32);
    expect(parsed['KEY']).not.toBe(parsed['SECRET']);
    expect(new Set([parsed['KEY'], parsed['SECRET'], parsed['ADMIN_TOKEN']]).size).toBe(3);
    for (const name of ['KEY', 'SECRET', 'ADMIN_TOKEN']) {
      if (process.env[name] === undefined) expect(first[name]).toBe(parsed[name]);
    }
    const second = loadLocalEnv(file);
    expect(parseEnvFile(readFileSync(file, 'utf8'))).toEqual(parsed);
    expect(second['SECRET']).toBe(first['SECRET']);
  });

  it('lets the process environment win over the file', () => {
    dir = mkdtempSync(join(tmpdir(), 'concord-env-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'CONCORD_TEST_ONLY_A=from-file\nCONCORD_TEST_ONLY_B=file-only\n');
    vi.stubEnv('CONCORD_TEST_ONLY_A', 'from-process');
    const env = loadLocalEnv(file);
    expect(env['CONCORD_TEST_ONLY_A']).toBe('from-process');
    expect(env['CONCORD_TEST_ONLY_B']).toBe('file-only');
  });

  it('generates no secrets for PostgreSQL, whose instances must share them', () => {
    dir = mkdtempSync(join(tmpdir(), 'concord-env-'));
    const file = join(dir, '.env');
    vi.stubEnv('DB_CLIENT', 'pg');
    loadLocalEnv(file);
    expect(() => statSync(file)).toThrow();
  });
});
