import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JUDGES } from '../../extensions/hooks/src/judged-updates.ts';
import { concerns, judgedUpdate, type JudgedUpdateContext, type Key, type UpdateJudge } from '../../src/integrity/judged-updates.ts';
import { compositionJudge } from '../../src/organisation/composition-judge.ts';
import { teamNameJudge } from '../../src/organisation/team-names.ts';
import { dateOrderJudge } from '../../src/validation/field-values.ts';
import { DATE_ORDER } from '../../src/validation/rules.ts';
import { stateMoveJudge } from '../../src/workflows/state-moves.ts';

/** Every (collection, field) a judge declares it reads. */
const declared = (judge: UpdateJudge) => Object.entries(judge.reads).flatMap(([collection, fields]) => fields.map((field) => ({ collection, field })));

describe('an update skips a judge only when it writes no field the rule reads', () => {
  it('lists every judge of the repository in the hook', () => {
    expect(JUDGES).toEqual(expect.arrayContaining([compositionJudge, teamNameJudge, dateOrderJudge, stateMoveJudge]));
  });

  it('judges a write of any declared field, alone among others, null included', () => {
    for (const judge of JUDGES) {
      expect(declared(judge).length).toBeGreaterThan(0);
      for (const { collection, field } of declared(judge)) {
        for (const value of [null, 0, '', 'x']) {
          expect(concerns(judge, { collection, payload: { [field]: value } }), `${collection}.${field} = ${JSON.stringify(value)}`).toBe(true);
          expect(concerns(judge, { collection, payload: { unrelated_field: 1, [field]: value } }), `${collection}.${field} with others`).toBe(true);
        }
      }
    }
  });

  it('skips a write of fields no rule reads, and other collections', () => {
    for (const judge of JUDGES) {
      for (const collection of Object.keys(judge.reads)) {
        expect(concerns(judge, { collection, payload: { unrelated_field: 1 } })).toBe(false);
        expect(concerns(judge, { collection, payload: {} })).toBe(false);
      }
      expect(concerns(judge, { collection: 'not_a_collection', payload: { workflow: 1, name: 'x', status: 'active', since: '2026-01-01' } })).toBe(false);
      expect(concerns(judge, { collection: 'toString', payload: { length: 1 } })).toBe(false);
    }
  });

  it('judges both dates of every DATE_ORDER pair, each written alone', () => {
    for (const rule of DATE_ORDER) {
      expect(concerns(dateOrderJudge, { collection: rule.collection, payload: { [rule.from]: '2026-01-01' } }), `${rule.collection}.${rule.from}`).toBe(true);
      expect(concerns(dateOrderJudge, { collection: rule.collection, payload: { [rule.to]: '2026-01-01' } }), `${rule.collection}.${rule.to}`).toBe(true);
    }
  });

  it('judges the state-move rule when a state changes workflow, and the name rule when a team is renamed', () => {
    expect(concerns(stateMoveJudge, { collection: 'cc_workflow_states', payload: { workflow: 2 } })).toBe(true);
    expect(concerns(stateMoveJudge, { collection: 'cc_workflow_states', payload: { name_zh: '新名' } })).toBe(false);
    expect(concerns(teamNameJudge, { collection: 'cc_teams', payload: { name: 'A' } })).toBe(true);
    expect(concerns(compositionJudge, { collection: 'directus_users', payload: { cc_department: 'sales' } })).toBe(true);
    expect(concerns(compositionJudge, { collection: 'cc_team_members', payload: { until: '2026-12-31' } })).toBe(true);
  });
});

describe('a judged update on a database', () => {
  let db: Knex;
  beforeAll(async () => {
    db = knex({ client: 'sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
    await db.schema.createTable('cc_projects', (t) => {
      t.increments('id');
      t.string('name');
      t.date('start_on');
      t.date('due_on');
    });
  });
  afterAll(() => db.destroy());

  /** Directus's items service, reduced to the write the judged update performs as the caller. */
  const context = (): JudgedUpdateContext => {
    class Items {
      private readonly collection: string;
      private readonly options: { knex: Knex };
      constructor(collection: string, options: { knex: Knex }) {
        this.collection = collection;
        this.options = options;
      }
      async updateMany(keys: Key[], data: Record<string, unknown>) {
        await this.options.knex(this.collection).update(data).whereIn('id', keys);
        return keys;
      }
    }
    return {
      db,
      schema: { collections: {}, relations: [] } as unknown as JudgedUpdateContext['schema'],
      accountability: null,
      services: { ItemsService: Items, UsersService: Items, PermissionsService: Items } as unknown as JudgedUpdateContext['services'],
      emitAction: () => undefined,
    };
  };

  it('refuses a due date written alone before the stored start, and keeps the row', async () => {
    const [id] = await db('cc_projects').insert({ name: 'p', start_on: '2026-03-01', due_on: '2026-04-01' });
    const request = { collection: 'cc_projects', primary: 'id', keys: [id as number], payload: { due_on: '2026-02-01' } };
    await expect(judgedUpdate(context(), JUDGES, request)).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect(await db('cc_projects').first('due_on').where('id', id)).toEqual({ due_on: '2026-04-01' });
  });

  it('hands Directus a write of unread fields untouched, without a transaction of its own', async () => {
    const [id] = await db('cc_projects').insert({ name: 'p', start_on: '2026-03-01', due_on: '2026-04-01' });
    const payload = { name: 'renamed' };
    expect(await judgedUpdate(context(), JUDGES, { collection: 'cc_projects', primary: 'id', keys: [id as number], payload })).toBe(payload);
    expect(await db('cc_projects').first('name').where('id', id)).toEqual({ name: 'p' });
  });
});
