import type { Knex } from 'knex';
import type { ServiceContext } from './directus/services.ts';
import { LANGUAGES, languagesOfUsers, type Language } from './i18n/language.ts';

/**
 * Studio shows a notification's `message` as Markdown (marked, then DOMPurify) and e-mails it the
 * same way; its `subject` is shown as text. Whatever a person wrote that goes into a message — a
 * case title, a cycle, team, state or department name, an error's text — goes in through
 * `markdownText`, so it reads as the characters typed: no element, link, emphasis or heading.
 */
export function markdownText(value: unknown): string {
  // Characters that open markup anywhere in a line (emphasis, code, links, HTML, entities,
  // strike-through, tables, autolinks) are backslash-escaped, as are those that open a block at a
  // line's start; line breaks would start blocks, so they become spaces. CommonMark reads an
  // escaped ASCII punctuation character as itself.
  return String(value ?? '')
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim()
    .replace(/[\\`*_[\]<>&!~|:@]/g, '\\$&')
    .replace(/(www)\./gi, '$1\\.')
    .replace(/^(\d+)([.)])/, '$1\\$2')
    .replace(/^([#+\-=])/, '\\$1');
}

/** Markdown a person wrote as Markdown (a notice's body): its formatting stays, raw HTML shows as text. */
export function markdownWithoutHtml(value: unknown): string {
  return String(value ?? '').replace(/</g, '&lt;');
}

export interface NotificationContent {
  subject: string;
  message: string;
  collection: string;
  item: string;
  sender: string | null;
}

/**
 * One Directus notification per recipient. In-app only by default; with `email`, Directus's
 * notifications service also e-mails recipients who enabled e-mail notifications.
 */
export async function notifyUsers(
  ctx: Pick<ServiceContext, 'services' | 'schema'>,
  db: Knex,
  recipients: readonly string[],
  content: NotificationContent,
  options: { email?: boolean } = {},
): Promise<void> {
  const unique = [...new Set(recipients)];
  if (unique.length === 0) return;
  const rows = unique.map((recipient) => ({ recipient, status: 'inbox', ...content }));
  const service = options.email
    ? new ctx.services.NotificationsService({ schema: ctx.schema, knex: db })
    : new ctx.services.ItemsService('directus_notifications', { schema: ctx.schema, knex: db });
  await service.createMany(rows, { emitEvents: false });
}

/**
 * One notification per recipient, each written in that recipient's language (their Studio
 * language, else the project's): `content` is asked once per language present.
 */
export async function notifyUsersInTheirLanguage(
  ctx: Pick<ServiceContext, 'services' | 'schema'>,
  db: Knex,
  recipients: readonly string[],
  content: (language: Language) => NotificationContent,
  options: { email?: boolean } = {},
): Promise<void> {
  const languages = await languagesOfUsers(db, recipients);
  for (const language of LANGUAGES) {
    const group = [...languages].filter(([, chosen]) => chosen === language).map(([user]) => user);
    if (group.length > 0) await notifyUsers(ctx, db, group, content(language), options);
  }
}
