import type { Knex } from 'knex';
import { isSqlite } from '../directus/time.ts';
import { DuplicateTeamNameError } from '../errors.ts';
import type { UpdateJudge, UpdateRequest } from '../integrity/judged-updates.ts';

/**
 * Team names are unique as people read them, not only as bytes: a full-width copy (ＡＢＣ), one
 * with a zero-width space, other spacing or other letter case names the same team. The database's
 * unique key settles exact twins; this settles look-alikes, inside the write's transaction, with
 * team-name writes serialised (a transaction-scoped advisory lock on PostgreSQL; SQLite runs one
 * write transaction at a time).
 */

/** The form two names are compared in: NFKC, no format characters, single spaces, case-folded. */
export function teamNameKey(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim()
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKC');
}

// Any fixed 64-bit number: the key of team-name writes among the database's advisory locks.
const TEAM_NAME_LOCK = 0x636f6e636f726431n;

async function serialiseTeamNames(db: Knex): Promise<void> {
  if (!isSqlite(db) && db.isTransaction) await db.raw('select pg_advisory_xact_lock(?::bigint)', [TEAM_NAME_LOCK.toString()]);
}

type Key = number | string;

/** Refuses `name` if another team (not one of `except`) has a name of the same key. */
export async function assertTeamNameFree(db: Knex, name: unknown, except: readonly Key[] = []): Promise<void> {
  if (typeof name !== 'string') return;
  await serialiseTeamNames(db);
  const key = teamNameKey(name);
  const others: Array<{ id: Key; name: string | null }> = await db('cc_teams').select('id', 'name').whereNotIn('id', [...except].map(String));
  const twin = others.find((team) => team.name !== null && teamNameKey(team.name) === key);
  if (twin) throw new DuplicateTeamNameError({ name: twin.name as string });
}

/** A rename (single or batch) judged on the names it leaves, inside its transaction. */
export const teamNameJudge: UpdateJudge<UpdateRequest> = {
  reads: { cc_teams: ['name'] },
  async before(trx: Knex, request: UpdateRequest) {
    await serialiseTeamNames(trx);
    return request;
  },
  async after(trx: Knex, request: UpdateRequest) {
    const teams: Array<{ id: Key; name: string | null }> = await trx('cc_teams').select('id', 'name');
    const changed = new Set(request.keys.map(String));
    const byKey = new Map<string, Array<{ id: Key; name: string }>>();
    for (const team of teams) {
      if (team.name === null) continue;
      const key = teamNameKey(team.name);
      byKey.set(key, [...(byKey.get(key) ?? []), { id: team.id, name: team.name }]);
    }
    for (const group of byKey.values()) {
      if (group.length < 2 || !group.some((team) => changed.has(String(team.id)))) continue;
      const kept = group.find((team) => !changed.has(String(team.id))) ?? group[0]!;
      throw new DuplicateTeamNameError({ name: kept.name });
    }
  },
};
