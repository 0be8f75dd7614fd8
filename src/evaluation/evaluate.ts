import type { Knex } from 'knex';
import { isSqlite } from '../directus/time.ts';
import { weightedMeanOfAvailable, type DimensionModule, type DimensionResult } from './catalogue.ts';
import { cohesion } from './dimensions/cohesion.ts';
import { communication } from './dimensions/communication.ts';
import { execution } from './dimensions/execution.ts';
import { satisfaction } from './dimensions/satisfaction.ts';
import { utilisation } from './dimensions/utilisation.ts';
import { zoned, type Period } from './period.ts';
import { loadScopes, scopeId, type Scope, type ScopeKind } from './scopes.ts';
import { DIMENSIONS, type DimensionKey, type EvaluationSettings, type ScoreDimension, type Weights } from './settings.ts';

/** The dimensions in evaluation order; a new one is registered here. */
export const DIMENSION_MODULES: readonly DimensionModule[] = [communication, execution, satisfaction, utilisation, cohesion];

/** One score as stored in cc_evaluation_scores (metrics.md "Where the numbers live"). */
export interface ScoreRow {
  scope_kind: ScopeKind;
  department: string | null;
  team: number | null;
  dimension: ScoreDimension;
  score: number | null;
  raw: DimensionResult['raw'];
  counts: DimensionResult['counts'];
}

/**
 * overall — Σ wₖ·scoreₖ / Σ wₖ over the dimensions whose score is not n/a, wₖ from the cycle's
 * weights. raw: weights (the five in force for the cycle), dimensions (the keys that counted).
 */
export function overallResult(scores: Readonly<Record<DimensionKey, number | null>>, weights: Weights): DimensionResult {
  const counted = DIMENSIONS.filter((key) => scores[key] !== null);
  return {
    score: weightedMeanOfAvailable(DIMENSIONS.map((key) => [scores[key], weights[key]] as const)),
    raw: { weights: { ...weights }, dimensions: counted },
    counts: { dimensions: counted.length },
  };
}

export interface EvaluationRequest {
  period: Period;
  settings: EvaluationSettings;
  weights: Weights;
  /** Only these scopes (default: every scope the metrics contract names). */
  scope?: { kind?: ScopeKind; key?: string };
}

/**
 * Computes every scope × dimension of a period: each dimension's grouped queries once for all
 * scopes, then overall from the dimension scores. Reads only; stores nothing.
 */
export async function evaluatePeriod(db: Knex, request: EvaluationRequest): Promise<{ scopes: Scope[]; scores: ScoreRow[] }> {
  if (isSqlite(db) || db.isTransaction) return computePeriod(db, request);
  // PostgreSQL: every dimension reads one snapshot, and its grouped passes get room in memory. With
  // the default 4 MB, grouping a quarter's handoffs and tasks spilled to disk at a million events
  // (scale 1000: communication 1.3 → 0.9 s, utilisation 0.6 → 0.4 s). `set local` ends with the
  // transaction, so the connection goes back to the pool as it came.
  return db.transaction(
    async (trx) => {
      await trx.raw(`set local work_mem = '32MB'`);
      return computePeriod(trx, request);
    },
    { isolationLevel: 'repeatable read', readOnly: true },
  );
}

async function computePeriod(db: Knex, request: EvaluationRequest): Promise<{ scopes: Scope[]; scores: ScoreRow[] }> {
  const scopes = await loadScopes(db, request.scope ?? {});
  const ctx = { db, period: zoned(request.period, request.settings.timeZone), settings: request.settings };
  const results = new Map<DimensionKey, Map<string, DimensionResult>>();
  // One after another: SQLite serves a single connection anyway, and PostgreSQL keeps a pool free.
  for (const module of DIMENSION_MODULES) results.set(module.key, await module.evaluate(ctx));
  const scores: ScoreRow[] = [];
  for (const scope of scopes) {
    const id = scopeId(scope.kind, scope.key);
    const target = { scope_kind: scope.kind, department: scope.kind === 'department' ? scope.key : null, team: scope.kind === 'team' ? Number(scope.key) : null };
    const byDimension = {} as Record<DimensionKey, number | null>;
    for (const module of DIMENSION_MODULES) {
      const result = results.get(module.key)?.get(id) ?? module.empty(ctx);
      byDimension[module.key] = result.score;
      scores.push({ ...target, dimension: module.key, ...result });
    }
    scores.push({ ...target, dimension: 'overall', ...overallResult(byDimension, request.weights) });
  }
  return { scopes, scores };
}
