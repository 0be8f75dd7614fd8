import { defineHook } from '@directus/extensions-sdk';
import type { Accountability, EventContext } from '@directus/types';
import { governedCollections } from '../../../src/access/governed-collections.ts';
import { assertDateOrder, loadFieldSpecs, nextSortValue, validateValues, type FieldSources, type Writer } from '../../../src/validation/field-values.ts';

type Payload = Record<string, unknown>;
type Keys = Array<number | string>;

const writerOf = (accountability: Accountability | null | undefined): Writer => ({ person: Boolean(accountability?.user), admin: accountability?.admin === true });

/**
 * Every value written to a governed collection is checked against the live schema and rules.ts, on every
 * write path; fields the server sets (stamps, the manual sort) are refused from people, and an item
 * created without a place in its collection's manual order goes to the end of it.
 */
export default defineHook(({ filter }, { services, env }) => {
  const { governs } = governedCollections(env);
  // The host's service classes satisfy the slice the validator declares.
  const { FieldsService } = services as FieldSources['services'];

  const check = async (collection: string, payload: Payload, keys: Keys | null, { database, schema, accountability }: EventContext): Promise<Payload> => {
    if (!schema || !governs(collection) || typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
    const specs = await loadFieldSpecs({ db: database, schema, services: { FieldsService } });
    const checked = await validateValues(database, specs, collection, payload, writerOf(accountability));
    assertDateOrder(collection, checked, keys === null);
    const sortField = schema.collections[collection]?.sortField;
    if (keys === null && sortField && checked[sortField] === undefined) checked[sortField] = await nextSortValue(database, collection, sortField);
    return checked;
  };

  filter<Payload>('items.create', (payload, meta, context) => check(String(meta['collection']), payload, null, context));
  filter<Payload>('items.update', (payload, meta, context) => check(String(meta['collection']), payload, meta['keys'] as Keys, context));
  filter<Payload>('users.create', (payload, _meta, context) => check('directus_users', payload, null, context));
  filter<Payload>('users.update', (payload, meta, context) => check('directus_users', payload, meta['keys'] as Keys, context));
});
