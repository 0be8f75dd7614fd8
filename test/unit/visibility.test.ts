import type { Accountability } from '@directus/types';
import knex, { type Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../src/directus/services.ts';
import { CASE_SCOPE } from '../../src/access/model.ts';
import { visibleColumn, visibleRows } from '../../src/insights/visibility.ts';
import { createAccessTables } from './directus-access-tables.ts';

/**
 * Insights visibility without a running Directus: the viewer's rules come from real
 * `directus_permissions` rows (SQLite in memory), and Directus's counts from a stand-in ItemsService
 * that records every question asked of it. What is checked is when the history's answer may be
 * deduced from its cases' (for each case rule R, `{ case: R }` is a history rule of the same policy,
 * every row has a case, and the viewer reads every case; or the history rules are exactly those, and
 * the viewer's history is answered by the cases they read) and when Directus must still be asked.
 */

let db: Knex;
const CASES_RULE = CASE_SCOPE;
const EVENTS_RULE = { case: CASE_SCOPE };

beforeEach(async () => {
  db = knex({ client: 'sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
  await createAccessTables(db);
  await db.schema.createTable('cc_cases', (t) => t.increments('id'));
  await db.schema.createTable('cc_case_events', (t) => {
    t.increments('id');
    t.integer('case');
  });
  await db('directus_roles').insert({ id: 'staff', parent: null });
  await db('directus_access').insert({ policy: 'p-staff', role: 'staff', user: null });
  await db('cc_cases').insert([{ id: 1 }, { id: 2 }]);
  await db('cc_case_events').insert([{ case: 1 }, { case: 1 }, { case: 2 }]);
});

afterEach(async () => {
  await db.destroy();
});

async function rule(collection: string, permissions: unknown, policy = 'p-staff'): Promise<void> {
  await db('directus_permissions').insert({ policy, collection, action: 'read', permissions: JSON.stringify(permissions) });
}

interface Asked {
  collection: string;
  asViewer: boolean;
  filter: unknown;
}

/**
 * A request's context: `readable` says how many rows of each collection the viewer's rules let
 * through (Directus's answer, stood in for), the rest of the table being hidden from them.
 */
function request(readable: Record<string, number>): { ctx: ServiceContext & { db: Knex }; asked: Asked[] } {
  const asked: Asked[] = [];
  const accountability = { user: 'u1', role: 'staff', roles: ['staff'], admin: false, app: true, ip: null } as unknown as Accountability;
  class ItemsService {
    private readonly collection: string;
    private readonly options: { accountability?: Accountability | null };
    constructor(collection: string, options: { accountability?: Accountability | null }) {
      this.collection = collection;
      this.options = options;
    }
    async readByQuery(query: { filter?: unknown; aggregate?: unknown }) {
      const asViewer = this.options.accountability !== null && this.options.accountability !== undefined;
      asked.push({ collection: this.collection, asViewer, filter: query.filter });
      const all = Number(((await db(this.collection).count({ n: '*' })) as Array<{ n: unknown }>)[0]?.n);
      const n = asViewer ? Math.min(all, readable[this.collection] ?? all) : all;
      if (query.aggregate) return [{ countDistinct: { id: n } }];
      return (await db(this.collection).select('id').orderBy('id').limit(n)) as Array<Record<string, unknown>>;
    }
  }
  const schema = { relations: [{ collection: 'cc_case_events', field: 'case', related_collection: 'cc_cases' }] } as unknown as ServiceContext['schema'];
  const services = { ItemsService } as unknown as ServiceContext['services'];
  return { ctx: { db, accountability, schema, services }, asked };
}

const eventQuestions = (asked: Asked[]) => asked.filter((a) => a.collection === 'cc_case_events');

describe('the history read through its cases', () => {
  it('is wholly readable, without asking Directus, when every case is and each case rule has its history rule', async () => {
    await rule('cc_cases', CASES_RULE);
    await rule('cc_case_events', EVENTS_RULE);
    // A second policy's rules, the history's written with its keys in another order (as Studio may save it).
    await db('directus_access').insert({ policy: 'p-extra', role: null, user: 'u1' });
    await rule('cc_cases', { priority: { _neq: 'low' }, team: { _nnull: true } }, 'p-extra');
    await rule('cc_case_events', { case: { team: { _nnull: true }, priority: { _neq: 'low' } } }, 'p-extra');
    const { ctx, asked } = request({});
    expect(await visibleRows(ctx, 'cc_cases', {})).toEqual({ all: true });
    expect(await visibleRows(ctx, 'cc_case_events', {})).toEqual({ all: true });
    // Any part of a wholly readable collection is wholly readable too.
    expect(await visibleRows(ctx, 'cc_case_events', { id: { _gt: 1 } })).toEqual({ all: true });
    expect(eventQuestions(asked)).toEqual([]);
  });

  it('answers, without asking Directus, by the cases the viewer reads when the history rules are exactly the case rules', async () => {
    await rule('cc_cases', CASES_RULE);
    await rule('cc_case_events', EVENTS_RULE);
    await db('cc_cases').insert({ id: 3 });
    await db('cc_case_events').insert([{ case: 3 }, { case: 2 }]);
    const { ctx, asked } = request({ cc_cases: 2 });
    expect(await visibleRows(ctx, 'cc_cases', {})).toEqual({ all: false, ids: [1, 2] });
    const history = await visibleRows(ctx, 'cc_case_events', {});
    expect(history).toEqual({ all: false, ids: [1, 2], via: 'case' });
    expect(visibleColumn(history, 'e')).toBe('e."case"');
    // The rows it lets through are those of cases 1 and 2: what Directus would have listed.
    const ids = (history as { ids: number[] }).ids;
    const readable: Array<{ id: number }> = await db.raw(`select e.id as id from cc_case_events e where ${visibleColumn(history, 'e')} in (${ids.map(() => '?').join(', ')}) order by e.id`, ids);
    expect(readable.map((r) => r.id)).toEqual([1, 2, 3, 5]);
    expect(eventQuestions(asked)).toEqual([]);
  });

  it('asks Directus when the viewer does not read every case and has a history rule of another kind', async () => {
    await rule('cc_cases', CASES_RULE);
    await rule('cc_case_events', EVENTS_RULE);
    await rule('cc_case_events', { id: { _gt: 2 } });
    const { ctx, asked } = request({ cc_cases: 1, cc_case_events: 3 });
    expect(await visibleRows(ctx, 'cc_cases', {})).toEqual({ all: false, ids: [1] });
    expect(await visibleRows(ctx, 'cc_case_events', {})).toEqual({ all: true });
    expect(eventQuestions(asked).length).toBeGreaterThan(0);
  });

  it('asks Directus when a history rule says more than its case rule', async () => {
    await rule('cc_cases', CASES_RULE);
    await rule('cc_case_events', { _and: [EVENTS_RULE, { id: { _gt: 1 } }] });
    const { ctx, asked } = request({ cc_case_events: 2 });
    expect(await visibleRows(ctx, 'cc_cases', {})).toEqual({ all: true });
    expect(await visibleRows(ctx, 'cc_case_events', {})).toEqual({ all: false, ids: [1, 2] });
    expect(eventQuestions(asked).length).toBeGreaterThan(0);
  });

  it('asks Directus when one of the case rules has no history rule to match', async () => {
    await rule('cc_cases', CASES_RULE);
    await rule('cc_cases', { id: { _gt: 0 } }, 'p-extra');
    await db('directus_access').insert({ policy: 'p-extra', role: null, user: 'u1' });
    await rule('cc_case_events', EVENTS_RULE);
    const { ctx, asked } = request({ cc_case_events: 1 });
    expect(await visibleRows(ctx, 'cc_cases', {})).toEqual({ all: true });
    expect(await visibleRows(ctx, 'cc_case_events', {})).toEqual({ all: false, ids: [1] });
    expect(eventQuestions(asked).length).toBeGreaterThan(0);
  });

  it('asks Directus when the matching history rule belongs to another policy (one Directus may leave out of the request)', async () => {
    await db('directus_access').insert({ policy: 'p-extra', role: null, user: 'u1' });
    await rule('cc_cases', CASES_RULE);
    await rule('cc_case_events', EVENTS_RULE, 'p-extra');
    const { ctx, asked } = request({ cc_case_events: 2 });
    expect(await visibleRows(ctx, 'cc_cases', {})).toEqual({ all: true });
    expect(await visibleRows(ctx, 'cc_case_events', {})).toEqual({ all: false, ids: [1, 2] });
    expect(eventQuestions(asked).length).toBeGreaterThan(0);
  });

  it('asks Directus when a history row has no case (no case rule reaches it)', async () => {
    await rule('cc_cases', CASES_RULE);
    await rule('cc_case_events', EVENTS_RULE);
    await db('cc_case_events').insert({ case: null });
    const { ctx, asked } = request({ cc_case_events: 3 });
    expect(await visibleRows(ctx, 'cc_cases', {})).toEqual({ all: true });
    expect(await visibleRows(ctx, 'cc_case_events', {})).toEqual({ all: false, ids: [1, 2, 3] });
    expect(eventQuestions(asked).length).toBeGreaterThan(0);
  });

  it('asks Directus when the cases have not been answered in this request', async () => {
    await rule('cc_cases', CASES_RULE);
    await rule('cc_case_events', EVENTS_RULE);
    const { ctx, asked } = request({});
    expect(await visibleRows(ctx, 'cc_case_events', {})).toEqual({ all: true });
    expect(eventQuestions(asked).length).toBeGreaterThan(0);
  });
});
