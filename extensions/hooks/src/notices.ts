import { defineHook } from '@directus/extensions-sdk';
import type { DirectusServices } from '../../../src/directus/services.ts';
import { fanOutNotice } from '../../../src/notices/fan-out.ts';

type Payload = Record<string, unknown>;

/** A new notice is delivered to its audience once, right after it is saved. */
export default defineHook(({ filter, action }, { services, getSchema, database, logger }) => {
  filter<Payload>('cc_notices.items.create', (payload) => {
    // Delivery sets it; a client cannot claim a notice was already delivered.
    const { published_at: _ignored, ...rest } = payload;
    return rest;
  });
  action('cc_notices.items.create', async (meta) => {
    try {
      await fanOutNotice({ db: database, services: services as DirectusServices, schema: await getSchema() }, Number(meta['key']));
    } catch (error) {
      logger.error(error, `Concord: delivering notice ${meta['key']} failed`);
    }
  });
});
