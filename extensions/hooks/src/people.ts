import { defineHook } from '@directus/extensions-sdk';
import type { AccessServiceFactory } from '../../../src/access/people-sync.ts';
import { roleForDepartment, syncManagerAccess } from '../../../src/access/people-sync.ts';

type Payload = Record<string, unknown>;

/** A person's department sets their role; heads and leads get the manager policy. */
export default defineHook(({ filter, action }, { services, getSchema, database, logger }) => {
  // The host's service classes satisfy the slice Concord declares.
  const { AccessService } = services as AccessServiceFactory;

  filter<Payload>('users.create', (payload, _meta, { database: db }) => roleForDepartment(db, payload, []));
  filter<Payload>('users.update', (payload, meta, { database: db }) => roleForDepartment(db, payload, meta['keys'] ?? []));

  // One sync at a time in this process: each reads the links, then writes what is missing.
  let queue: Promise<void> = Promise.resolve();
  const sync = () =>
    (queue = queue.then(async () => {
      try {
        await syncManagerAccess(database, new AccessService({ schema: await getSchema(), knex: database }));
      } catch (error) {
        logger.error(error, 'Concord: updating manager access failed');
      }
    }));
  // At start too: heads and leads named before a policy of theirs existed (an upgraded database) get it.
  action('server.start', sync);
  for (const collection of ['cc_departments', 'cc_teams']) {
    for (const event of ['create', 'update', 'delete']) action(`${collection}.items.${event}`, sync);
  }
});
