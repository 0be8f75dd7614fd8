import type { Accountability } from '@directus/types';
import type { Knex } from 'knex';
import { WriterFieldError } from '../errors.ts';
import { userDepartment } from '../organisation/authority-store.ts';
import { relationKey } from '../directus/relation-key.ts';

/**
 * "Who did this" fields: set by the server from the writer on every write path, never taken from
 * the payload — a notice's author, who recorded a service record and for which department, who
 * reported a case. A payload naming someone else is refused; the fields never change afterwards.
 * Administrators may name anyone (importing or repairing records written elsewhere). (Case
 * history, overrides and survey answers are written by Concord itself.)
 */
export const WRITER_FIELDS: ReadonlyArray<{ collection: string; field: string; from: 'user' | 'department' }> = [
  { collection: 'cc_notices', field: 'author', from: 'user' },
  { collection: 'cc_service_records', field: 'staff', from: 'user' },
  { collection: 'cc_service_records', field: 'department', from: 'department' },
  { collection: 'cc_cases', field: 'reporter', from: 'user' },
];

type Payload = Record<string, unknown>;

export async function stampWriter(db: Knex, accountability: Accountability | null, collection: string, payload: Payload): Promise<Payload> {
  const rules = WRITER_FIELDS.filter((rule) => rule.collection === collection);
  // Concord's own writes (no user) say who acted themselves.
  if (rules.length === 0 || !accountability?.user) return payload;
  const stamped = { ...payload };
  for (const rule of rules) {
    const value = rule.from === 'user' ? accountability.user : await userDepartment(db, accountability.user);
    const given = payload[rule.field] === undefined ? undefined : relationKey(payload[rule.field]);
    if (accountability.admin && given !== undefined) continue;
    if (given !== undefined && String(given) !== String(value)) throw new WriterFieldError({ collection, field: rule.field });
    stamped[rule.field] = value;
  }
  return stamped;
}

export async function assertWriterFieldsKept(db: Knex, accountability: Accountability | null, collection: string, primary: string, keys: ReadonlyArray<number | string>, payload: Payload): Promise<void> {
  if (accountability?.admin || !accountability?.user) return;
  for (const rule of WRITER_FIELDS.filter((r) => r.collection === collection && payload[r.field] !== undefined)) {
    const given = relationKey(payload[rule.field]);
    const rows: Payload[] = await db(collection).select(primary, rule.field).whereIn(primary, [...keys]);
    if (rows.some((row) => String(row[rule.field]) !== String(given))) throw new WriterFieldError({ collection, field: rule.field });
  }
}
