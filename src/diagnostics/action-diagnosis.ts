import type { Knex } from 'knex';
import { DIMENSION_NAMES } from '../evaluation/improvement.ts';
import type { Period } from '../evaluation/period.ts';
import type { EvaluationSettings } from '../evaluation/settings.ts';
import type { InsightScope } from '../insights/query.ts';
import { causeLine } from './dimension-findings.ts';
import type { Finding } from './findings.ts';
import { diagnosisStats, findingsOf, namesFor, SEES_EVERYTHING } from './index.ts';

/**
 * The diagnosis an improvement action carries (issue 19 item 3): when a cycle is published, each
 * proposed action gets the top findings of its scope and dimension for the cycle's period — computed
 * once, over every row (the server's own reading, as the scores are), and stored on the action in
 * both languages with the evidence ids, never recomputed. The action's title names the cause.
 */

export const TOP_FINDINGS = 3;

/**
 * At most this many ids of each sort (cases, tasks, people) are stored per finding, in the finding's
 * own order (a bottleneck's cases those with the most hours over the SLA first), with the full count
 * beside them: a bottleneck of a busy pair names thousands of cases, and an action row must not
 * grow with the volume of a month. At most TOP_FINDINGS × 3 × EVIDENCE_LIMIT ids per action. The
 * whole list stays one diagnostics call away (the 诊断 panel, for the action's scope and period).
 */
export const EVIDENCE_LIMIT = 20;

export interface StoredEvidence {
  kind: Finding['kind'];
  impact: Finding['impact'];
  /** The first EVIDENCE_LIMIT ids of each sort. */
  evidence: Finding['evidence'];
  /** How many ids of each sort the finding had. */
  total: { cases: number; tasks?: number; people?: number };
}

/** A finding's evidence as an action stores it: each id list cut to `limit`, with its full count. */
export function storedEvidence(finding: Pick<Finding, 'kind' | 'impact' | 'evidence'>, limit: number = EVIDENCE_LIMIT): StoredEvidence {
  const { cases, tasks, people } = finding.evidence;
  return {
    kind: finding.kind,
    impact: finding.impact,
    evidence: { cases: cases.slice(0, limit), ...(tasks ? { tasks: tasks.slice(0, limit) } : {}), ...(people ? { people: people.slice(0, limit) } : {}) },
    total: { cases: cases.length, ...(tasks ? { tasks: tasks.length } : {}), ...(people ? { people: people.length } : {}) },
  };
}

export interface ActionDiagnosis {
  diagnosis_zh: string | null;
  diagnosis_en: string | null;
  /** The top findings' kinds, impacts and ids (capped, `storedEvidence`), in the order of the text. */
  diagnosis_evidence: StoredEvidence[];
  cause_zh: string | null;
  cause_en: string | null;
}

interface Proposal {
  scope_kind: 'department' | 'team';
  department: string | null;
  team: number | null;
  dimension: string;
}

const lines = (findings: readonly Finding[], zh: boolean) => findings.map((f, i) => `${i + 1}. ${f.title}${zh ? ':' : ': '}${f.detail}`).join('\n');

/** The diagnosis of each proposal (same order), one diagnosis per scope computed. */
export async function diagnoseProposals(db: Knex, settings: EvaluationSettings, period: Period, proposals: readonly Proposal[], now: Date): Promise<ActionDiagnosis[]> {
  const byScope = new Map<string, { zh: Finding[]; en: Finding[] }>();
  const result: ActionDiagnosis[] = [];
  for (const proposal of proposals) {
    const scope: InsightScope = proposal.scope_kind === 'department' ? { kind: 'department', key: String(proposal.department) } : { kind: 'team', key: Number(proposal.team) };
    const id = `${scope.kind}:${String(scope.key)}`;
    let found = byScope.get(id);
    if (!found) {
      const stats = await diagnosisStats(db, settings, { period, scope }, SEES_EVERYTHING, now, { atRisk: false });
      const names = await namesFor(db, stats);
      found = { zh: findingsOf(stats, names, 'zh-CN'), en: findingsOf(stats, names, 'en-US') };
      byScope.set(id, found);
    }
    const zh = found.zh.filter((f) => f.dimension === proposal.dimension);
    const en = found.en.filter((f) => f.dimension === proposal.dimension);
    result.push({
      diagnosis_zh: zh.length === 0 ? null : lines(zh.slice(0, TOP_FINDINGS), true),
      diagnosis_en: en.length === 0 ? null : lines(en.slice(0, TOP_FINDINGS), false),
      diagnosis_evidence: zh.slice(0, TOP_FINDINGS).map((f) => storedEvidence(f)),
      cause_zh: causeLine(zh, 'zh-CN'),
      cause_en: causeLine(en, 'en-US'),
    });
  }
  return result;
}

/** "提升沟通效率:销售部→客服部 交接超时 41 小时,12 个事项来回转交" — or null when nothing was found. */
export function causedTitle(dimension: string, cause: string | null): string | null {
  const name = DIMENSION_NAMES[dimension as keyof typeof DIMENSION_NAMES];
  return cause === null || !name ? null : `提升${name.zh}:${cause}`;
}
