import { defineHook } from '@directus/extensions-sdk';
import type { EventContext } from '@directus/types';
import { assertDateOrder, loadFieldSpecs, validateValues, type FieldSources } from '../../../src/validation/field-values.ts';

type Payload = Record<string, unknown>;
type Keys = Array<number | string>;

/** Every value written to a collection is checked against the live schema and rules.ts, on every write path. */
export default defineHook(({ filter }, { services }) => {
  // The host's service classes satisfy the slice the validator declares.
  const { FieldsService } = services as FieldSources['services'];

  const check = async (collection: string, payload: Payload, keys: Keys | null, { database, schema }: EventContext): Promise<Payload> => {
    if (!schema || typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
    const specs = await loadFieldSpecs({ db: database, schema, services: { FieldsService } });
    const checked = await validateValues(database, specs, collection, payload);
    assertDateOrder(collection, checked, keys === null);
    return checked;
  };

  filter<Payload>('items.create', (payload, meta, context) => check(String(meta['collection']), payload, null, context));
  filter<Payload>('items.update', (payload, meta, context) => check(String(meta['collection']), payload, meta['keys'] as Keys, context));
  filter<Payload>('users.create', (payload, _meta, context) => check('directus_users', payload, null, context));
  filter<Payload>('users.update', (payload, meta, context) => check('directus_users', payload, meta['keys'] as Keys, context));
});
