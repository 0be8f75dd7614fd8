import type { Knex } from 'knex';
import type { ServiceContext } from '../directus/services.ts';
import { fromDbTime } from '../directus/time.ts';
import type { Language } from '../i18n/language.ts';
import { markdownText as md, type NotificationContent } from '../notifications.ts';
import { recordBreachOnce } from '../workflows/sla-escalation.ts';
import { atRiskCandidates, HISTORY_DAYS, LISTED_FROM, type AtRiskCandidate } from './at-risk.ts';
import { EVERYTHING } from './restriction.ts';

/**
 * Early warning (issue 19 item 5): with the SLA schedule, an open case newly at risk of breaching
 * its state's response SLA (metrics.md "Diagnostics (v2)", at risk: breach_probability ≥ 0.5, over
 * every row — the server's reading) is announced to the head of the department owning that state,
 * before it breaches, once per stay in that state. The claim is a `cc_sla_breaches` row of kind
 * `at_risk` whose unique `breach_key` is inserted-or-ignored in the same transaction as the
 * notification, exactly like an escalation: when several instances run the schedule at once, one
 * of them warns, and a failed run leaves nothing claimed. Its `due_at` is when the SLA would be
 * breached. The SLA board counts breaches by kind and leaves `at_risk` rows out.
 */

export const WARNING_KIND = 'at_risk';

export interface WarningReport {
  at_risk: number;
  warned: number;
}

const HOUR = 3_600_000;

export async function warnAtRiskCases(ctx: Pick<ServiceContext, 'services' | 'schema'> & { db: Knex }, now: Date = new Date()): Promise<WarningReport> {
  const candidates = (await atRiskCandidates(ctx.db, now, { scope: { kind: 'company' }, ...EVERYTHING })).filter(
    (c) => c.breach_probability !== null && c.breach_probability >= LISTED_FROM,
  );
  let warned = 0;
  for (const candidate of candidates) {
    const entered = fromDbTime(candidate.entered_at);
    if (!entered) continue;
    const key = `${candidate.case}:${WARNING_KIND}:${candidate.state}:${entered.getTime()}`;
    const dueAt = new Date(entered.getTime() + candidate.sla_hours * HOUR);
    const claimed = await recordBreachOnce(ctx, { case: candidate.case, kind: WARNING_KIND, key, state: candidate.state, dueAt, now }, async (trx) => {
      const [about, department, state]: [{ title: string | null } | undefined, { head: string | null } | undefined, { name_zh: string; name_en: string | null } | undefined] = await Promise.all([
        trx('cc_cases').first('title').where('id', candidate.case),
        trx('cc_departments').first('head').where('code', candidate.department),
        trx('cc_workflow_states').first('name_zh', 'name_en').where('id', candidate.state),
      ]);
      return {
        recipients: department?.head ? [department.head] : [],
        notice: (language: Language) =>
          warningNotice(language, { ...candidate, title: about?.title ?? '', state_name: state?.name_zh ?? `#${candidate.state}`, state_name_en: state?.name_en ?? null }, dueAt),
      };
    });
    if (claimed) warned += 1;
  }
  return { at_risk: candidates.length, warned };
}

const hoursText = (n: number) => (Math.round(n * 10) / 10).toString();
const percent = (n: number) => `${Math.round(n * 100)}%`;

/**
 * "进入 已升级技术部 已 5 小时;过去 90 天这一状态的交接有 78% 超过 8 小时时限" — the warning in the
 * recipient's language. The title is the case's (text); times are UTC, to the minute.
 */
export function warningNotice(
  language: Language,
  c: Pick<AtRiskCandidate, 'case' | 'hours_in_state' | 'sla_hours' | 'comparable' | 'over_sla' | 'breach_probability'> & { title: string; state_name: string; state_name_en: string | null },
  dueAt: Date,
): Pick<NotificationContent, 'subject' | 'message'> {
  const due = `${dueAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const pastShare = c.comparable === 0 ? 0 : c.over_sla / c.comparable;
  const probability = percent(c.breach_probability ?? 0);
  if (language === 'zh-CN') {
    return {
      subject: `事项 #${c.case} 可能超时:${c.title}`,
      message:
        `「${md(c.title)}」进入「${md(c.state_name)}」已 ${hoursText(c.hours_in_state)} 小时;过去 ${HISTORY_DAYS} 天这一状态的交接有 ${percent(pastShare)} 超过 ${hoursText(c.sla_hours)} 小时时限。` +
        `按以往同样等了这么久的交接,它有 ${probability} 的可能超时(时限至 ${due}),请在超时前跟进。`,
    };
  }
  const state = c.state_name_en ?? c.state_name;
  return {
    subject: `Case #${c.case} is likely to breach its SLA: ${c.title}`,
    message:
      `"${md(c.title)}" has been in "${md(state)}" for ${hoursText(c.hours_in_state)} h; in the past ${HISTORY_DAYS} days ${percent(pastShare)} of handoffs into this state took longer than its ${hoursText(c.sla_hours)}-hour SLA. ` +
      `Of the handoffs that had waited this long, ${probability} went on to breach it (due ${due}); please follow it up before it does.`,
  };
}
