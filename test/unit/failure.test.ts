import { describe, expect, it } from 'vitest';
import { SettingError } from '../../host/env.ts';
import { describeFailure } from '../../host/failure.ts';

describe('describeFailure (what a failed start prints)', () => {
  it('gives a database error as the database said it, without the statement knex puts before it', () => {
    const statement = `insert into "cc_departments" (${'"x", '.repeat(600)}"code") values (...)`;
    const error = Object.assign(new Error(`${statement} - duplicate key value violates unique constraint "cc_departments_pkey"`), {
      code: '23505',
      detail: 'Key (code)=(sales) already exists.',
    });
    expect(describeFailure(error)).toBe(
      'The database refused a write: duplicate key value violates unique constraint "cc_departments_pkey" (Key (code)=(sales) already exists.) [23505]',
    );
  });

  it('keeps a setting error as the sentence it is', () => {
    expect(describeFailure(new SettingError('PORT must be a whole number.'))).toBe('PORT must be a whole number.');
  });

  it("shows a failed Directus step's error lines rather than its whole log", () => {
    const log = ['directus bootstrap failed (exit 1):', ...Array.from({ length: 200 }, (_, i) => `[10:00:00] INFO: step ${i}`), '[10:00:01] ERROR: connect ECONNREFUSED 127.0.0.1:5432'];
    expect(describeFailure(new Error(log.join('\n')))).toBe('directus bootstrap failed (exit 1):\n[10:00:01] ERROR: connect ECONNREFUSED 127.0.0.1:5432');
  });

  it('clips anything else to a readable length', () => {
    expect(describeFailure(new Error('x'.repeat(5000))).length).toBeLessThanOrEqual(1501);
  });
});
