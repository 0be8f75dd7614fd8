import type { Knex } from 'knex';
import { acrossLanes, GROUPING_WORK_MEM, openLanes } from '../directus/read-lanes.ts';
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
  if (db.isTransaction) return computePeriod([db], request);
  // SQLite: two read-only connections of Concord's (src/directus/read-lanes.ts), each statement
  // reading what was committed when it began, as one connection's statements did.
  if (isSqlite(db)) return computePeriod(await openLanes(db), request);
  // PostgreSQL: every dimension reads one snapshot, and its grouped passes get room in memory. With
  // the default 4 MB, grouping a quarter's handoffs and tasks spilled to disk at a million events
  // (scale 1000: communication 1.3 → 0.9 s, utilisation 0.6 → 0.4 s). `set local` ends with the
  // transaction, so the connection goes back to the pool as it came.
  const readOnly = { isolationLevel: 'repeatable read', readOnly: true } as const;
  return db.transaction(async (first) => {
    await first.raw(`set local work_mem = '${GROUPING_WORK_MEM}'`);
    if (!poolHasRoom(db)) return computePeriod([first], request);
    // A second connection reads the same snapshot (exported by the first), so the dimensions run on
    // two of the server's cores and still see one state of the company.
    const exported = (await first.raw('select pg_export_snapshot() as snapshot')) as { rows: Array<{ snapshot: string }> };
    const snapshot = String(exported.rows[0]?.snapshot ?? '');
    if (!/^[0-9A-F-]+$/i.test(snapshot)) return computePeriod([first], request);
    return db.transaction(async (second) => {
      await second.raw(`set transaction snapshot '${snapshot}'`);
      await second.raw(`set local work_mem = '${GROUPING_WORK_MEM}'`);
      return computePeriod([first, second], request);
    }, readOnly);
  }, readOnly);
}

/** Whether the pool can lend a second connection without making anyone wait (an evaluation can do with one). */
function poolHasRoom(db: Knex): boolean {
  const pool = (db.client as { pool?: { max: number; numUsed(): number; numPendingCreates(): number; numPendingAcquires(): number } }).pool;
  if (!pool || typeof pool.numUsed !== 'function') return false;
  return pool.numPendingAcquires() === 0 && pool.numUsed() + pool.numPendingCreates() + 1 < pool.max;
}

/**
 * The dimensions in the order lanes take them, longest first (their usual cost at a quarter on
 * PostgreSQL, scale 100: execution 31 ms, communication 20, cohesion 9, satisfaction 5, utilisation
 * 4 once execution has read the tasks due they share; on SQLite 42, 29, 10, 5 and 2), so that two
 * lanes end close together.
 */
const LANE_ORDER: readonly DimensionKey[] = ['execution', 'communication', 'cohesion', 'satisfaction', 'utilisation'];

/** A dimension not placed in LANE_ORDER goes last. */
function laneRank(key: DimensionKey): number {
  const at = LANE_ORDER.indexOf(key);
  return at === -1 ? LANE_ORDER.length : at;
}

/** Computes a period on `connections` (one, or several reading one snapshot), a dimension at a time on each. */
async function computePeriod(connections: readonly Knex[], request: EvaluationRequest): Promise<{ scopes: Scope[]; scores: ScoreRow[] }> {
  const [db] = connections as [Knex];
  const scopes = await loadScopes(db, request.scope ?? {});
  // One `shared` for every connection's context: the tasks due execution and utilisation both need are read once.
  const ctx = { db, period: zoned(request.period, request.settings.timeZone), settings: request.settings, shared: {} };
  const ordered = [...DIMENSION_MODULES].sort((a, b) => laneRank(a.key) - laneRank(b.key));
  const computed = await acrossLanes(
    connections,
    ordered.map((module) => async (lane: Knex) => [module.key, await module.evaluate({ ...ctx, db: lane })] as const),
  );
  const results = new Map<DimensionKey, Map<string, DimensionResult>>(computed);
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
