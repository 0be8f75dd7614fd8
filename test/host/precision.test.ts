import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootConcord, type BootedConcord } from '../../host/boot.ts';
import { connectDatabase } from '../../host/database.ts';
import { freePort } from '../../host/directus.ts';
import { resolveSettings, type ConcordSettings } from '../../host/env.ts';
import { SCHEMA_VERSION } from '../../src/setup/installation.ts';
import { readSnapshot } from '../../host/snapshot-file.ts';
import { CHEAP_HASHING } from '../harness/cheap-hashing.ts';
import { startPostgres, type PostgresServer } from '../harness/postgres.ts';

/**
 * Numbers keep every digit on both vendors (PostgreSQL made Directus's `float` a 4-byte `real`).
 * The demo company is generated on SQLite and on PostgreSQL as of the same fixed instant — one on
 * which the stored CSAT score of the latest quarter read 78.78788 on PostgreSQL against
 * 78.78787878787878 recomputed — and the two must agree score for score. Then a database as the
 * previous schema version left it (real columns) starts on this code and keeps every value.
 */
const DEMO_NOW = '2026-12-02T10:00:00+08:00';
const snapshot = readSnapshot();
const floatColumns = snapshot.fields.filter((f) => f.type === 'float').map((f) => [f.collection, f.field] as const);
const moneyColumns = snapshot.fields.filter((f) => f.type === 'decimal').map((f) => [f.collection, f.field] as const);

interface Instance {
  settings: ConcordSettings;
  booted: BootedConcord;
  db: Knex;
}

describe('numbers keep their precision on SQLite and PostgreSQL', () => {
  let dir: string;
  let pgDir: string;
  let postgres: PostgresServer;
  const instances: Partial<Record<'sqlite' | 'pg', Instance>> = {};

  async function settingsFor(vendor: 'sqlite' | 'pg'): Promise<ConcordSettings> {
    return resolveSettings(
      {
        ...(vendor === 'pg' ? postgres.directusEnv('concord') : {}),
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        KEY: 'precision-key',
        SECRET: 'precision-secret-precision-secret',
        ADMIN_TOKEN: randomBytes(24).toString('hex'),
        PORT: String(await freePort()),
        LOG_LEVEL: 'error',
        ...CHEAP_HASHING,
        PRESSURE_LIMITER_ENABLED: 'false',
        CONCORD_DEMO_NOW: DEMO_NOW,
        CONCORD_SLA_ENABLED: 'false',
        CONCORD_EVALUATION_ENABLED: 'false',
      },
      { dataDir: join(dir, vendor) },
    );
  }

  async function start(vendor: 'sqlite' | 'pg'): Promise<Instance> {
    const settings = await settingsFor(vendor);
    const booted = await bootConcord(settings);
    const instance = { settings, booted, db: connectDatabase(settings.directus) };
    instances[vendor] = instance;
    return instance;
  }

  async function api<T>(instance: Instance, path: string): Promise<T> {
    const response = await fetch(`${instance.booted.server.url}${path}`, { headers: { authorization: `Bearer ${instance.settings.adminToken}` } });
    expect(response.status, path).toBe(200);
    return ((await response.json()) as { data: T }).data;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'concord-precision-'));
    pgDir = mkdtempSync(join(tmpdir(), 'concord-precision-pgdata-'));
    postgres = await startPostgres(pgDir);
    await postgres.createDatabase('concord');
    // Side by side: each start spends much of its time waiting on its own server.
    await Promise.all([start('sqlite'), start('pg')]);
  }, 600_000);

  afterAll(async () => {
    for (const instance of Object.values(instances)) {
      await instance.booted.server.stop();
      await instance.db.destroy();
    }
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(pgDir, { recursive: true, force: true });
  });

  it('stores money as decimal(14,2) and every other number of Concord in 8 bytes on PostgreSQL', async () => {
    const pg = instances.pg!.db;
    const columns = (
      await pg.raw(`select table_name, column_name, data_type, numeric_precision, numeric_scale from information_schema.columns where table_schema = current_schema()`)
    ).rows as Array<{ table_name: string; column_name: string; data_type: string; numeric_precision: number; numeric_scale: number }>;
    const typeOf = (table: string, column: string) => {
      const found = columns.find((c) => c.table_name === table && c.column_name === column);
      return found && (found.data_type === 'numeric' ? `numeric(${found.numeric_precision},${found.numeric_scale})` : found.data_type);
    };
    expect(floatColumns.length).toBeGreaterThan(5);
    for (const [table, column] of floatColumns) expect(`${table}.${column} ${typeOf(table, column)}`).toBe(`${table}.${column} double precision`);
    expect(moneyColumns.map(([t, c]) => `${t}.${c}`).sort()).toEqual(['cc_budgets.amount', 'cc_products.list_price', 'cc_purchases.amount', 'cc_transactions.amount']);
    for (const [table, column] of moneyColumns) expect(`${table}.${column} ${typeOf(table, column)}`).toBe(`${table}.${column} numeric(14,2)`);
    expect(columns.filter((c) => c.data_type === 'real' && c.table_name.startsWith('cc_'))).toEqual([]);
  });

  it('gives every stored score on PostgreSQL the value of the same score on SQLite, to 1e-9', async () => {
    const scores = async (db: Knex) =>
      new Map(
        (
          (await db('cc_evaluation_scores as s')
            .join('cc_evaluation_cycles as c', 'c.id', 's.cycle')
            .leftJoin('cc_teams as t', 't.id', 's.team')
            .select('c.period_key', 's.department', 't.name as team', 's.dimension', 's.score')) as Array<Record<string, string | number | null>>
        ).map((row) => [`${row['period_key']} ${row['department'] ?? ''}${row['team'] ?? ''} ${row['dimension']}`, row['score'] === null ? null : Number(row['score'])]),
      );
    const onSqlite = await scores(instances.sqlite!.db);
    const onPostgres = await scores(instances.pg!.db);
    expect(onSqlite.size).toBeGreaterThan(200);
    expect([...onPostgres.keys()].sort()).toEqual([...onSqlite.keys()].sort());
    let compared = 0;
    for (const [key, value] of onSqlite) {
      const other = onPostgres.get(key);
      if (value === null) expect([key, other]).toEqual([key, null]);
      else {
        expect(other, key).not.toBeNull();
        expect(Math.abs((other as number) - value), key).toBeLessThan(1e-9);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(100);
    // The day is one that shows the old fault: many of its scores are values a 4-byte real cannot hold.
    const lossy = [...onSqlite.values()].filter((value) => value !== null && Math.abs(Math.fround(value) - value) > 5e-10);
    expect(lossy.length).toBeGreaterThan(50);
  });

  it.each(['sqlite', 'pg'] as const)('on %s, the CSAT score of every department in the latest quarter equals its recomputation from the raw answers', async (vendor) => {
    const instance = instances[vendor]!;
    const [latest] = await api<Array<{ id: number; starts_on: string; ends_on: string }>>(
      instance,
      '/items/cc_evaluation_cycles?filter[status][_eq]=published&filter[period_kind][_eq]=quarterly&sort=-ends_on&limit=1',
    );
    const start = Date.parse(`${latest!.starts_on}T00:00:00+08:00`);
    const end = Date.parse(`${latest!.ends_on}T00:00:00+08:00`);
    const responses = await api<Array<{ csat: number; responded_at: string; department: string | null }>>(
      instance,
      '/items/cc_survey_responses?filter[survey][kind][_eq]=csat&filter[csat][_nnull]=true&fields=csat,responded_at,department&limit=-1',
    );
    const scores = await api<Array<{ department: string | null; score: number | null }>>(
      instance,
      `/items/cc_evaluation_scores?filter[cycle][_eq]=${latest!.id}&filter[dimension][_eq]=satisfaction&filter[department][_nnull]=true&fields=department,score`,
    );
    let checked = 0;
    for (const { department, score } of scores) {
      const mine = responses.filter((r) => r.department === department && Date.parse(r.responded_at) >= start && Date.parse(r.responded_at) < end);
      if (mine.length === 0 || score === null) continue;
      expect(Math.abs(score - (100 * mine.filter((r) => r.csat >= 4).length) / mine.length), String(department)).toBeLessThan(5e-10);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('moves a PostgreSQL database of the previous schema version (real columns) on start, keeping every value and every row', async () => {
    const instance = instances.pg!;
    await instance.booted.server.stop();
    const db = instance.db;
    // The database as schema version 2 left it: Directus's float, a 4-byte real, everywhere.
    for (const [table, column] of [...floatColumns, ...moneyColumns]) {
      await db.raw('alter table ?? alter column ?? type real using ??::real', [table, column, column]);
    }
    await db('cc_installation').update({ schema_version: 2 });
    const tables = ((await db.raw(`select table_name from information_schema.tables where table_schema = current_schema() and table_name like 'cc\\_%'`)).rows as Array<{ table_name: string }>).map(
      (t) => t.table_name,
    );
    const counts = async () => Object.fromEntries(await Promise.all(tables.map(async (t) => [t, Number((await db(t).count({ n: '*' }))[0]?.['n'])] as const)));
    const values = async (kind: 'before' | 'after') => {
      const seen: Record<string, string | null> = {};
      for (const [table, column] of [...floatColumns, ...moneyColumns]) {
        const isMoney = moneyColumns.some(([t, c]) => t === table && c === column);
        // Before: the real's shortest spelling (what the migration keeps); money to its two places.
        const expression = kind === 'before' && isMoney ? 'round(??::text::numeric, 2)::text' : '??::text';
        const rows = (await db.raw(`select id::text as id, ${expression} as value from ?? order by id`, [column, table])).rows as Array<{ id: string; value: string | null }>;
        for (const row of rows) seen[`${table}.${column}#${row.id}`] = row.value === null ? null : String(Number(row.value));
      }
      return seen;
    };
    const rowsBefore = await counts();
    const valuesBefore = await values('before');
    expect(Object.keys(valuesBefore).length).toBeGreaterThan(1000);

    const settings = await settingsFor('pg');
    const booted = await bootConcord(settings);
    instances.pg = { settings, booted, db };
    expect(booted.schemaChanges.filter((line) => /^(create|delete|update) /.test(line))).toEqual([]);
    expect(booted.schemaChanges[0]).toMatch(/^schema 3: numbers keep their precision/);
    expect(booted.schemaChanges).toContain('  cc_budgets.amount: real → numeric(14, 2)');
    expect(booted.schemaChanges).toContain('  cc_evaluation_scores.score: real → double precision');
    expect(Number((await db('cc_installation').first('schema_version'))?.['schema_version'])).toBe(SCHEMA_VERSION);
    expect(await counts()).toEqual(rowsBefore);
    expect(await values('after')).toEqual(valuesBefore);
    expect(((await db.raw(`select count(*)::int as n from information_schema.columns where table_schema = current_schema() and data_type = 'real' and table_name like 'cc\\_%'`)).rows as Array<{ n: number }>)[0]!.n).toBe(0);
  }, 600_000);
});
