import type { Accountability } from '@directus/types';
import type { Knex } from 'knex';
import { toDbTime } from '../directus/time.ts';
import type { ServiceContext } from '../directus/services.ts';
import {
  CycleChangedError,
  CycleNotRunError,
  CyclePublishedError,
  DuplicateCycleError,
  InvalidPayloadError,
  ManagedFieldError,
  MissingCapabilityError,
  NotFoundError,
  ScoreFrozenError,
  ScoreManagedError,
  InvalidPeriodError,
} from '../errors.ts';
import { userCapabilities, userDepartment } from '../organisation/authority-store.ts';
import { evaluatePeriod, type ScoreRow } from './evaluate.ts';
import { scorecardNotification, feedbackLanguage } from './feedback.ts';
import type { Localized } from '../i18n/language.ts';
import { causedTitle, diagnoseProposals, type ActionDiagnosis } from '../diagnostics/action-diagnosis.ts';
import { proposeActions, type ProposedAction } from './improvement.ts';
import { personName } from '../ui/people-names.ts';
import { addDays, cyclePeriod, daysBetween, nextCyclePeriod, periodKey, periodName, zonedDate, type Period, type PeriodKind } from './period.ts';
import { loadScopes, scopeId } from './scopes.ts';
import { parseTargets, parseWeights, type EvaluationSettings, type ScoreDimension } from './settings.ts';
import { dateOf, dialectOf, forUpdate } from './sql.ts';
import { scorecardDashboard, scorecardQuery } from '../insights/dashboards.ts';

/**
 * The life of an evaluation cycle: a draft is created for a month or quarter (one per kind and
 * period), run (its draft scores computed and replaced in one transaction), reviewed, and published
 * by a person — which freezes its scores, feeds each scorecard back to the department heads and team
 * leads, proposes improvement actions under the threshold, and records the "after" score of the
 * previous cycle's actions, all in one transaction. Frozen means frozen on every write path: these
 * guards give the clear refusals, and database triggers (freeze-triggers.ts) hold the line in races
 * and for writes that run no hooks.
 */

export const EVALUATION_CAPABILITY = 'evaluation.publish';

export interface CycleRow {
  id: number;
  name: string;
  period_kind: PeriodKind;
  starts_on: string;
  ends_on: string;
  status: 'draft' | 'published';
  weights: unknown;
  targets: unknown;
  computed_at: unknown;
  published_at: unknown;
}

type Payload = Record<string, unknown>;
type Key = number | string;

export interface EvaluationContext {
  db: Knex;
  settings: EvaluationSettings;
  now?: () => Date;
}

export interface PublishContext extends EvaluationContext, Pick<ServiceContext, 'services' | 'schema'> {
  /** Studio's public address, for the scorecard link in the feedback. */
  publicUrl: string;
}

function toCycle(row: Record<string, unknown>): CycleRow {
  return {
    id: Number(row['id']),
    name: String(row['name'] ?? ''),
    period_kind: row['period_kind'] as PeriodKind,
    starts_on: dateOf(row['starts_on']) as string,
    ends_on: dateOf(row['ends_on']) as string,
    status: row['status'] === 'published' ? 'published' : 'draft',
    weights: row['weights'],
    targets: row['targets'],
    computed_at: row['computed_at'],
    published_at: row['published_at'],
  };
}

const CYCLE_COLUMNS = ['id', 'name', 'period_kind', 'starts_on', 'ends_on', 'status', 'weights', 'targets', 'computed_at', 'published_at'];

export async function loadCycle(db: Knex, id: number, options: { lock?: boolean } = {}): Promise<CycleRow> {
  const query = db('cc_evaluation_cycles').select(CYCLE_COLUMNS).where('id', id).first();
  const row = await (options.lock ? forUpdate(db, query) : query);
  if (!row) throw new NotFoundError({ collection: 'cc_evaluation_cycles', id: String(id) });
  return toCycle(row as Record<string, unknown>);
}

/** Run, publish and preview are for holders of evaluation.publish (and admins). */
export async function assertMayEvaluate(db: Knex, accountability: Accountability | null, action: Localized): Promise<void> {
  if (!accountability || accountability.admin) return;
  const user = accountability.user;
  if (user && (await userCapabilities(db, user)).has(EVALUATION_CAPABILITY)) return;
  throw new MissingCapabilityError({ capability: EVALUATION_CAPABILITY, department: user ? await userDepartment(db, user) : null, action });
}

// ---- generic writes (hooks) ----

const PERIOD_FIELDS = ['period_kind', 'starts_on', 'ends_on'];
/** What a draft's scores are computed from: changing one discards them. */
const COMPUTED_FROM = [...PERIOD_FIELDS, 'weights', 'targets'];
/** What publication freezes: the name too, which scorecards, charts and feedback show. */
const FROZEN_FIELDS = [...COMPUTED_FROM, 'name'];
const SERVER_FIELDS = ['published_at', 'computed_at', 'period_key'];

/** A new cycle: a draft whose end, key and default name follow from its kind and first day. */
export async function prepareCycleCreate(db: Knex, payload: Payload, settings: EvaluationSettings): Promise<Payload> {
  const managed = SERVER_FIELDS.filter((field) => payload[field] !== undefined && payload[field] !== null);
  if (managed.length > 0) throw new ManagedFieldError({ fields: managed });
  if (payload['status'] !== undefined && payload['status'] !== null && payload['status'] !== 'draft') {
    throw new InvalidPayloadError({ collection: 'cc_evaluation_cycles', field: 'status', reason: { 'zh-CN': '新周期从草稿开始:先计算、审阅,再通过 POST /concord/evaluation/cycles/:id/publish 发布', 'en-US': 'a cycle starts as a draft; run it, review it, then publish it with POST /concord/evaluation/cycles/:id/publish' } });
  }
  const kind = payload['period_kind'] ?? 'monthly';
  const period = cyclePeriod(kind, payload['starts_on']);
  assertEndsOn(payload['ends_on'], period);
  parseWeights(payload['weights']);
  parseTargets(payload['targets'], settings.targets);
  const key = periodKey(kind as PeriodKind, period);
  const twin = await db('cc_evaluation_cycles').first('id').where('period_key', key);
  if (twin) throw new DuplicateCycleError({ period_key: key, cycle: Number(twin.id) });
  const name = typeof payload['name'] === 'string' && payload['name'].trim() !== '' ? payload['name'] : periodName(kind as PeriodKind, period);
  return { ...payload, period_kind: kind, name, ends_on: period.ends_on, period_key: key, status: 'draft' };
}

function assertEndsOn(given: unknown, period: Period): void {
  if (given === undefined || given === null || given === '' || dateOf(given) === period.ends_on) return;
  throw new InvalidPeriodError({ field: 'ends_on', reason: { 'zh-CN': `它由周期类型与开始日期决定,应为 ${period.ends_on}(请留空)`, 'en-US': `it follows from the kind and first day: ${period.ends_on} (leave it empty)` } });
}

/**
 * Changes to cycles: status is the run/publish endpoints' to set; a published cycle keeps its
 * name, period, weights and targets; a draft's new period brings its new end and key.
 */
export async function guardCycleUpdate(db: Knex, keys: readonly Key[], payload: Payload, settings: EvaluationSettings): Promise<Payload> {
  const managed = SERVER_FIELDS.filter((field) => payload[field] !== undefined);
  if (managed.length > 0) throw new ManagedFieldError({ fields: managed });
  const cycles = (await db('cc_evaluation_cycles').select(CYCLE_COLUMNS).whereIn('id', keys.map(Number))).map(toCycle);
  for (const cycle of cycles) {
    if (payload['status'] !== undefined && payload['status'] !== cycle.status) {
      if (cycle.status === 'published') throw new CyclePublishedError({ cycle: cycle.id, action: { 'zh-CN': '退回草稿', 'en-US': 'go back to draft' } });
      throw new InvalidPayloadError({ collection: 'cc_evaluation_cycles', field: 'status', reason: { 'zh-CN': '请通过 POST /concord/evaluation/cycles/:id/publish 发布审阅过的草稿,发布时会同时反馈得分', 'en-US': 'publish a reviewed draft with POST /concord/evaluation/cycles/:id/publish, which also feeds the scores back' } });
    }
    if (cycle.status === 'published') {
      const changed = FROZEN_FIELDS.filter((field) => payload[field] !== undefined && !sameValue(field, payload[field], cycle));
      if (changed.length > 0) throw new CyclePublishedError({ cycle: cycle.id, action: { 'zh-CN': `修改 ${changed.join('、')}`, 'en-US': `change ${changed.join(', ')}` } });
    }
  }
  if (payload['weights'] !== undefined) parseWeights(payload['weights']);
  if (payload['targets'] !== undefined) parseTargets(payload['targets'], settings.targets);
  if (!PERIOD_FIELDS.some((field) => payload[field] !== undefined)) return payload;
  const drafts = cycles.filter((c) => c.status === 'draft');
  if (drafts.length === 0) return payload;
  if (cycles.length > 1) throw new InvalidPayloadError({ collection: 'cc_evaluation_cycles', field: 'starts_on', reason: { 'zh-CN': '请一次只修改一个周期的期间(每种周期每个期间只有一个)', 'en-US': 'change the period of one cycle at a time (one cycle per kind and period)' } });
  const current = drafts[0] as CycleRow;
  const kind = (payload['period_kind'] ?? current.period_kind) as PeriodKind;
  const period = cyclePeriod(kind, payload['starts_on'] ?? current.starts_on);
  assertEndsOn(payload['ends_on'], period);
  const key = periodKey(kind, period);
  const twin = await db('cc_evaluation_cycles').first('id').where('period_key', key).whereNot('id', current.id);
  if (twin) throw new DuplicateCycleError({ period_key: key, cycle: Number(twin.id) });
  const renamed = payload['name'] === undefined && current.name === periodName(current.period_kind, current) ? { name: periodName(kind, period) } : {};
  // The draft's scores were for the old period: they go with the change, and it is no longer computed.
  await db('cc_evaluation_scores').where('cycle', current.id).delete();
  return { ...payload, ...renamed, ends_on: period.ends_on, period_key: key, computed_at: null };
}

function sameValue(field: string, value: unknown, cycle: CycleRow): boolean {
  const current = (cycle as unknown as Record<string, unknown>)[field];
  if (field === 'starts_on' || field === 'ends_on') return dateOf(value) === current;
  const norm = (v: unknown) => JSON.stringify(typeof v === 'string' && (field === 'weights' || field === 'targets') ? safeParse(v) : (v ?? null));
  return norm(value) === norm(current);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** After a draft's period, weights or targets change, its draft scores no longer describe it. */
export async function discardStaleDraftScores(db: Knex, keys: readonly Key[], payload: Payload): Promise<void> {
  if (!COMPUTED_FROM.some((field) => payload[field] !== undefined)) return;
  const drafts = db('cc_evaluation_cycles').select('id').whereIn('id', keys.map(Number)).andWhere('status', 'draft');
  await db.transaction(async (trx) => {
    await trx('cc_evaluation_scores').whereIn('cycle', drafts.clone()).delete();
    await trx('cc_evaluation_cycles').whereIn('id', keys.map(Number)).andWhere('status', 'draft').update({ computed_at: null });
  });
}

export async function guardCycleDelete(db: Knex, keys: readonly Key[]): Promise<void> {
  const published = await db('cc_evaluation_cycles').first('id').whereIn('id', keys.map(Number)).andWhere('status', 'published');
  if (published) throw new CyclePublishedError({ cycle: Number(published.id), action: { 'zh-CN': '删除', 'en-US': 'be deleted' } });
}

/** Scores are written by runs only; those of a published cycle are frozen. */
export async function refuseScoreWrite(db: Knex, action: 'created' | 'changed' | 'deleted', keys: readonly Key[] = []): Promise<never> {
  if (keys.length > 0) {
    const frozen = await db('cc_evaluation_scores as s')
      .join('cc_evaluation_cycles as c', 'c.id', 's.cycle')
      .first('c.id')
      .whereIn('s.id', keys.map(Number))
      .andWhere('c.status', 'published');
    if (frozen) throw new ScoreFrozenError({ cycle: Number(frozen.id) });
  }
  throw new ScoreManagedError({ action });
}

// ---- run ----

export interface RunReport {
  cycle: number;
  scopes: number;
  scores: number;
  computed_at: string;
}

/**
 * Computes the cycle's scores and replaces its draft scores with them in one transaction. The
 * computation reads outside that transaction (SQLite would otherwise hold its only connection for
 * the whole run); the write re-checks, under a lock, that the cycle is still the draft that was
 * computed.
 */
export async function runCycle(ctx: EvaluationContext, cycleId: number): Promise<RunReport> {
  const cycle = await loadCycle(ctx.db, cycleId);
  if (cycle.status === 'published') throw new CyclePublishedError({ cycle: cycle.id, action: { 'zh-CN': '重新计算', 'en-US': 'be run again' } });
  const weights = parseWeights(cycle.weights);
  const targets = parseTargets(cycle.targets, ctx.settings.targets);
  const { scopes, scores } = await evaluatePeriod(ctx.db, { period: cycle, settings: { ...ctx.settings, targets }, weights });
  const now = ctx.now?.() ?? new Date();
  await ctx.db.transaction(async (trx) => {
    const current = await loadCycle(trx, cycleId, { lock: true });
    if (current.status === 'published') throw new CyclePublishedError({ cycle: cycle.id, action: { 'zh-CN': '重新计算', 'en-US': 'be run again' } });
    if (current.starts_on !== cycle.starts_on || current.period_kind !== cycle.period_kind || JSON.stringify(current.weights) !== JSON.stringify(cycle.weights) || JSON.stringify(current.targets) !== JSON.stringify(cycle.targets)) {
      throw new CycleChangedError({ cycle: cycle.id });
    }
    await trx('cc_evaluation_scores').where('cycle', cycleId).delete();
    const rows = scores.map((score) => toStoredScore(cycleId, score));
    for (let i = 0; i < rows.length; i += 100) await trx('cc_evaluation_scores').insert(rows.slice(i, i + 100));
    await trx('cc_evaluation_cycles').where('id', cycleId).update({ computed_at: toDbTime(trx, now), date_updated: toDbTime(trx, now) });
  });
  return { cycle: cycleId, scopes: scopes.length, scores: scores.length, computed_at: now.toISOString() };
}

function toStoredScore(cycle: number, score: ScoreRow): Record<string, unknown> {
  return {
    cycle,
    scope_kind: score.scope_kind,
    department: score.department,
    team: score.team,
    dimension: score.dimension,
    score: score.score,
    raw: JSON.stringify(score.raw),
    counts: JSON.stringify(score.counts),
  };
}

// ---- publish ----

export interface PublishReport {
  cycle: number;
  published_at: string;
  previous: number | null;
  notified: string[];
  actions: number;
  actions_followed_up: number;
}

interface StoredScore {
  id: number;
  scope_kind: 'department' | 'team';
  department: string | null;
  team: number | null;
  dimension: ScoreDimension;
  score: number | null;
}

/** Publishes a run draft: frozen, fed back and acted on, in one transaction (see the module comment). */
export async function publishCycle(ctx: PublishContext, cycleId: number, options: { notify?: boolean } = {}): Promise<PublishReport> {
  const now = ctx.now?.() ?? new Date();
  return ctx.db.transaction(async (trx) => {
    const cycle = await loadCycle(trx, cycleId, { lock: true });
    if (cycle.status === 'published') throw new CyclePublishedError({ cycle: cycle.id, action: { 'zh-CN': '再次发布', 'en-US': 'be published again' } });
    if (cycle.computed_at === null || cycle.computed_at === undefined) throw new CycleNotRunError({ cycle: cycle.id });
    const updated = await trx('cc_evaluation_cycles')
      .where({ id: cycle.id, status: 'draft' })
      .update({ status: 'published', published_at: toDbTime(trx, now), date_updated: toDbTime(trx, now) });
    if (updated !== 1) throw new CyclePublishedError({ cycle: cycle.id, action: { 'zh-CN': '再次发布', 'en-US': 'be published again' } });

    const { scores, scopes, threshold, proposals } = await planPublication(trx, cycle, ctx.settings, now);
    const previousRow = await trx('cc_evaluation_cycles')
      .select('id')
      .where({ period_kind: cycle.period_kind, status: 'published' })
      .andWhere('starts_on', '<', dialectOf(trx).date(cycle.starts_on))
      .orderBy('starts_on', 'desc')
      .first();
    const previous = previousRow ? Number(previousRow.id) : null;
    const previousScores = previous === null ? [] : await storedScores(trx, previous);

    // Each proposal says why (issue 19): the top findings of its scope and dimension, stored once.
    const diagnoses = await diagnoseProposals(trx, ctx.settings, { starts_on: cycle.starts_on, ends_on: cycle.ends_on }, proposals, now);
    const causes = new Map<string, Partial<Record<ScoreDimension, { 'zh-CN': string | null; 'en-US': string | null }>>>();
    const dates = dialectOf(trx);
    for (const [i, proposal] of proposals.entries()) {
      const diagnosis = diagnoses[i] as ActionDiagnosis;
      const scope = scopeOf(proposal);
      causes.set(scope, { ...causes.get(scope), [proposal.dimension]: { 'zh-CN': diagnosis.cause_zh, 'en-US': diagnosis.cause_en } });
      await trx('cc_improvement_actions').insert({
        ...proposal,
        title: causedTitle(proposal.dimension, diagnosis.cause_zh) ?? proposal.title,
        diagnosis_zh: diagnosis.diagnosis_zh,
        diagnosis_en: diagnosis.diagnosis_en,
        diagnosis_evidence: JSON.stringify(diagnosis.diagnosis_evidence),
        due_on: dates.date(proposal.due_on),
        date_created: toDbTime(trx, now),
      });
    }
    const followedUp = previous === null ? 0 : await recordScoresAfter(trx, previous, scores, now);

    const notified = options.notify === false ? [] : await feedBack(ctx, trx, cycle, scopes, scores, previous === null ? null : previousScores, threshold, causes);
    return { cycle: cycle.id, published_at: now.toISOString(), previous, notified, actions: proposals.length, actions_followed_up: followedUp };
  });
}

/**
 * What publishing `cycle` now would propose, from its stored draft scores: one action per scope ×
 * dimension under the threshold (`proposeActions`), each with the due day it gets (`actionDueOn`).
 * Publishing stores exactly these (with a diagnosis each); the draft review shows them beforehand.
 */
export async function planPublication(
  db: Knex,
  cycle: CycleRow,
  settings: EvaluationSettings,
  now: Date,
): Promise<{ scores: StoredScore[]; scopes: Awaited<ReturnType<typeof loadScopes>>; threshold: number; proposals: ProposedAction[] }> {
  const [scores, scopes] = await Promise.all([storedScores(db, cycle.id), loadScopes(db)]);
  const threshold = parseTargets(cycle.targets, settings.targets).improvement_threshold;
  const nextPeriod = nextCyclePeriod(cycle.period_kind, cycle);
  const proposedOn = zonedDate(now, settings.timeZone);
  const proposals = proposeActions(cycle, scores.map(asScoreRow), scopes, threshold, nextPeriod).map((proposal) => ({ ...proposal, due_on: actionDueOn(proposal.due_on, proposedOn, nextPeriod) }));
  return { scores, scopes, threshold, proposals };
}

export interface PlannedAction {
  scope_kind: 'department' | 'team';
  scope: string | number;
  scope_name: string;
  scope_name_en: string | null;
  dimension: ScoreDimension;
  category: ProposedAction['category'];
  score_before: number;
  owner: string | null;
  owner_name: string | null;
  due_on: string;
}

/**
 * The draft review's list of the improvement actions publishing would propose (evaluation.publish
 * holders only; the caller checks). Empty for a cycle that is published or not run yet.
 */
export async function previewPublication(ctx: EvaluationContext, cycleId: number): Promise<{ cycle: number; status: string; computed: boolean; threshold: number; actions: PlannedAction[] }> {
  const cycle = await loadCycle(ctx.db, cycleId);
  const threshold = parseTargets(cycle.targets, ctx.settings.targets).improvement_threshold;
  const computed = cycle.computed_at !== null && cycle.computed_at !== undefined;
  if (cycle.status === 'published' || !computed) return { cycle: cycle.id, status: cycle.status, computed, threshold, actions: [] };
  const { scopes, proposals } = await planPublication(ctx.db, cycle, ctx.settings, ctx.now?.() ?? new Date());
  const owners = [...new Set(proposals.map((p) => p.owner).filter((o): o is string => o !== null))];
  const people: Array<{ id: string; first_name: string | null; last_name: string | null }> = owners.length ? await ctx.db('directus_users').select('id', 'first_name', 'last_name').whereIn('id', owners) : [];
  const nameOf = new Map(people.map((p) => [p.id, personName(p) || null]));
  const actions = proposals.map((p): PlannedAction => {
    const key = p.scope_kind === 'department' ? String(p.department) : String(p.team);
    const scope = scopes.find((s) => s.kind === p.scope_kind && s.key === key);
    return {
      scope_kind: p.scope_kind,
      scope: p.scope_kind === 'department' ? key : Number(p.team),
      scope_name: scope?.name ?? key,
      scope_name_en: scope?.name_en ?? null,
      dimension: p.dimension,
      category: p.category,
      score_before: p.score_before,
      owner: p.owner,
      owner_name: p.owner ? (nameOf.get(p.owner) ?? null) : null,
      due_on: p.due_on,
    };
  });
  return { cycle: cycle.id, status: cycle.status, computed, threshold, actions };
}

async function storedScores(db: Knex, cycle: number): Promise<StoredScore[]> {
  const rows: Array<Record<string, unknown>> = await db('cc_evaluation_scores').select('id', 'scope_kind', 'department', 'team', 'dimension', 'score').where('cycle', cycle);
  return rows.map((row) => ({
    id: Number(row['id']),
    scope_kind: row['scope_kind'] as 'department' | 'team',
    department: (row['department'] as string | null) ?? null,
    team: row['team'] === null || row['team'] === undefined ? null : Number(row['team']),
    dimension: row['dimension'] as ScoreDimension,
    score: row['score'] === null || row['score'] === undefined ? null : Number(row['score']),
  }));
}

function asScoreRow(score: StoredScore): ScoreRow {
  return { ...score, raw: {}, counts: {} };
}

const scopeOf = (s: { scope_kind: string; department: string | null; team: number | null }) => scopeId(s.scope_kind, s.scope_kind === 'department' ? (s.department as string) : String(s.team));

/** The previous cycle's actions get this cycle's score of their scope × dimension as "after". */
async function recordScoresAfter(trx: Knex, previousCycle: number, scores: readonly StoredScore[], now: Date): Promise<number> {
  const actions: Array<{ id: number; scope_kind: string; department: string | null; team: number | null; dimension: string }> = await trx('cc_improvement_actions')
    .select('id', 'scope_kind', 'department', 'team', 'dimension')
    .where('cycle', previousCycle);
  for (const action of actions) {
    const after = scores.find((s) => s.dimension === action.dimension && scopeOf(s) === scopeOf({ ...action, team: action.team === null ? null : Number(action.team) }));
    await trx('cc_improvement_actions').where('id', action.id).update({ score_after: after?.score ?? null, date_updated: toDbTime(trx, now) });
  }
  return actions.length;
}

/** One notification per scope with a head or lead, in that person's language. */
async function feedBack(
  ctx: PublishContext,
  trx: Knex,
  cycle: CycleRow,
  scopes: Awaited<ReturnType<typeof loadScopes>>,
  scores: readonly StoredScore[],
  previousScores: readonly StoredScore[] | null,
  threshold: number,
  causes: ReadonlyMap<string, Partial<Record<ScoreDimension, { 'zh-CN': string | null; 'en-US': string | null }>>>,
): Promise<string[]> {
  const managers = [...new Set(scopes.map((s) => s.manager).filter((m): m is string => m !== null))];
  if (managers.length === 0) return [];
  const people: Array<{ id: string; language: string | null; status: string }> = await trx('directus_users').select('id', 'language', 'status').whereIn('id', managers);
  const languageOf = new Map(people.filter((p) => p.status === 'active').map((p) => [p.id, feedbackLanguage(p.language)]));
  const rows: Array<Record<string, unknown>> = [];
  for (const scope of scopes) {
    const language = scope.manager ? languageOf.get(scope.manager) : undefined;
    if (!scope.manager || !language) continue;
    const id = scopeId(scope.kind, scope.key);
    const mine = scores.filter((s) => scopeOf(s) === id);
    const overall = mine.find((s) => s.dimension === 'overall');
    if (!overall) continue;
    const byDimension = Object.fromEntries(mine.map((s) => [s.dimension, s.score]));
    const before = previousScores ? Object.fromEntries(previousScores.filter((s) => scopeOf(s) === id).map((s) => [s.dimension, s.score])) : null;
    const content = scorecardNotification({
      language,
      cycle,
      scope: { name: scope.name, name_en: scope.name_en, kind: scope.kind },
      scores: byDimension,
      previous: before,
      threshold,
      causes: Object.fromEntries(Object.entries(causes.get(id) ?? {}).map(([d, c]) => [d, c?.[language] ?? null])),
      // The scorecard in Studio: the head's department dashboard, the lead's team dashboard, opened
      // on the cycle announced (its period) and the scope, which the dashboard's picker starts from.
      link: `${ctx.publicUrl.replace(/\/$/, '')}/admin/insights/${scorecardDashboard(scope.kind)}?${scorecardQuery(cycle, scope.kind, scope.key)}`,
    });
    // Its ↗ opens the cycle announced (status, period, weights), not a raw score record.
    rows.push({ recipient: scope.manager, status: 'inbox', sender: null, collection: 'cc_evaluation_cycles', item: String(cycle.id), ...content });
  }
  if (rows.length > 0) {
    await new ctx.services.ItemsService('directus_notifications', { schema: ctx.schema, knex: trx }).createMany(rows, { emitEvents: false });
  }
  return [...new Set(rows.map((r) => r['recipient'] as string))];
}

/**
 * An action is due on the last day of the next period, unless that day is already past when it is
 * proposed (a cycle published late, or history back-filled): then it gets a whole period's length
 * from the day it is proposed, so no action is overdue on the day it appears.
 */
export function actionDueOn(plannedDueOn: string, proposedOn: string, nextPeriod: Period): string {
  if (plannedDueOn >= proposedOn) return plannedDueOn;
  return addDays(proposedOn, daysBetween(nextPeriod.starts_on, nextPeriod.ends_on) - 1);
}
