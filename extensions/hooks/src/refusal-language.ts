import { defineHook } from '@directus/extensions-sdk';
import type { Express } from 'express';
import { localizeErrors, localizeGraphqlErrors, type ErrorBody } from '../../../src/i18n/localize-errors.ts';

/** Concord's refusals reach every caller in their own language: REST and endpoints, and GraphQL. */
export default defineHook(({ filter, init }, { database }) => {
  filter<ErrorBody[]>('request.error', (errors, _meta, { database: db, accountability }) => localizeErrors(db, accountability?.user, errors));

  // After authentication (req.accountability is known), before the /graphql route answers.
  init('middlewares.after', (meta) => {
    // Directus hands init handlers its express app under `app`.
    (meta['app'] as Express).use('/graphql', localizeGraphqlErrors(database));
  });
});
