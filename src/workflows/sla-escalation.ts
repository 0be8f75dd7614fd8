import type { Knex } from 'knex';
import { fromDbTime, toDbTime } from '../directus/time.ts';
import type { ServiceContext } from '../directus/services.ts';
import type { Language } from '../i18n/language.ts';
import { refreshDueTimes } from './sla-due.ts';
import { markdownText as md, notifyUsersInTheirLanguage, type NotificationContent } from '../notifications.ts';

/**
 * SLA escalation: a case still in a state past that state's response SLA, or unresolved past its
 * workflow's resolution SLA, is escalated to its team lead and the owning department's head —
 * once per breach. The breach row's unique key is claimed with insert-or-ignore inside the same
 * transaction as the notifications, so when several instances run the schedule at once exactly
 * one of them notifies, and a failed run leaves nothing claimed.
 */

export interface EscalationReport {
  checked: number;
  escalated: number;
}

interface Candidate {
  case: number;
  title: string;
  team: number | null;
  state: number;
  state_name: string;
  state_name_en: string | null;
  owner_department: string;
  kind: 'response' | 'resolution';
  since: unknown;
  sla_hours: number;
}

const HOUR = 3_600_000;

export async function escalateSlaBreaches(
  ctx: Pick<ServiceContext, 'services' | 'schema'> & { db: Knex },
  now: Date = new Date(),
  limit = 500,
): Promise<EscalationReport> {
  // Due times follow the live SLA hours: an SLA edited in Studio reaches open cases here.
  await refreshDueTimes(ctx.db);
  const candidates = await findBreaches(ctx.db, now, limit);
  let escalated = 0;
  for (const candidate of candidates) {
    const dueAt = new Date((fromDbTime(candidate.since)?.getTime() ?? now.getTime()) + candidate.sla_hours * HOUR);
    const key =
      candidate.kind === 'response'
        ? `${candidate.case}:response:${candidate.state}:${fromDbTime(candidate.since)?.getTime()}`
        : `${candidate.case}:resolution:${fromDbTime(candidate.since)?.getTime()}`;
    const claimed = await recordBreachOnce(ctx, { case: candidate.case, kind: candidate.kind, key, state: candidate.state, dueAt, now }, async (trx) => ({
      recipients: await escalationRecipients(trx, candidate),
      notice: (language) => escalationNotice(language, candidate, dueAt),
    }));
    if (claimed) escalated += 1;
  }
  return { checked: candidates.length, escalated };
}

/**
 * Records a breach (or a warning) of a case once, by its unique key, and tells the recipients `tell`
 * names, each in their language, in the same transaction: when several instances run a schedule at
 * once, one of them records and tells, and a failed run leaves nothing claimed. False when the key
 * was already recorded.
 */
export async function recordBreachOnce(
  ctx: Pick<ServiceContext, 'services' | 'schema'> & { db: Knex },
  breach: { case: number; kind: string; key: string; state: number | null; dueAt: Date; now: Date },
  tell: (trx: Knex.Transaction) => Promise<{ recipients: string[]; notice: (language: Language) => Pick<NotificationContent, 'subject' | 'message'> }>,
): Promise<boolean> {
  return ctx.db.transaction(async (trx) => {
    const inserted = await trx('cc_sla_breaches')
      .insert({
        case: breach.case,
        kind: breach.kind,
        breach_key: breach.key,
        state: breach.state,
        due_at: toDbTime(trx, breach.dueAt),
        detected_at: toDbTime(trx, breach.now),
        notified: JSON.stringify([]),
      })
      .onConflict('breach_key')
      .ignore()
      .returning('id');
    if (inserted.length === 0) return false;
    const { recipients, notice } = await tell(trx);
    await notifyUsersInTheirLanguage(ctx, trx, recipients, (language) => ({ ...notice(language), collection: 'cc_cases', item: String(breach.case), sender: null }));
    const id = Number(typeof inserted[0] === 'object' ? (inserted[0] as { id: number }).id : inserted[0]);
    await trx('cc_sla_breaches').where('id', id).update({ notified: JSON.stringify(recipients) });
    return true;
  });
}

/** Breaches not yet recorded, found per state and per workflow so each threshold is a plain bound. */
async function findBreaches(db: Knex, now: Date, limit: number): Promise<Candidate[]> {
  const found: Candidate[] = [];
  const states: Array<{ id: number; name_zh: string; name_en: string | null; owner_department: string; response_sla_hours: number | string }> = await db('cc_workflow_states')
    .select('id', 'name_zh', 'name_en', 'owner_department', 'response_sla_hours')
    .where('is_terminal', false)
    .andWhere('response_sla_hours', '>', 0);
  for (const state of states) {
    if (found.length >= limit) break;
    const hours = Number(state.response_sla_hours);
    const rows: Array<{ id: number; title: string; team: number | null; state_entered_at: unknown }> = await db('cc_cases as c')
      .select('c.id', 'c.title', 'c.team', 'c.state_entered_at')
      .where('c.state', state.id)
      .andWhere('c.state_entered_at', '<=', toDbTime(db, new Date(now.getTime() - hours * HOUR)))
      .whereNotExists(db('cc_sla_breaches as b').select('b.id').whereRaw('?? = ??', ['b.case', 'c.id']).andWhere('b.kind', 'response').andWhereRaw('?? = ??', ['b.state', 'c.state']).andWhere('b.detected_at', '>=', db.ref('c.state_entered_at')))
      .orderBy('c.id')
      .limit(limit - found.length);
    for (const row of rows) {
      found.push({ case: row.id, title: row.title, team: row.team, state: state.id, state_name: state.name_zh, state_name_en: state.name_en, owner_department: state.owner_department, kind: 'response', since: row.state_entered_at, sla_hours: hours });
    }
  }
  const workflows: Array<{ id: number; resolution_sla_hours: number | string }> = await db('cc_workflows').select('id', 'resolution_sla_hours').where('resolution_sla_hours', '>', 0);
  for (const workflow of workflows) {
    if (found.length >= limit) break;
    const hours = Number(workflow.resolution_sla_hours);
    const rows: Array<{ id: number; title: string; team: number | null; state: number; opened_at: unknown; name_zh: string; name_en: string | null; owner_department: string }> = await db('cc_cases as c')
      .join('cc_workflow_states as s', 's.id', 'c.state')
      .select('c.id', 'c.title', 'c.team', 'c.state', 'c.opened_at', 's.name_zh', 's.name_en', 's.owner_department')
      .where('c.workflow', workflow.id)
      .whereNull('c.resolved_at')
      .andWhere('s.is_terminal', false)
      .andWhere('c.opened_at', '<=', toDbTime(db, new Date(now.getTime() - hours * HOUR)))
      .whereNotExists(db('cc_sla_breaches as b').select('b.id').whereRaw('?? = ??', ['b.case', 'c.id']).andWhere('b.kind', 'resolution'))
      .orderBy('c.id')
      .limit(limit - found.length);
    for (const row of rows) {
      found.push({ case: row.id, title: row.title, team: row.team, state: row.state, state_name: row.name_zh, state_name_en: row.name_en, owner_department: row.owner_department, kind: 'resolution', since: row.opened_at, sla_hours: hours });
    }
  }
  return found;
}

async function escalationRecipients(db: Knex, candidate: Candidate): Promise<string[]> {
  const recipients: string[] = [];
  if (candidate.team !== null) {
    const team = await db('cc_teams').select('lead').where('id', candidate.team).first();
    if (team?.lead) recipients.push(team.lead as string);
  }
  const department = await db('cc_departments').select('head').where('code', candidate.owner_department).first();
  if (department?.head) recipients.push(department.head as string);
  return [...new Set(recipients)];
}

/** "事项 #12 响应超时:…" — the escalation in the recipient's language. Times are UTC, to the minute. */
export function escalationNotice(language: Language, candidate: Pick<Candidate, 'case' | 'title' | 'kind' | 'state_name' | 'state_name_en' | 'sla_hours'>, dueAt: Date): Pick<NotificationContent, 'subject' | 'message'> {
  const due = `${dueAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const stateEn = candidate.state_name_en ?? candidate.state_name;
  if (language === 'zh-CN') {
    return candidate.kind === 'response'
      ? {
          subject: `事项 #${candidate.case} 响应超时:${candidate.title}`,
          message: `「${md(candidate.title)}」进入「${md(candidate.state_name)}」已超过 ${candidate.sla_hours} 小时的响应时限(应于 ${due} 前处理),请跟进。`,
        }
      : {
          subject: `事项 #${candidate.case} 解决超时:${candidate.title}`,
          message: `「${md(candidate.title)}」自受理起已超过 ${candidate.sla_hours} 小时的解决时限(应于 ${due} 前解决),目前处于「${md(candidate.state_name)}」,请跟进。`,
        };
  }
  return candidate.kind === 'response'
    ? {
        subject: `Case #${candidate.case} past its response SLA: ${candidate.title}`,
        message: `"${md(candidate.title)}" has been in "${md(stateEn)}" past its ${candidate.sla_hours}-hour response SLA (due ${due}); please follow it up.`,
      }
    : {
        subject: `Case #${candidate.case} past its resolution SLA: ${candidate.title}`,
        message: `"${md(candidate.title)}" is still unresolved ${candidate.sla_hours} hours after it was opened (due ${due}) and is now in "${md(stateEn)}"; please follow it up.`,
      };
}
