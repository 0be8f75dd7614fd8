import type { Knex } from 'knex';
import type { ZonedPeriod } from './period.ts';
import type { DimensionKey, EvaluationSettings } from './settings.ts';
import { scopeId } from './scopes.ts';

/**
 * The metric catalogue v1 (/work/shared/spec/metrics.md): one module per dimension under
 * dimensions/, each running one grouped query per metric over all scopes of the period and turning
 * the aggregates into the stored `raw` keys and a 0–100 score. A new dimension is one module plus its
 * test, registered in DIMENSION_MODULES (evaluate.ts).
 */

export interface MetricContext {
  db: Knex;
  period: ZonedPeriod;
  settings: EvaluationSettings;
  /**
   * Shared by the contexts of one evaluation that read one snapshot on several connections
   * (evaluate.ts): a read two dimensions need is made once for all of them. Without it, the context
   * itself is that key.
   */
  shared?: object;
}

export type RawValue = number | null | string[] | Record<string, number>;

export interface DimensionResult {
  /** 0–100, null for n/a. */
  score: number | null;
  /** The metrics.md keys of the dimension, unrounded. */
  raw: Record<string, RawValue>;
  /** The row counts behind the figures. */
  counts: Record<string, number>;
}

export interface DimensionModule {
  key: DimensionKey;
  /** Results per scope id (`department:sales`); a scope without rows is absent and gets `empty`. */
  evaluate(ctx: MetricContext): Promise<Map<string, DimensionResult>>;
  /** The result of a scope the queries found nothing for: every count 0, every share n/a. */
  empty(ctx: Pick<MetricContext, 'settings'>): DimensionResult;
}

/** `part / whole`, or n/a without a whole. */
export function share(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** The mean of the parts that are not n/a, or n/a if none is. */
export function meanOfAvailable(parts: ReadonlyArray<number | null>): number | null {
  const present = parts.filter((p): p is number => p !== null);
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0) / present.length;
}

/** Σ wₖ·xₖ / Σ wₖ over the parts that are not n/a (n/a when none is, or their weights sum to 0). */
export function weightedMeanOfAvailable(parts: ReadonlyArray<readonly [number | null, number]>): number | null {
  let sum = 0;
  let weight = 0;
  for (const [value, w] of parts) {
    if (value === null) continue;
    sum += value * w;
    weight += w;
  }
  return weight > 0 ? sum / weight : null;
}

/**
 * A dimension's figures per scope as its queries fill them in: `of` gives a scope's (a copy of
 * `empty` the first time), `results` turns each into its result. A scope no query found is absent.
 */
export function perScope<A extends object>(empty: A): { of(kind: string, scope: unknown): A; results(result: (a: A) => DimensionResult): Map<string, DimensionResult> } {
  const aggregates = new Map<string, A>();
  return {
    of(kind, scope) {
      const id = scopeId(kind, scope as string);
      let a = aggregates.get(id);
      if (!a) aggregates.set(id, (a = { ...empty }));
      return a;
    },
    results: (result) => new Map([...aggregates].map(([id, a]) => [id, result(a)])),
  };
}
