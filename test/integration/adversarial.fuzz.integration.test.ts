import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE } from '../../src/organisation/demo-organisation.ts';
import { DATE_RANGE } from '../../src/validation/rules.ts';
import { concord, createStaff, http, rawAdmin, signIn, testDb, type Client, type Json } from '../harness/concord.ts';
import { testVendor } from '../harness/global-setup.ts';

/**
 * Schema-driven fuzzing of every write (issue 17): reads the live schema (GET /fields as admin) and
 * sends every class of bad value — wrong JSON types, 1e309 (written by hand: JSON.stringify cannot),
 * huge text, impossible and far-away dates, out-of-range and non-integer numbers, malformed uuids,
 * keys of rows that do not exist, text for numbers, U+0000 — to every writable field of every
 * Concord collection (cc_*) and to Concord's fields on directus_users, by PATCH of an existing row,
 * as admin and as a demo member of staff who may update the collection. Fields added later are
 * covered without a line here.
 *
 * Asserted: no answer is a 5xx; a refused write leaves the stored row exactly as it was; an
 * accepted write stored a value the field can hold (read back through the API and checked against
 * the field's type), and the row is put back.
 */

interface FieldRow {
  collection: string;
  field: string;
  type: string;
  schema: { is_primary_key?: boolean; is_nullable?: boolean; max_length?: number | null; is_generated?: boolean } | null;
  meta: { special?: string[] | null } | null;
}
interface RelationRow {
  collection: string;
  field: string;
  related_collection: string | null;
}
interface Target {
  collection: string;
  field: string;
  type: string;
  nullable: boolean;
  maxLength: number | null;
  alias: boolean;
  related: { collection: string; uuid: boolean } | null;
}
interface Actor {
  name: string;
  token: string;
}

/** A value to send, as JSON text (so that 1e309 can be sent as written). */
type Probe = [label: string, json: string];

const HUGE = 'x'.repeat(70_000);
const RELATION_ALIASES = ['o2m', 'm2m', 'm2a', 'files', 'translations'];
const CONCURRENCY = 8;

const universal: Probe[] = [
  ['{}', '{}'],
  ['[]', '[]'],
  ['true', 'true'],
  ['"NaN"', '"NaN"'],
  ['1e309', '1e309'],
  ['70,000 characters', JSON.stringify(HUGE)],
  ['""', '""'],
  ['U+0000', JSON.stringify('a\u0000b')],
];

function probesFor(target: Target): Probe[] {
  // A list for a relational alias would re-link (and unlink) real rows: only wrong types go there.
  if (target.alias) return [['{}', '{}'], ['true', 'true'], ['"x"', '"x"'], ['1e309', '1e309'], ['{"create":"x"}', '{"create":"x"}']];
  const probes = [...universal];
  if (target.related) {
    probes.push(['a missing key', target.related.uuid ? '"00000000-0000-4000-8000-000000000000"' : target.type === 'integer' || target.type === 'bigInteger' ? '2147483000' : '"no-such-key-zz"']);
    probes.push(['a malformed uuid', '"not-a-uuid"']);
    probes.push(['-1', '-1']);
    return probes;
  }
  switch (target.type) {
    case 'integer':
    case 'bigInteger':
    case 'float':
    case 'decimal':
      probes.push(['-1', '-1'], ['1e308', '1e308'], ['-1e308', '-1e308'], ['2147483648', '2147483648'], ['1.5', '1.5'], ['"12abc"', '"12abc"'], ['9007199254740993', '9007199254740993']);
      break;
    case 'date':
    case 'dateTime':
    case 'timestamp':
      probes.push(
        ['2026-02-30', '"2026-02-30"'],
        ['2026-02-30T10:00:00Z', '"2026-02-30T10:00:00Z"'],
        ['+275760-09-13', '"+275760-09-13"'],
        ['0000-01-01', '"0000-01-01"'],
        ['2026-01-01T25:00:00Z', '"2026-01-01T25:00:00Z"'],
        ['a number', '1767225600000'],
        ['1999-01-01T00:00:00Z', '"1999-01-01T00:00:00Z"'],
      );
      break;
    case 'boolean':
      probes.push(['"yes"', '"yes"'], ['2', '2']);
      break;
    case 'uuid':
      probes.push(['a malformed uuid', '"not-a-uuid"']);
      break;
    case 'string':
    case 'text':
      probes.push(['12345', '12345'], ['-1e309', '-1e309']);
      break;
    case 'json':
      probes.push(['{"a":1e309}', '{"a":1e309}'], ['"text"', '"text"']);
      break;
  }
  return probes;
}

async function tokenOfClient(client: Client): Promise<string> {
  const token = await (client as unknown as { getToken(): Promise<string | null> }).getToken();
  if (!token) throw new Error('No access token');
  return token;
}

/**
 * The test reads and restores rows through a connection of its own. On SQLite that connection's lock
 * fails a concurrent Directus transaction that already read and now writes (SQLITE_BUSY: SQLite calls no
 * busy handler there, it would deadlock), a 500 the input did not cause. So on SQLite a direct access
 * waits for the API calls in flight and holds new ones back until it is done.
 */
const gate = (() => {
  const needed = testVendor() === 'sqlite';
  let inFlight = 0;
  let exclusive: Promise<void> | null = null;
  let drained: (() => void) | null = null;
  return {
    async api<T>(work: () => Promise<T>): Promise<T> {
      while (exclusive) await exclusive;
      inFlight += 1;
      try {
        return await work();
      } finally {
        inFlight -= 1;
        if (inFlight === 0) drained?.();
      }
    },
    async direct<T>(work: () => Promise<T>): Promise<T> {
      if (!needed) return work();
      while (exclusive) await exclusive;
      let release = () => {};
      exclusive = new Promise<void>((resolve) => (release = resolve));
      try {
        if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
        drained = null;
        return await work();
      } finally {
        exclusive = null;
        release();
      }
    },
  };
})();

const send = (method: string, path: string, token: string, body?: string) => gate.api(() => http(method, path, { token, ...(body === undefined ? {} : { json: body }) }));

/** Singletons (cc_installation) are written without a key. */
const singletons = new Set<string>();
const itemPath = (collection: string, key: string | number) =>
  collection === 'directus_users'
    ? `/users/${encodeURIComponent(String(key))}`
    : singletons.has(collection)
      ? `/items/${collection}`
      : `/items/${collection}/${encodeURIComponent(String(key))}`;
const firstRow = (data: unknown): Record<string, string | number> | undefined =>
  (Array.isArray(data) ? data[0] : data && typeof data === 'object' ? data : undefined) as Record<string, string | number> | undefined;

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  }));
}

/** Why a value read back through the API is not one the field can hold, or null. */
async function unholdable(target: Target, value: unknown): Promise<string | null> {
  if (value === null || value === undefined) return target.nullable || value === undefined ? null : 'null in a field that cannot be empty';
  const inRange = (instant: number) => instant >= Date.parse(`${DATE_RANGE.from}T00:00:00Z`) - 86_400_000 && instant <= Date.parse(`${DATE_RANGE.to}T23:59:59Z`) + 86_400_000;
  if (target.related) {
    const primary = primaries.get(target.related.collection) ?? 'id';
    const key = typeof value === 'object' ? (value as Record<string, unknown>)[primary] : value;
    const found = await gate.direct(() => testDb()(target.related!.collection).where(primary, key as string | number).first());
    return found ? null : `a key of no ${target.related.collection} row: ${JSON.stringify(value)}`;
  }
  switch (target.type) {
    case 'string':
    case 'text':
    case 'hash':
      if (typeof value !== 'string') return `not text: ${JSON.stringify(value)}`;
      if (target.maxLength !== null && value.length > target.maxLength) return `longer than ${target.maxLength}`;
      return value.includes('\u0000') ? 'contains U+0000' : null;
    case 'integer':
    case 'bigInteger': {
      const n = Number(value);
      const limit = target.type === 'integer' ? 2147483647 : Number.MAX_SAFE_INTEGER;
      return Number.isInteger(n) && Math.abs(n) <= limit + 1 ? null : `not a whole number in range: ${JSON.stringify(value)}`;
    }
    case 'float':
    case 'decimal':
      return Number.isFinite(Number(value)) && value !== '' ? null : `not a finite number: ${JSON.stringify(value)}`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `not a boolean: ${JSON.stringify(value)}`;
    case 'date': {
      const text = String(value);
      const instant = Date.parse(`${text}T00:00:00Z`);
      return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(instant) && new Date(instant).toISOString().startsWith(text) && inRange(instant) ? null : `not a date in range: ${JSON.stringify(value)}`;
    }
    case 'dateTime':
    case 'timestamp': {
      const instant = Date.parse(String(value));
      return /^\d{4}-\d{2}-\d{2}T/.test(String(value)) && !Number.isNaN(instant) && inRange(instant) ? null : `not a date and time in range: ${JSON.stringify(value)}`;
    }
    case 'uuid':
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(String(value)) ? null : `not a uuid: ${JSON.stringify(value)}`;
    default:
      return null;
  }
}

const primaries = new Map<string, string>();
let targets: Target[] = [];
let admin: Actor;
/** Per collection: the demo member of staff who may update it (full access preferred), with the row they write. */
const staffFor = new Map<string, Actor & { key: string | number }>();
const adminRow = new Map<string, string | number>();
const notes: string[] = [];

beforeAll(async () => {
  const [fields, relations] = await Promise.all([rawAdmin<FieldRow[]>('GET', '/fields'), rawAdmin<RelationRow[]>('GET', '/relations')]);
  const types = new Map(fields.map((f) => [`${f.collection}.${f.field}`, f.type]));
  for (const f of fields) if (f.schema?.is_primary_key) primaries.set(f.collection, f.field);
  targets = fields
    .filter((f) => f.collection.startsWith('cc_') || (f.collection === 'directus_users' && f.field.startsWith('cc_')))
    .filter((f) => !f.schema?.is_primary_key && !f.schema?.is_generated)
    .filter((f) => f.type !== 'alias' || (f.meta?.special ?? []).some((s) => RELATION_ALIASES.includes(s)))
    .map((f) => {
      const relation = relations.find((r) => r.collection === f.collection && r.field === f.field && r.related_collection);
      const related = relation?.related_collection
        ? { collection: relation.related_collection, uuid: types.get(`${relation.related_collection}.${primaries.get(relation.related_collection) ?? 'id'}`) === 'uuid' }
        : null;
      return { collection: f.collection, field: f.field, type: f.type, nullable: f.schema?.is_nullable !== false, maxLength: f.schema?.max_length ?? null, alias: f.type === 'alias', related };
    });
  admin = { name: 'admin', token: concord().adminToken };

  // The admin writes the first row of each collection; on directus_users, a user made for this test.
  const collections = [...new Set(targets.map((t) => t.collection))];
  const fuzzUser = await createStaff('marketing', { label: 'fuzz' });
  for (const collection of collections) {
    if (collection === 'directus_users') {
      adminRow.set(collection, fuzzUser.id);
      continue;
    }
    const primary = primaries.get(collection) ?? 'id';
    const data = await rawAdmin<unknown>('GET', `/items/${collection}?fields=${primary}&limit=1&sort=${primary}`);
    if (data && !Array.isArray(data)) singletons.add(collection);
    const first = firstRow(data);
    if (first?.[primary] !== undefined) adminRow.set(collection, first[primary] as string | number);
    else notes.push(`${collection}: no row to write`);
  }

  // Staff: for each collection the first demo member whose policies update it (full before partial).
  const staff = await Promise.all(
    DEMO_PEOPLE.map(async (person) => {
      const token = await tokenOfClient(await signIn(person.email, concord().staffPassword));
      const me = await send('GET', '/permissions/me', token);
      const access = (me.json?.data ?? {}) as Record<string, { update?: { access?: string } }>;
      const user = await send('GET', '/users/me?fields=id', token);
      return { name: person.email, token, access, id: (user.json?.data as { id: string }).id };
    }),
  );
  for (const collection of collections) {
    const ranked = [...staff].sort((a, b) => rank(a.access[collection]?.update?.access) - rank(b.access[collection]?.update?.access));
    const chosen = ranked[0]!;
    if (rank(chosen.access[collection]?.update?.access) === 2) notes.push(`${collection}: no demo member of staff may update it (expect 403)`);
    if (collection === 'directus_users') {
      staffFor.set(collection, { name: chosen.name, token: chosen.token, key: chosen.id });
      continue;
    }
    const primary = primaries.get(collection) ?? 'id';
    const readable = await send('GET', singletons.has(collection) ? `/items/${collection}?fields=${primary}` : `/items/${collection}?fields=${primary}&limit=1&sort=${primary}`, chosen.token);
    const key = firstRow(readable.json?.data)?.[primary] ?? adminRow.get(collection);
    if (key !== undefined) staffFor.set(collection, { name: chosen.name, token: chosen.token, key });
  }
}, 240_000);

function rank(access: string | undefined): number {
  return access === 'full' ? 0 : access === 'partial' ? 1 : 2;
}

describe('every bad value to every writable field', () => {
  it('is refused with a 4xx and leaves the row as it was, or stores a value the field can hold; never a 5xx', async () => {
    const started = Date.now();
    const statuses = new Map<string, number>();
    const codes = new Map<string, number>();
    const failures: string[] = [];
    let sent = 0;
    let accepted = 0;
    const byCollection = new Map<string, Target[]>();
    for (const target of targets) byCollection.set(target.collection, [...(byCollection.get(target.collection) ?? []), target]);

    const probeCollection = async (collection: string, actor: Actor, key: string | number): Promise<void> => {
      const primary = primaries.get(collection) ?? 'id';
      const stored = () => gate.direct(() => testDb()(collection).where(primary, key).first() as Promise<Record<string, unknown> | undefined>);
      let before = await stored();
      for (const target of byCollection.get(collection) ?? []) {
        const apiBefore = await send('GET', `${itemPath(collection, key)}?fields=${target.field}`, admin.token);
        for (const [label, json] of probesFor(target)) {
          const result = await send('PATCH', itemPath(collection, key), actor.token, `{"${target.field}":${json}}`);
          sent += 1;
          const status = String(result.status);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          const answer = `${result.status} ${String(result.json?.errors?.[0]?.extensions?.['code'] ?? '')}`.trim();
          codes.set(answer, (codes.get(answer) ?? 0) + 1);
          const where = `${actor.name === 'admin' ? 'admin' : 'staff'} ${collection}.${target.field} ← ${label}`;
          if (result.status >= 500) failures.push(`${where}: ${result.status} ${result.text.slice(0, 300)}`);
          if (result.status >= 400) {
            const after = await stored();
            if (JSON.stringify(after) !== JSON.stringify(before)) {
              failures.push(`${where}: refused (${result.status}) yet the row changed`);
              before = after;
            }
            continue;
          }
          accepted += 1;
          const read = await send('GET', `${itemPath(collection, key)}?fields=${target.field}`, admin.token);
          if (read.status >= 500) failures.push(`${where}: accepted, then reading it back answered ${read.status} ${read.text.slice(0, 200)}`);
          else if (!target.alias) {
            const problem = await unholdable(target, (read.json?.data as Record<string, unknown> | undefined)?.[target.field]);
            if (problem) failures.push(`${where}: accepted and stored ${problem}`);
          }
          // Put the row back: through the API (so hooks undo what they did), then exactly as stored.
          if (!target.alias) {
            const original = (apiBefore.json?.data as Record<string, unknown> | undefined)?.[target.field];
            await send('PATCH', itemPath(collection, key), admin.token, JSON.stringify({ [target.field]: original ?? null }));
          }
          if (before) {
            const { [primary]: _key, ...columns } = before;
            // PostgreSQL hands json columns back parsed; the driver would write an array as a PostgreSQL array.
            const raw = Object.fromEntries(Object.entries(columns).map(([name, value]) => [name, value !== null && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value) ? JSON.stringify(value) : value]));
            await gate.direct(() => testDb()(collection).where(primary, key).update(raw));
          }
          before = await stored();
        }
      }
    };

    // One collection at a time per worker, its actors one after the other: the row's before and after are the probe's own.
    const jobs: Array<{ collection: string; actors: Array<{ actor: Actor; key: string | number }> }> = [];
    for (const collection of byCollection.keys()) {
      const actors: Array<{ actor: Actor; key: string | number }> = [];
      const key = adminRow.get(collection);
      if (key !== undefined) actors.push({ actor: admin, key });
      const staff = staffFor.get(collection);
      if (staff) actors.push({ actor: staff, key: staff.key });
      jobs.push({ collection, actors });
    }

    await pool(jobs, CONCURRENCY, async ({ collection, actors }) => {
      for (const { actor, key } of actors) await probeCollection(collection, actor, key);
    });

    const fieldCount = targets.length;
    console.log(
      `fuzz: ${fieldCount} fields in ${byCollection.size} collections, ${sent} writes (${jobs.filter((j) => j.actors.some((a) => a.actor === admin)).length} collections as admin, ${jobs.filter((j) => j.actors.some((a) => a.actor !== admin)).length} as staff), ` +
        `${accepted} accepted, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}, 5xx ${[...statuses].filter(([s]) => s.startsWith('5')).reduce((n, [, c]) => n + c, 0)}, ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    console.log(`fuzz answers: ${JSON.stringify(Object.fromEntries([...codes].sort()))}`);
    for (const note of notes) console.log(`fuzz note: ${note}`);
    expect(failures).toEqual([]);
    expect(fieldCount).toBeGreaterThan(200);
  }, 600_000);
});
