import { addDays, type Period } from './period.ts';
import type { ScoreRow } from './evaluate.ts';
import type { Scope } from './scopes.ts';
import type { DimensionKey } from './settings.ts';

/**
 * 持续优化 (source article §四.3): a dimension scoring under the threshold at publication proposes an
 * improvement action in the article's measure that addresses it:
 * - communication → information_platform: 完善信息共享平台,提高沟通效率 (the measure names it);
 * - execution → org_structure: 优化团队组织结构,使部门职责更加明确 (unclear duties cause the
 *   推诿 that makes tasks late, resolutions slow and cases reopen);
 * - satisfaction → training: 定期举办培训活动,提升团队协作能力 (service skill and collaboration
 *   are what the customer feels);
 * - utilisation → incentives: 激励机制创新,调动员工积极性 (hours and budget follow motivation and
 *   how work is rewarded);
 * - cohesion → culture: 加强团队文化建设,提高团队凝聚力 (the measure names it).
 */
export type ImprovementCategory = 'org_structure' | 'information_platform' | 'training' | 'culture' | 'incentives';

export const IMPROVEMENT_CATEGORY: Readonly<Record<DimensionKey, ImprovementCategory>> = {
  communication: 'information_platform',
  execution: 'org_structure',
  satisfaction: 'training',
  utilisation: 'incentives',
  cohesion: 'culture',
};

export const DIMENSION_NAMES: Readonly<Record<DimensionKey | 'overall', { zh: string; en: string }>> = {
  communication: { zh: '沟通效率', en: 'Communication efficiency' },
  execution: { zh: '任务执行质量', en: 'Task execution quality' },
  satisfaction: { zh: '客户满意度', en: 'Customer satisfaction' },
  utilisation: { zh: '资源利用率', en: 'Resource utilisation' },
  cohesion: { zh: '凝聚力与协同度', en: 'Cohesion and collaboration' },
  overall: { zh: '综合', en: 'Overall' },
};

const MEASURES: Readonly<Record<ImprovementCategory, string>> = {
  org_structure: '优化团队组织结构,使部门职责更加明确',
  information_platform: '完善信息共享平台,提高沟通效率',
  training: '定期举办培训活动,提升团队协作能力',
  culture: '加强团队文化建设,提高团队凝聚力',
  incentives: '激励机制创新,调动员工积极性',
};

export interface ProposedAction {
  cycle: number;
  scope_kind: Scope['kind'];
  department: string | null;
  team: number | null;
  dimension: DimensionKey;
  category: ImprovementCategory;
  title: string;
  description: string;
  status: 'proposed';
  owner: string | null;
  /** The last day of the next period of the same kind. */
  due_on: string;
  score_before: number;
}

const oneDecimal = (n: number) => (Math.round(n * 10) / 10).toFixed(1);

/** One proposal per scope × dimension scoring under the threshold (n/a proposes nothing). */
export function proposeActions(
  cycle: { id: number; name: string },
  scores: readonly ScoreRow[],
  scopes: readonly Scope[],
  threshold: number,
  nextPeriod: Period,
): ProposedAction[] {
  const proposals: ProposedAction[] = [];
  for (const score of scores) {
    if (score.dimension === 'overall' || score.score === null || score.score >= threshold) continue;
    const dimension = score.dimension;
    const key = score.scope_kind === 'department' ? score.department : String(score.team);
    const scope = scopes.find((s) => s.kind === score.scope_kind && s.key === key);
    const category = IMPROVEMENT_CATEGORY[dimension];
    const name = DIMENSION_NAMES[dimension].zh;
    proposals.push({
      cycle: cycle.id,
      scope_kind: score.scope_kind,
      department: score.department,
      team: score.team,
      dimension,
      category,
      title: `提升${name}:${scope?.name ?? key}(${cycle.name} ${oneDecimal(score.score)} 分)`,
      description: `${cycle.name}「${name}」得分 ${oneDecimal(score.score)},低于改进阈值 ${threshold}。建议措施:${MEASURES[category]}。请负责人制定具体行动并在下一周期结束前完成,下一周期的得分将记为改进后得分。`,
      status: 'proposed',
      owner: scope?.manager ?? null,
      due_on: addDays(nextPeriod.ends_on, -1),
      score_before: score.score,
    });
  }
  return proposals;
}
