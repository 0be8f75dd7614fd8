import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseUpdateMayInvite, INVITATION_CASE_FIELDS, openResolutionSurvey, pendingInvitations, sendPendingInvitations, takeAwaitingInvitations } from '../../src/surveys/invitations.ts';

/**
 * A case update looks for invitations to e-mail only when it may have left one: a resolution opened
 * a survey for one of its cases, or it wrote a case field the invitations read.
 */
let db: Knex;

beforeAll(async () => {
  db = knex({ client: 'sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
  await db.schema.createTable('cc_customers', (t) => {
    t.increments('id');
    t.string('contact_email');
  });
  await db.schema.createTable('cc_cases', (t) => {
    t.increments('id');
    t.string('title');
    t.integer('customer');
    t.integer('team');
  });
  await db.schema.createTable('cc_surveys', (t) => {
    t.increments('id');
    t.string('kind');
    t.string('title');
    t.integer('case');
    t.integer('team');
    t.boolean('ask_nps');
    t.dateTime('sent_at');
    t.dateTime('expires_at');
    t.dateTime('date_created');
  });
  await db.schema.createTable('cc_survey_responses', (t) => {
    t.increments('id');
    t.integer('survey');
  });
});

afterAll(async () => {
  await db.destroy();
});

describe('which case updates look for survey invitations', () => {
  it('declares every case column the pending invitations read, besides the key', () => {
    const { sql } = pendingInvitations(db, new Date()).toSQL();
    const read = new Set([...sql.matchAll(/`c`\.`(\w+)`/g)].map((match) => match[1] as string));
    read.delete('id');
    expect(read.size).toBeGreaterThan(0);
    expect([...read].sort()).toEqual([...INVITATION_CASE_FIELDS].sort());
  });

  it('looks after a write of any declared field, alone or among others, null included', () => {
    for (const field of INVITATION_CASE_FIELDS) {
      for (const value of [null, 0, '', 'x']) {
        expect(caseUpdateMayInvite([1_000_001], { [field]: value }), `${field} = ${JSON.stringify(value)}`).toBe(true);
        expect(caseUpdateMayInvite([1_000_001], { priority: 'high', [field]: value })).toBe(true);
      }
    }
  });

  it('skips an update of other fields, and an empty one, of a case with no survey opened', () => {
    expect(caseUpdateMayInvite([1_000_001], { priority: 'high' })).toBe(false);
    expect(caseUpdateMayInvite([1_000_001, '1000002'], { description: 'x', resolution_note: null })).toBe(false);
    expect(caseUpdateMayInvite([1_000_001], {})).toBe(false);
  });

  it('looks after the update of a case whose resolution opened a survey, whatever its payload, until the sender looked', async () => {
    const [customer] = await db('cc_customers').insert({ contact_email: 'buyer@example.com' }).returning('id');
    const [caseId] = await db('cc_cases').insert({ title: 'late parcel', customer: (customer as { id: number }).id, team: null }).returning('id');
    const id = (caseId as { id: number }).id;
    expect(caseUpdateMayInvite([id], {})).toBe(false);
    // A generic update that resolved the case hands Directus an empty change.
    const survey = await db.transaction((trx) => openResolutionSurvey(trx, { id, team: null }, new Date()));
    expect(survey).not.toBeNull();
    expect(caseUpdateMayInvite([id], {})).toBe(true);
    expect(caseUpdateMayInvite([1_000_001, String(id)], { priority: 'high' })).toBe(true);
    takeAwaitingInvitations([id]);
    expect(caseUpdateMayInvite([id], {})).toBe(false);

    // The endpoint sends its own survey's invitation; that also settles the case.
    await db('cc_surveys').where('id', survey as number).update({ sent_at: null });
    await db('cc_survey_responses').insert({ survey });
    const second = await db.transaction((trx) => openResolutionSurvey(trx, { id, team: null }, new Date()));
    expect(caseUpdateMayInvite([id], {})).toBe(true);
    const mailed: string[] = [];
    const sent = await sendPendingInvitations({ db, secret: 's', publicUrl: 'http://localhost', mailer: () => ({ send: async (mail) => void mailed.push(mail.to) }) }, second as number);
    expect(sent).toEqual([second]);
    expect(mailed).toEqual(['buyer@example.com']);
    expect(caseUpdateMayInvite([id], {})).toBe(false);
  });
});
