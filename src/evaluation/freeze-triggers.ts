import type { Knex } from 'knex';
import { isSqlite } from '../directus/time.ts';
import { CyclePublishedError, ScoreFrozenError } from '../errors.ts';

/**
 * Published evaluations are frozen in the database itself. The hooks refuse such writes with a
 * clear message, but hooks run outside Directus's write transaction (a write can slip between a
 * hook's check and a concurrent publication) and not at all for writes made with events turned off
 * (a Flow's "Update Data" without "Emit Events"). These triggers make the rule hold for every
 * writer: a published cycle keeps its status, name, period, weights and targets and cannot be
 * deleted;
 * scores of a published cycle cannot be inserted, changed or deleted.
 *
 * Schema snapshots do not carry triggers, and rebuilding a SQLite table drops them, so they are
 * (re)installed on every start, after the schema is applied. Installing twice changes nothing.
 */

const CYCLE_MARK = 'CONCORD_CYCLE_PUBLISHED';
const SCORE_MARK = 'CONCORD_SCORE_FROZEN';

const FROZEN_CYCLE_COLUMNS = ['status', 'name', 'period_kind', 'starts_on', 'ends_on', 'weights', 'targets', 'period_key'];

function sqliteStatements(): string[] {
  const changed = FROZEN_CYCLE_COLUMNS.map((c) => `NEW.${c} IS NOT OLD.${c}`).join(' OR ');
  const published = (ref: string) => `(SELECT status FROM cc_evaluation_cycles WHERE id = ${ref}) = 'published'`;
  return [
    'DROP TRIGGER IF EXISTS cc_cycle_frozen_update',
    `CREATE TRIGGER cc_cycle_frozen_update BEFORE UPDATE ON cc_evaluation_cycles WHEN OLD.status = 'published' AND (${changed}) BEGIN SELECT RAISE(ABORT, '${CYCLE_MARK}'); END`,
    'DROP TRIGGER IF EXISTS cc_cycle_frozen_delete',
    `CREATE TRIGGER cc_cycle_frozen_delete BEFORE DELETE ON cc_evaluation_cycles WHEN OLD.status = 'published' BEGIN SELECT RAISE(ABORT, '${CYCLE_MARK}'); END`,
    'DROP TRIGGER IF EXISTS cc_score_frozen_insert',
    `CREATE TRIGGER cc_score_frozen_insert BEFORE INSERT ON cc_evaluation_scores WHEN ${published('NEW.cycle')} BEGIN SELECT RAISE(ABORT, '${SCORE_MARK}'); END`,
    'DROP TRIGGER IF EXISTS cc_score_frozen_update',
    `CREATE TRIGGER cc_score_frozen_update BEFORE UPDATE ON cc_evaluation_scores WHEN ${published('OLD.cycle')} OR ${published('NEW.cycle')} BEGIN SELECT RAISE(ABORT, '${SCORE_MARK}'); END`,
    'DROP TRIGGER IF EXISTS cc_score_frozen_delete',
    `CREATE TRIGGER cc_score_frozen_delete BEFORE DELETE ON cc_evaluation_scores WHEN ${published('OLD.cycle')} BEGIN SELECT RAISE(ABORT, '${SCORE_MARK}'); END`,
  ];
}

function postgresStatements(): string[] {
  // json has no equality operator in PostgreSQL: compare the text.
  const changed = FROZEN_CYCLE_COLUMNS.map((c) => (c === 'weights' || c === 'targets' ? `NEW.${c}::text IS DISTINCT FROM OLD.${c}::text` : `NEW.${c} IS DISTINCT FROM OLD.${c}`)).join(' OR ');
  const published = (ref: string) => `EXISTS (SELECT 1 FROM cc_evaluation_cycles WHERE id = ${ref} AND status = 'published')`;
  return [
    `CREATE OR REPLACE FUNCTION cc_cycle_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.status = 'published' AND (TG_OP = 'DELETE' OR ${changed}) THEN
        RAISE EXCEPTION '${CYCLE_MARK}';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$`,
    `CREATE OR REPLACE FUNCTION cc_score_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (TG_OP <> 'INSERT' AND ${published('OLD.cycle')}) OR (TG_OP <> 'DELETE' AND ${published('NEW.cycle')}) THEN
        RAISE EXCEPTION '${SCORE_MARK}';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$`,
    'DROP TRIGGER IF EXISTS cc_cycle_frozen ON cc_evaluation_cycles',
    'CREATE TRIGGER cc_cycle_frozen BEFORE UPDATE OR DELETE ON cc_evaluation_cycles FOR EACH ROW EXECUTE FUNCTION cc_cycle_frozen()',
    'DROP TRIGGER IF EXISTS cc_score_frozen ON cc_evaluation_scores',
    'CREATE TRIGGER cc_score_frozen BEFORE INSERT OR UPDATE OR DELETE ON cc_evaluation_scores FOR EACH ROW EXECUTE FUNCTION cc_score_frozen()',
  ];
}

export async function installFreezeTriggers(db: Knex): Promise<void> {
  const statements = isSqlite(db) ? sqliteStatements() : postgresStatements();
  await db.transaction(async (trx) => {
    for (const statement of statements) await trx.raw(statement);
  });
}

/** The refusal a trigger's error stands for, or null for any other database error. */
export function frozenRefusal(error: unknown): Error | null {
  const message = error instanceof Error ? error.message : typeof error === 'object' && error !== null ? String((error as { message?: unknown }).message ?? '') : String(error);
  if (message.includes(CYCLE_MARK)) return new CyclePublishedError({ cycle: null, action: { 'zh-CN': '这样修改', 'en-US': 'be changed this way' } });
  if (message.includes(SCORE_MARK)) return new ScoreFrozenError({ cycle: null });
  return null;
}
