import { defineHook } from '@directus/extensions-sdk';
import { assertDeletable } from '../../../src/validation/references.ts';

type Keys = Array<number | string>;

/** A delete the database would refuse for the rows still using it is refused first, with IN_USE. */
export default defineHook(({ filter }) => {
  filter<Keys>('items.delete', async (keys, meta, { database, schema }) => {
    if (schema) await assertDeletable(database, schema, String(meta['collection']), keys);
    return keys;
  });
  filter<Keys>('users.delete', async (keys, _meta, { database, schema }) => {
    if (schema) await assertDeletable(database, schema, 'directus_users', keys);
    return keys;
  });
});
