import { markdownText as md } from '../notifications.ts';
import { cycleNameIn } from '../ui/i18n-periods.ts';
import { DIMENSION_NAMES } from './improvement.ts';
import type { Period } from './period.ts';
import { SCORE_DIMENSIONS, type ScoreDimension } from './settings.ts';

/**
 * 评估结果及时反馈 (source article §四.2): at publication every department head and team lead gets
 * their scope's scorecard as a Directus notification — overall and the five dimensions, each with
 * the change against their previous published cycle of the same kind — in Chinese, or in English
 * for those whose Studio language is English.
 */

export type FeedbackLanguage = 'zh-CN' | 'en-US';

export function feedbackLanguage(userLanguage: unknown): FeedbackLanguage {
  return typeof userLanguage === 'string' && userLanguage.toLowerCase().startsWith('en') ? 'en-US' : 'zh-CN';
}

export interface ScorecardFeedback {
  language: FeedbackLanguage;
  cycle: { name: string; period_kind: string } & Period;
  scope: { name: string; name_en: string | null; kind: 'department' | 'team' };
  scores: Partial<Record<ScoreDimension, number | null>>;
  /** Scores of the previous published cycle of the same kind; null when there is none. */
  previous: Partial<Record<ScoreDimension, number | null>> | null;
  threshold: number;
  /** The one-line diagnosed cause of each low dimension, in the recipient's language (issue 19). */
  causes?: Partial<Record<ScoreDimension, string | null>>;
  /** Studio address of the scorecard. */
  link: string;
}

const fmt = (n: number | null | undefined) => (n === null || n === undefined ? null : (Math.round(n * 10) / 10).toFixed(1));

function change(now: number | null | undefined, before: number | null | undefined): string | null {
  if (now === null || now === undefined || before === null || before === undefined) return null;
  const delta = Math.round((now - before) * 10) / 10;
  return delta > 0 ? `+${delta.toFixed(1)}` : delta < 0 ? `−${Math.abs(delta).toFixed(1)}` : '±0.0';
}

export function scorecardNotification(f: ScorecardFeedback): { subject: string; message: string } {
  const zh = f.language === 'zh-CN';
  const scopeName = zh ? f.scope.name : (f.scope.name_en ?? f.scope.name);
  // A cycle Concord named is named from its period in the recipient's language; a typed name as typed.
  const cycleName = cycleNameIn(f.cycle, zh ? 'zh-CN' : 'en-US');
  const overall = fmt(f.scores.overall);
  const overallChange = f.previous ? change(f.scores.overall, f.previous.overall) : null;
  const na = zh ? '暂无数据' : 'n/a';
  const subject = zh
    ? `【协同评估】${cycleName} ${scopeName} 综合 ${overall ?? na}${overallChange ? `(较上期 ${overallChange})` : ''}`
    : `Collaboration scorecard ${cycleName}: ${scopeName} overall ${overall ?? na}${overallChange ? ` (${overallChange} on last time)` : ''}`;
  const header = zh ? '| 维度 | 得分 | 较上期 |' : '| Dimension | Score | Change |';
  const rows = SCORE_DIMENSIONS.map((d) => {
    const label = zh ? DIMENSION_NAMES[d].zh : DIMENSION_NAMES[d].en;
    const value = fmt(f.scores[d]);
    const delta = f.previous ? change(f.scores[d], f.previous[d]) : null;
    const low = d !== 'overall' && typeof f.scores[d] === 'number' && (f.scores[d] as number) < f.threshold;
    return `| ${low ? `**${label}**` : label} | ${value ?? na} | ${delta ?? '—'} |`;
  });
  const intro = zh
    ? `${md(cycleName)}(${f.cycle.starts_on} 至 ${f.cycle.ends_on} 前)的跨部门协同评估已发布。${md(scopeName)}的评分卡:`
    : `The collaboration evaluation for ${md(cycleName)} (${f.cycle.starts_on} up to ${f.cycle.ends_on}) is published. The scorecard of ${md(scopeName)}:`;
  const outro = zh
    ? `${f.previous ? '' : '这是该类周期的第一次评估,暂无上期对比。'}低于 ${f.threshold} 分的维度(加粗)已提出改进措施,由您负责跟进。[查看评分卡](${f.link})`
    : `${f.previous ? '' : 'This is the first evaluation of its kind, so there is no change to show. '}Dimensions under ${f.threshold} (bold) have proposed improvement actions for you to follow up. [Open the scorecard](${f.link})`;
  // Under the table, the cause of each low score (text: it names departments, people and products).
  const causes = SCORE_DIMENSIONS.flatMap((d) => {
    const cause = f.causes?.[d];
    const low = d !== 'overall' && typeof f.scores[d] === 'number' && (f.scores[d] as number) < f.threshold;
    return low && cause ? [`- **${zh ? DIMENSION_NAMES[d].zh : DIMENSION_NAMES[d].en}**${zh ? ':' : ': '}${md(cause)}`] : [];
  });
  const why = causes.length === 0 ? [] : ['', zh ? '低分原因:' : 'Why the low scores:', ...causes];
  return { subject, message: [intro, '', header, '|---|---:|---:|', ...rows, ...why, '', outro].join('\n') };
}
