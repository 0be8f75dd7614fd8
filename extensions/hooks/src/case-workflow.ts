import { defineHook } from '@directus/extensions-sdk';
import type { DirectusServices } from '../../../src/directus/services.ts';
import { guardCaseCreate, guardCaseUpdate, recordCaseOpened, refuseHistoryWrite } from '../../../src/workflows/case-guards.ts';

type Payload = Record<string, unknown>;

/** Cases change state only through legal transitions; their history is append-only. */
export default defineHook(({ filter, action }, { services, getSchema, logger }) => {
  // The host's service classes satisfy the slice Concord declares.
  const directus = services as DirectusServices;

  filter<Payload>('cc_cases.items.create', async (payload, _meta, { database }) => guardCaseCreate(database, payload));

  filter<Payload>('cc_cases.items.update', async (payload, meta, { database, accountability }) =>
    guardCaseUpdate({ db: database, services: directus, schema: await getSchema({ database }), accountability }, meta['keys'], payload),
  );

  action('cc_cases.items.create', async (meta, { database, accountability }) => {
    try {
      await recordCaseOpened(database, Number(meta['key']), accountability?.user ?? null);
    } catch (error) {
      logger.error(error, `Concord: could not record the opening of case ${meta['key']}`);
    }
  });

  for (const collection of ['cc_case_events', 'cc_overrides', 'cc_sla_breaches']) {
    filter(`${collection}.items.create`, () => refuseHistoryWrite('created'));
    filter(`${collection}.items.update`, () => refuseHistoryWrite('changed'));
    filter(`${collection}.items.delete`, () => refuseHistoryWrite('deleted'));
  }
});
