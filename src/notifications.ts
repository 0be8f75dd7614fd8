import type { Knex } from 'knex';
import type { ServiceContext } from './directus-services.ts';
import { LANGUAGES, languagesOfUsers, type Language } from './i18n/language.ts';

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
