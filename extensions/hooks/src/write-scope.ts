import { defineHook } from '@directus/extensions-sdk';
import { governedCollections } from '../../../src/access/governed-collections.ts';
import { assertCreatedWithinScope, rememberWriter, writerIn, type CreateScopeSources } from '../../../src/access/create-scope.ts';
import { assertWriterFieldsKept, stampWriter } from '../../../src/access/writer-fields.ts';

type Payload = Record<string, unknown>;

/** Writers are who the server says they are, and create only where they could edit (in governed collections). */
export default defineHook(({ filter }, { services, env }) => {
  const { governs } = governedCollections(env);
  // The host's service classes satisfy the slice the create scope declares.
  const directus = services as CreateScopeSources['services'];

  filter<Payload>('items.create', (payload, meta, { database, accountability }) => {
    const collection = String(meta['collection']);
    if (!governs(collection)) return payload;
    rememberWriter(database, accountability);
    return stampWriter(database, accountability, collection, payload);
  });
  filter<Payload>('items.update', async (payload, meta, { database, schema, accountability }) => {
    const collection = String(meta['collection']);
    if (!governs(collection)) return payload;
    await assertWriterFieldsKept(database, accountability, collection, schema?.collections[collection]?.primary ?? 'id', meta['keys'] as Array<number | string>, payload);
    return payload;
  });
  // Directus records a create's activity inside its transaction, once the row and its nested rows are written.
  filter<Payload>('activity.create', async (activity, _meta, { database, schema }) => {
    const writer = writerIn(database);
    if (activity['action'] === 'create' && writer && schema && governs(String(activity['collection']))) {
      await assertCreatedWithinScope({ db: database, schema, services: directus }, writer, String(activity['collection']), String(activity['item']));
    }
    return activity;
  });
});
