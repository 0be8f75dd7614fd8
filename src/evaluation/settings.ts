import { InvalidPayloadError, InvalidWeightsError } from '../errors.ts';
import { assertTimeZone } from './period.ts';

/**
 * Evaluation configuration. Company-wide defaults come from the environment; a cycle may override
 * the targets and the improvement threshold (`cc_evaluation_cycles.targets`) and sets its own
 * dimension weights (`weights`).
 */

export const DIMENSIONS = ['communication', 'execution', 'satisfaction', 'utilisation', 'cohesion'] as const;
export type DimensionKey = (typeof DIMENSIONS)[number];
export type ScoreDimension = DimensionKey | 'overall';
export const SCORE_DIMENSIONS: readonly ScoreDimension[] = [...DIMENSIONS, 'overall'];

export type Weights = Record<DimensionKey, number>;

export interface Targets {
  /** Logged over capacity hours a scope aims for (metrics.md: 0.85). */
  utilisation: number;
  /** Expense over pro-rated budget a scope aims for (metrics.md: 1). */
  budget_execution: number;
  /** A dimension scoring below this proposes an improvement action at publication. */
  improvement_threshold: number;
}

export interface EvaluationSettings {
  timeZone: string;
  workdayHours: number;
  targets: Targets;
}

export const DEFAULT_TARGETS: Targets = { utilisation: 0.85, budget_execution: 1, improvement_threshold: 60 };

type Env = Record<string, unknown>;

function numberSetting(env: Env, name: string, fallback: number, valid: (n: number) => boolean, rule: string): number {
  const raw = env[name];
  if (raw === undefined || raw === null || raw === '') return fallback;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(value) || !valid(value)) throw new RangeError(`${name} must be ${rule}, not "${String(raw)}".`);
  return value;
}

/** Reads and checks the settings; a wrong value stops with one sentence naming the variable. */
export function evaluationSettings(env: Env): EvaluationSettings {
  const timeZone = typeof env['CONCORD_TIME_ZONE'] === 'string' && env['CONCORD_TIME_ZONE'] !== '' ? env['CONCORD_TIME_ZONE'] : 'Asia/Shanghai';
  assertTimeZone(timeZone);
  return {
    timeZone,
    workdayHours: numberSetting(env, 'CONCORD_WORKDAY_HOURS', 8, (n) => n > 0 && n <= 24, 'hours between 0 and 24'),
    targets: {
      utilisation: numberSetting(env, 'CONCORD_UTILISATION_TARGET', DEFAULT_TARGETS.utilisation, (n) => n > 0 && n <= 2, 'a share above 0 and at most 2'),
      budget_execution: numberSetting(env, 'CONCORD_BUDGET_EXECUTION_TARGET', DEFAULT_TARGETS.budget_execution, (n) => n > 0 && n <= 5, 'a ratio above 0 and at most 5'),
      improvement_threshold: numberSetting(env, 'CONCORD_IMPROVEMENT_THRESHOLD', DEFAULT_TARGETS.improvement_threshold, (n) => n >= 0 && n <= 100, 'a score from 0 to 100'),
    },
  };
}

const EQUAL_WEIGHTS: Weights = { communication: 1, execution: 1, satisfaction: 1, utilisation: 1, cohesion: 1 };

/** A cycle's weights: empty means equal; otherwise exactly the five keys, numbers ≥ 0, not all 0. */
export function parseWeights(value: unknown): Weights {
  if (value === null || value === undefined || value === '') return { ...EQUAL_WEIGHTS };
  const object = typeof value === 'string' ? parseJsonObject(value) : value;
  if (typeof object !== 'object' || object === null || Array.isArray(object)) throw new InvalidWeightsError({ reason: { 'zh-CN': '权重应是一个对象,如 {"communication": 1, …}', 'en-US': 'weights are an object such as {"communication": 1, …}' } });
  const entries = object as Record<string, unknown>;
  const unknown = Object.keys(entries).filter((key) => !(DIMENSIONS as readonly string[]).includes(key));
  if (unknown.length > 0) throw new InvalidWeightsError({ reason: { 'zh-CN': `${unknown.map((k) => `“${k}”`).join('、')}不是评估维度`, 'en-US': `${unknown.map((k) => `"${k}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} no dimension` } });
  const missing = DIMENSIONS.filter((key) => entries[key] === undefined);
  if (missing.length > 0) throw new InvalidWeightsError({ reason: { 'zh-CN': `缺少 ${missing.join('、')}`, 'en-US': `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing` } });
  const weights = { ...EQUAL_WEIGHTS };
  for (const key of DIMENSIONS) {
    const weight = entries[key];
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 1000) {
      throw new InvalidWeightsError({ reason: { 'zh-CN': `${key} 是 ${JSON.stringify(weight)},应为 0 到 1000 之间的数`, 'en-US': `${key} is ${JSON.stringify(weight)}, not a number from 0 to 1000` } });
    }
    weights[key] = weight;
  }
  if (DIMENSIONS.every((key) => weights[key] === 0)) throw new InvalidWeightsError({ reason: { 'zh-CN': '所有权重都是 0', 'en-US': 'all weights are 0' } });
  return weights;
}

/** A cycle's targets over the company defaults; unknown keys and out-of-range values are refused. */
export function parseTargets(value: unknown, defaults: Targets): Targets {
  if (value === null || value === undefined || value === '') return { ...defaults };
  const object = typeof value === 'string' ? parseJsonObject(value) : value;
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    throw new InvalidPayloadError({ field: 'targets', reason: { 'zh-CN': '应是一个对象,如 {"utilisation": 0.85, "budget_execution": 1, "improvement_threshold": 60}', 'en-US': 'an object such as {"utilisation": 0.85, "budget_execution": 1, "improvement_threshold": 60}' } });
  }
  const limits: Record<keyof Targets, [number, number, boolean]> = {
    utilisation: [0, 2, false],
    budget_execution: [0, 5, false],
    improvement_threshold: [0, 100, true],
  };
  const targets = { ...defaults };
  for (const [key, raw] of Object.entries(object as Record<string, unknown>)) {
    const limit = limits[key as keyof Targets];
    if (!limit) throw new InvalidPayloadError({ field: `targets.${key}`, reason: { 'zh-CN': `可用的目标为 ${Object.keys(limits).join('、')}`, 'en-US': `use ${Object.keys(limits).join(', ')}` } });
    const [min, max, minIncluded] = limit;
    if (raw === null) continue;
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw > max || raw < min || (!minIncluded && raw === min)) {
      throw new InvalidPayloadError({ field: `targets.${key}`, reason: { 'zh-CN': `应为${minIncluded ? '不小于' : '大于'} ${min} 且不大于 ${max} 的数`, 'en-US': `a number ${minIncluded ? 'from' : 'above'} ${min} ${minIncluded ? 'to' : 'and at most'} ${max}` } });
    }
    targets[key as keyof Targets] = raw;
  }
  return targets;
}

function parseJsonObject(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
