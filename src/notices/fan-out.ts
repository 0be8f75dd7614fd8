import type { Knex } from 'knex';
import { isoDayOf } from '../organisation/composition.ts';
import { toDbTime } from '../directus/time.ts';
import type { ServiceContext } from '../directus/services.ts';
import { markdownText, markdownWithoutHtml, notifyUsers } from '../notifications.ts';

/**
 * Delivers a notice once: one Directus notification per person in its audience (members of the
 * audience departments and current members of the audience teams). Urgent notices also go by
 * e-mail to those who enabled e-mail notifications. `published_at` marks it delivered.
 */
export async function fanOutNotice(ctx: Pick<ServiceContext, 'services' | 'schema'> & { db: Knex }, noticeId: number, now: Date = new Date()): Promise<string[]> {
  return ctx.db.transaction(async (trx) => {
    const notice = await trx('cc_notices').select('id', 'title', 'body', 'level', 'published_at', 'author').where('id', noticeId).first();
    if (!notice || notice.published_at) return [];
    const recipients = await audienceOf(trx, noticeId, now);
    await notifyUsers(
      ctx,
      trx,
      recipients,
      {
        subject: `${notice.level === 'urgent' ? '【紧急】' : notice.level === 'reminder' ? '【提醒】' : '【通知】'}${notice.title}`,
        // The body is Markdown by design (its field is a Markdown editor); a title alone is text.
        message: notice.body ? markdownWithoutHtml(notice.body) : markdownText(notice.title),
        collection: 'cc_notices',
        item: String(notice.id),
        sender: (notice.author as string | null) ?? null,
      },
      { email: notice.level === 'urgent' },
    );
    await trx('cc_notices').where('id', noticeId).update({ published_at: toDbTime(trx, now) });
    return recipients;
  });
}

export async function audienceOf(db: Knex, noticeId: number, now: Date): Promise<string[]> {
  const today = toDbTime(db, new Date(`${isoDayOf(now)}T00:00:00Z`));
  const byDepartment = db('directus_users as u')
    .join('cc_notices_departments as nd', 'nd.department', 'u.cc_department')
    .where('nd.notice', noticeId)
    .andWhere('u.status', 'active')
    .select('u.id as user');
  const byTeam = db('cc_team_members as m')
    .join('cc_notices_teams as nt', 'nt.team', 'm.team')
    .join('directus_users as u', 'u.id', 'm.user')
    .where('nt.notice', noticeId)
    .andWhere('u.status', 'active')
    .andWhere((q) => q.whereNull('m.since').orWhere('m.since', '<=', today))
    .andWhere((q) => q.whereNull('m.until').orWhere('m.until', '>=', today))
    .select('m.user as user');
  // Unwrapped: SQLite refuses parenthesised members of a compound select.
  const rows: Array<{ user: string }> = await byDepartment.union([byTeam]);
  return [...new Set(rows.map((r) => r.user))].sort();
}
