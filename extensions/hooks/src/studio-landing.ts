import { defineHook } from '@directus/extensions-sdk';
import { withLandingPage } from '../../../src/studio/landing.ts';

type Payload = Record<string, unknown>;

/** New staff land on their work in Studio, not on the first table of the navigation. */
export default defineHook(({ filter }) => {
  filter<Payload>('users.create', (payload, _meta, { database }) => withLandingPage(database, payload));
});
