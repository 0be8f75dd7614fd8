import type { Localized } from '../i18n/language.ts';
import type { ScoreDimension } from './settings.ts';

/**
 * Why a dimension scored n/a ("—"), read from the raw values it stored (keys and formulas as in
 * metrics.md). A score is n/a when every part it is made of had nothing to count; the reason names
 * those parts. Null when the score is not n/a, or when the stored raw does not say (then no reason
 * is better than a guessed one).
 */
export function naReason(dimension: ScoreDimension, score: number | null | undefined, raw: Record<string, unknown> | null | undefined): Localized | null {
  if (score !== null && score !== undefined) return null;
  const r = raw ?? {};
  const n = (key: string): number | null => (typeof r[key] === 'number' ? (r[key] as number) : r[key] === null || r[key] === undefined ? null : Number.isFinite(Number(r[key])) ? Number(r[key]) : null);
  const none = (key: string) => n(key) === null || n(key) === 0;
  const parts = (list: Array<[boolean, Localized]>): Localized | null => {
    const found = list.filter(([applies]) => applies).map(([, text]) => text);
    if (found.length === 0) return null;
    return { 'zh-CN': `${found.map((f) => f['zh-CN']).join(';')}`, 'en-US': found.map((f) => f['en-US']).join('; ') };
  };
  switch (dimension) {
    case 'communication':
      if (none('handoffs')) return { 'zh-CN': '本期没有交接给它的事项', 'en-US': 'No handoffs were received in the period' };
      if (none('handoffs_with_sla')) return { 'zh-CN': `本期 ${n('handoffs')} 次交接进入的状态都没有响应时限`, 'en-US': `None of the ${n('handoffs')} handoffs went into a state with a response SLA` };
      return null;
    case 'execution':
      return parts([
        [none('tasks_due'), { 'zh-CN': '本期没有到期任务', 'en-US': 'no tasks due in the period' }],
        // Without resolutions there is no reopen rate either (metrics.md), so that part is n/a too.
        [none('resolutions_with_sla'), { 'zh-CN': none('resolutions') ? '没有结案' : '结案的流程都没有解决时限', 'en-US': none('resolutions') ? 'no resolutions' : 'no resolution under a workflow with a resolution SLA' }],
      ]);
    case 'satisfaction':
      return none('responses') ? { 'zh-CN': '本期没有客户满意度回复', 'en-US': 'No customer satisfaction responses in the period' } : null;
    case 'utilisation':
      return parts([
        [none('capacity_hours'), { 'zh-CN': '没有成员工时容量', 'en-US': 'no member capacity' }],
        [none('budget'), { 'zh-CN': '本期没有预算', 'en-US': 'no budget for the period' }],
      ]);
    case 'cohesion':
      return parts([
        [none('pulse_responses'), { 'zh-CN': '没有脉搏调查回复', 'en-US': 'no pulse survey responses' }],
        [none('closed_cases'), { 'zh-CN': '没有结束的事项', 'en-US': 'no closed cases' }],
        [none('invitations'), { 'zh-CN': '没有会议邀请', 'en-US': 'no meeting invitations' }],
      ]);
    case 'overall':
      return { 'zh-CN': '五个维度都没有得分', 'en-US': 'None of the five dimensions has a score' };
  }
}
