import type { Accountability } from '@directus/types';
import type { Knex } from 'knex';
import { databaseState } from '../directus/database-state.ts';
import { AnswerCache } from '../http/answer-cache.ts';

/**
 * Insights answers kept between requests (src/http/answer-cache.ts) — the diagnosis, whose SQL is the
 * heaviest a panel asks for. An answer is reused only when the database is in the same state
 * (src/directus/database-state.ts: nothing committed since, by anyone), for the same caller as
 * Directus knows them (user, roles, policies by address) and the same question, and for at most
 * `CONCORD_DIAGNOSIS_CACHE_SECONDS` (default 60; 0 turns keeping off): clock-bound figures such as
 * the hours an open case has spent in its state are at most that old.
 */
export const DIAGNOSIS_CACHE_SETTING = 'CONCORD_DIAGNOSIS_CACHE_SECONDS';

export function diagnosisCacheSeconds(env: Record<string, unknown>): number {
  const raw = env[DIAGNOSIS_CACHE_SETTING];
  if (raw === undefined || raw === null || raw === '') return 60;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 3600) {
    throw new RangeError(`${DIAGNOSIS_CACHE_SETTING} must be a whole number of seconds from 0 (keep nothing) to 3600, not "${String(raw)}".`);
  }
  return value;
}

export function insightAnswerCache(env: Record<string, unknown>): AnswerCache {
  // An executive's diagnosis of a large company is the largest answer; 64 MiB holds many.
  return new AnswerCache({ ttlMs: diagnosisCacheSeconds(env) * 1000, maxEntries: 500, maxBytes: 64 * 1024 * 1024 });
}

/** Everything of the caller Directus decides permissions by: who, which roles and policies, and from where (a policy may admit some addresses only). */
function callerOf(accountability: Accountability | null): unknown[] {
  if (accountability === null) return [null];
  const a = accountability as Accountability & { roles?: unknown; share?: unknown };
  return [a.user ?? null, a.role ?? null, a.roles ?? null, a.admin === true, a.app === true, a.ip ?? null, a.share ?? null];
}

export interface KeptAnswer {
  json: string;
  /** The RFC 9211 `Cache-Status` header: whether this answer was kept, or computed for this request. */
  cacheStatus: string;
}

/**
 * The answer of `route` to `question` for `accountability`: kept if the database has not changed
 * since it was computed, else computed (and kept). Without a state to compare (keeping off, or a
 * vendor without one) it is always computed; `fresh` (the request said `Cache-Control: no-cache`)
 * computes it anyway and keeps the new answer.
 */
export async function keptAnswer(
  cache: AnswerCache,
  db: Knex,
  parts: { route: string; accountability: Accountability | null; question: unknown; fresh?: boolean },
  compute: () => Promise<unknown>,
): Promise<KeptAnswer> {
  // The state is read before anything is computed: an answer may be filed under a state older than
  // some of its data (that key is then never seen again), never under one newer than it.
  const state = cache.enabled ? await databaseState(db) : null;
  if (state === null) return { json: JSON.stringify(await compute()), cacheStatus: 'Concord; fwd=bypass' };
  const key = JSON.stringify([parts.route, state, callerOf(parts.accountability), parts.question]);
  const answer = await cache.answer(key, compute, { fresh: parts.fresh === true });
  const cacheStatus = answer.source === 'hit' ? 'Concord; hit' : answer.source === 'shared' ? 'Concord; fwd=miss; collapsed' : `Concord; fwd=${parts.fresh === true ? 'request' : 'miss'}; stored`;
  return { json: answer.json, cacheStatus };
}

/** Whether a request asks for an answer computed now (`Cache-Control: no-cache`, `no-store` or `max-age=0`; `Pragma: no-cache`). */
export function asksFresh(headers: Record<string, string | string[] | undefined>): boolean {
  const text = (name: string) => [headers[name]].flat().filter((v): v is string => typeof v === 'string').join(',').toLowerCase();
  const directives = text('cache-control').split(',').map((d) => d.trim());
  return directives.includes('no-cache') || directives.includes('no-store') || directives.includes('max-age=0') || text('pragma').split(',').map((d) => d.trim()).includes('no-cache');
}
