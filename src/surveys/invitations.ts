import type { Knex } from 'knex';
import { fromDbTime, toDbTime } from '../directus/time.ts';
import type { MailServiceLike } from '../directus/services.ts';
import { NoContactEmailError } from '../errors.ts';
import { DEFAULT_LINK_DAYS, signSurveyToken, surveyUrl } from './links.ts';

/**
 * Customer satisfaction surveys follow resolutions: when a case takes a resolution transition, a
 * CSAT survey is opened for it (unless one is still open) in the same transaction, and its link is
 * e-mailed to the customer's contact address afterwards. A survey waiting for its e-mail has no
 * `sent_at`; whoever sends claims it first (a compare-and-set on `sent_at`), so an invitation goes
 * out once even when several instances try, and one that failed is tried again later.
 */

const DAY = 86_400_000;

/**
 * Cases whose resolution opened a survey in this process and whose invitation this process has not
 * tried to send yet. A generic case update that moved a case to a resolution hands Directus an empty
 * change (src/workflows/case-guards.ts), so the update's own payload cannot tell; the survey itself
 * does, when it is opened. Another instance's surveys, and any that failed, go out with the schedule.
 */
const awaitingInvitation = new Set<number>();

/**
 * The case fields the pending invitations read beside the survey's (see `pendingInvitations`): a
 * case update writing one of them may make an invitation sendable (a customer with an e-mail
 * address now) or change what it says. A unit test checks the list against the query.
 */
export const INVITATION_CASE_FIELDS = ['customer', 'title'] as const;

/**
 * Whether a case update (its keys and the payload Directus applied) may have left an invitation to
 * send: one of its cases had a survey opened here meanwhile, or it wrote a field the invitations read.
 * Any other update (a priority, a description) is not followed by the invitations query.
 */
export function caseUpdateMayInvite(keys: ReadonlyArray<number | string>, payload: Record<string, unknown>): boolean {
  return keys.some((key) => awaitingInvitation.has(Number(key))) || INVITATION_CASE_FIELDS.some((field) => Object.hasOwn(payload, field));
}

/** Forgets that `keys` wait for an invitation (the sender is about to look). */
export function takeAwaitingInvitations(keys: ReadonlyArray<number | string>): void {
  for (const key of keys) awaitingInvitation.delete(Number(key));
}

/** Opens the case's CSAT survey unless an unanswered, unexpired one exists; returns its id or null. */
export async function openResolutionSurvey(trx: Knex, caseRow: { id: number; team: number | null }, now: Date, days: number = DEFAULT_LINK_DAYS): Promise<number | null> {
  const open = await trx('cc_surveys as s')
    .first('s.id')
    .where({ 's.case': caseRow.id, 's.kind': 'csat' })
    .andWhere((q) => q.whereNull('s.expires_at').orWhere('s.expires_at', '>', toDbTime(trx, now)))
    .whereNotExists(trx('cc_survey_responses as r').select('r.id').whereRaw('?? = ??', ['r.survey', 's.id']));
  if (open) return null;
  const [row] = await trx('cc_surveys')
    .insert({
      kind: 'csat',
      title: `满意度回访 #${caseRow.id}`,
      case: caseRow.id,
      team: caseRow.team,
      ask_nps: true,
      sent_at: null,
      expires_at: toDbTime(trx, new Date(now.getTime() + days * DAY)),
      date_created: toDbTime(trx, now),
    })
    .returning('id');
  awaitingInvitation.add(caseRow.id);
  return Number(typeof row === 'object' && row !== null ? (row as { id: number }).id : row);
}

export interface InvitationContext {
  db: Knex;
  mailer: () => MailServiceLike;
  secret: string;
  publicUrl: string;
  now?: () => Date;
}

export interface PendingInvitation {
  survey: number;
  case: number;
  title: string;
  email: string;
  expires_at: unknown;
}

/** The CSAT invitations not sent yet, oldest first (at most 200). */
export function pendingInvitations(db: Knex, now: Date): Knex.QueryBuilder {
  return db('cc_surveys as s')
    .join('cc_cases as c', 'c.id', 's.case')
    .join('cc_customers as cu', 'cu.id', 'c.customer')
    .select('s.id as survey', 'c.id as case', 'c.title as title', 'cu.contact_email as email', 's.expires_at as expires_at')
    .where('s.kind', 'csat')
    .whereNull('s.sent_at')
    .whereNotNull('cu.contact_email')
    .andWhere('cu.contact_email', '<>', '')
    .andWhere((q) => q.whereNull('s.expires_at').orWhere('s.expires_at', '>', toDbTime(db, now)))
    .whereNotExists(db('cc_survey_responses as r').select('r.id').whereRaw('?? = ??', ['r.survey', 's.id']))
    .orderBy('s.id')
    .limit(200);
}

/** E-mails every CSAT invitation not sent yet (or only `onlySurvey`); returns the surveys sent. */
export async function sendPendingInvitations(ctx: InvitationContext, onlySurvey?: number): Promise<number[]> {
  const now = ctx.now?.() ?? new Date();
  const query = pendingInvitations(ctx.db, now);
  if (onlySurvey !== undefined) query.andWhere('s.id', onlySurvey);
  const pending: PendingInvitation[] = await query;
  const sent: number[] = [];
  takeAwaitingInvitations(pending.map((invitation) => invitation.case));
  for (const invitation of pending) {
    const claimed = await ctx.db('cc_surveys').where('id', invitation.survey).whereNull('sent_at').update({ sent_at: toDbTime(ctx.db, now) });
    if (claimed !== 1) continue;
    try {
      const expiresAt = fromDbTime(invitation.expires_at) ?? new Date(now.getTime() + DEFAULT_LINK_DAYS * DAY);
      await ctx.mailer().send(invitationMail(invitation, surveyUrl(ctx.publicUrl, signSurveyToken(ctx.secret, invitation.survey, expiresAt)), expiresAt));
      sent.push(invitation.survey);
    } catch (error) {
      // Not sent: release the claim so the next run tries again.
      await ctx.db('cc_surveys').where('id', invitation.survey).update({ sent_at: null });
      throw error;
    }
  }
  return sent;
}

/**
 * Sends the survey's link to the customer's contact address on request (a member of staff asking
 * for it again, say): the customer gets their own link; whoever asked never sees it.
 */
export async function emailSurveyLink(ctx: InvitationContext, survey: number, expiresAt: Date): Promise<void> {
  const invitation: PendingInvitation | undefined = await ctx.db('cc_surveys as s')
    .join('cc_cases as c', 'c.id', 's.case')
    .join('cc_customers as cu', 'cu.id', 'c.customer')
    .first('s.id as survey', 'c.id as case', 'c.title as title', 'cu.contact_email as email', 's.expires_at as expires_at')
    .where('s.id', survey);
  if (!invitation || typeof invitation.email !== 'string' || invitation.email.trim() === '') throw new NoContactEmailError({ survey });
  await ctx.mailer().send(invitationMail(invitation, surveyUrl(ctx.publicUrl, signSurveyToken(ctx.secret, survey, expiresAt)), expiresAt));
  await ctx.db('cc_surveys').where('id', survey).update({ sent_at: toDbTime(ctx.db, ctx.now?.() ?? new Date()) });
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** The invitation, Chinese first with English below (the customer's language is not known). */
export function invitationMail(invitation: Pick<PendingInvitation, 'case' | 'title' | 'email'>, url: string, expiresAt: Date): { to: string; subject: string; html: string } {
  const until = expiresAt.toISOString().slice(0, 10);
  const title = escapeHtml(invitation.title);
  return {
    to: invitation.email,
    subject: `请评价我们的服务 / How did we do? — #${invitation.case}`,
    html: [
      `<p>您好!您关于「${title}」(#${invitation.case})的事项已处理完毕。请花一分钟告诉我们您是否满意:</p>`,
      `<p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>`,
      `<p>链接在 ${until} 前有效,只能作答一次。</p>`,
      '<hr>',
      `<p>Hello! Your matter "${title}" (#${invitation.case}) has been resolved. Please tell us how satisfied you are — it takes a minute:</p>`,
      `<p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>`,
      `<p>The link works until ${until} and takes one answer.</p>`,
    ].join('\n'),
  };
}
