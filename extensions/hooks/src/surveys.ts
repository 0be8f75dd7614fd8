import { defineHook } from '@directus/extensions-sdk';
import type { DirectusServices } from '../../../src/directus/services.ts';
import { caseUpdateMayInvite, sendPendingInvitations, takeAwaitingInvitations } from '../../../src/surveys/invitations.ts';
import { guardResponseUpdate, prepareResponseCreate } from '../../../src/surveys/responses.ts';

type Payload = Record<string, unknown>;

/**
 * Survey answers on every write path (a pulse answer is the writer's own, once; a CSAT answer is
 * credited to the resolving department), and CSAT invitations e-mailed once a resolution opened a
 * survey — right after the case update, and on a schedule for any that could not be sent.
 */
export default defineHook(({ filter, action, schedule }, { services, getSchema, database, env, logger }) => {
  const { MailService } = services as DirectusServices;

  filter<Payload>('cc_survey_responses.items.create', (payload, _meta, { database: db, accountability }) => prepareResponseCreate(db, accountability, payload));
  filter<Payload>('cc_survey_responses.items.update', (payload) => {
    guardResponseUpdate(payload);
    return payload;
  });

  const invite = async () => {
    try {
      const schema = await getSchema();
      await sendPendingInvitations({ db: database, secret: String(env['SECRET'] ?? ''), publicUrl: String(env['PUBLIC_URL'] ?? ''), mailer: () => new MailService({ schema }) });
    } catch (error) {
      logger.error(error, 'Concord: e-mailing survey invitations failed; the next run tries again');
    }
  };
  // Generic case updates reach transitions through the workflow hook; a resolution opened a survey.
  // Only an update that may have left an invitation to send looks for them (src/surveys/invitations.ts).
  action('cc_cases.items.update', async (meta) => {
    const keys = (meta['keys'] ?? []) as Array<number | string>;
    if (!caseUpdateMayInvite(keys, (meta['payload'] ?? {}) as Payload)) return;
    takeAwaitingInvitations(keys);
    await invite();
  });
  if (env['CONCORD_SLA_ENABLED'] !== false && env['CONCORD_SLA_ENABLED'] !== 'false') schedule('*/5 * * * *', invite);
});
