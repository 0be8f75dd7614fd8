import type { SchemaOverview } from '@directus/types';
import type { Knex } from 'knex';
import { InvalidPayloadError, WriterFieldError } from '../errors.ts';
import type { Localized } from '../i18n/language.ts';
import type { UpdateJudge, UpdateRequest } from '../integrity/judged-updates.ts';
import { DATE_ORDER, DATE_RANGE, FIELD_RULES, type DateOrderRule, type FieldRule } from './rules.ts';

/**
 * Values checked against the schema before Directus writes them. SQLite enforces no types, lengths
 * or choices, and PostgreSQL answers a bad value with a database error; either way a person should
 * hear which field is wrong and why, and nothing should be written. Everything is read from the
 * live schema (types, lengths, nullability, choices, numeric ranges of the input), so fields and
 * collections added later are covered without a line of code; rules.ts adds what a schema cannot say.
 */

type Payload = Record<string, unknown>;

export interface FieldSpec {
  collection: string;
  field: string;
  type: string;
  nullable: boolean;
  /** A unique key: text is compared as written, so it is stored trimmed and may not be blank. */
  unique: boolean;
  maxLength: number | null;
  precision: number | null;
  scale: number | null;
  choices: string[] | null;
  min: number | null;
  max: number | null;
  /** The collection a many-to-one field points at (`uuid`: its key is a uuid column, which PostgreSQL compares only with uuids). */
  related: { collection: string; primary: string; uuid: boolean } | null;
  /** A relational alias or presentation field: no column, Directus reads the nested payload itself. */
  managed: boolean;
  /**
   * Set by the server, never by a person: a creation or update stamp (`meta.special`
   * date-created, user-created, date-updated, user-updated, role-created, role-updated), or the
   * collection's manual sort field (`meta.sort_field`), which Directus keeps through
   * `POST /utils/sort/:collection` and Concord places at the end on create. A column Concord
   * computes itself (`COMPUTED_STAMPS`: a handoff's `answered_at`, a case's first closure) counts as a stamp.
   */
  setByServer: 'stamp' | 'sort' | null;
  /** A field Directus itself defines (on its own collections); only rules.ts speaks for those. */
  system: boolean;
  /** Left to the guard named in rules.ts. */
  delegated: boolean;
}

export type FieldSpecs = Map<string, Map<string, FieldSpec>>;

interface FieldRow {
  collection: string;
  field: string;
  type: string;
  schema: { max_length?: number | null; numeric_precision?: number | null; numeric_scale?: number | null; is_nullable?: boolean; is_unique?: boolean } | null;
  meta: { special?: string[] | string | null; options?: Record<string, unknown> | null; system?: boolean } | null;
}

export interface FieldSources {
  db: Knex;
  schema: SchemaOverview;
  services: { FieldsService: new (options: { schema: SchemaOverview; knex: Knex; accountability: null }) => { readAll(): Promise<unknown> } };
}

const MANAGED_SPECIALS = ['o2m', 'm2m', 'm2a', 'files', 'translations', 'alias', 'no-data', 'group'];
const STAMP_SPECIALS = ['date-created', 'date-updated', 'user-created', 'user-updated', 'role-created', 'role-updated'];
/** Columns Concord computes as it writes history, refused from people as stamps are (src/workflows/history-facts.ts). */
const COMPUTED_STAMPS = new Set(['cc_case_events.answered_at', 'cc_cases.first_closed_at', 'cc_cases.closing_departments']);
const INTEGER_RANGE = { integer: [-2147483648, 2147483647], bigInteger: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] } as const;
/** Directus creates a float field as `real` on PostgreSQL (Concord widens its own to double; an admin's stays real). */
const FLOAT_LIMIT = 3.4e38;

/** A reason in both languages (English first, as the error's own message is). */
const say = (en: string, zh: string): Localized => ({ 'zh-CN': zh, 'en-US': en });

/** One reading of the schema's field details per schema version (Directus replaces the object on every schema change). */
const specsBySchema = new WeakMap<SchemaOverview, Promise<FieldSpecs>>();

export function loadFieldSpecs(sources: FieldSources): Promise<FieldSpecs> {
  let specs = specsBySchema.get(sources.schema);
  if (!specs) {
    specs = readFieldSpecs(sources);
    specsBySchema.set(sources.schema, specs);
    specs.catch(() => specsBySchema.delete(sources.schema));
  }
  return specs;
}

async function readFieldSpecs({ db, schema, services }: FieldSources): Promise<FieldSpecs> {
  const rows = (await new services.FieldsService({ schema, knex: db, accountability: null }).readAll()) as FieldRow[];
  const rules = new Map<string, FieldRule>(FIELD_RULES.map((rule) => [rule.field, rule]));
  const specs: FieldSpecs = new Map();
  for (const row of rows) {
    if (!schema.collections[row.collection]) continue;
    const options = row.meta?.options ?? {};
    const special = Array.isArray(row.meta?.special) ? row.meta.special : typeof row.meta?.special === 'string' ? row.meta.special.split(',') : [];
    const rule = rules.get(`${row.collection}.${row.field}`);
    const relation = schema.relations.find((r) => r.collection === row.collection && r.field === row.field && r.related_collection);
    const relatedPrimary = relation?.related_collection ? (schema.collections[relation.related_collection]?.primary ?? 'id') : null;
    const related = relation?.related_collection && relatedPrimary
      ? { collection: relation.related_collection, primary: relatedPrimary, uuid: schema.collections[relation.related_collection]?.fields[relatedPrimary]?.type === 'uuid' }
      : null;
    const choices = Array.isArray(options['choices']) && options['allowOther'] !== true
      ? (options['choices'] as Array<{ value?: unknown }>).map((choice) => String(choice.value))
      : null;
    const spec: FieldSpec = {
      collection: row.collection,
      field: row.field,
      type: row.type,
      nullable: row.schema?.is_nullable !== false,
      unique: row.schema?.is_unique === true,
      maxLength: row.schema?.max_length ?? null,
      // A float's precision is binary digits (PostgreSQL says 24 or 53), no bound on the value.
      precision: (row.type === 'decimal' ? row.schema?.numeric_precision : null) ?? rule?.decimal?.precision ?? null,
      scale: (row.type === 'decimal' ? row.schema?.numeric_scale : null) ?? rule?.decimal?.scale ?? null,
      choices: rule?.choices ? [...rule.choices] : choices,
      min: rule?.min ?? numberOption(options['min']),
      max: rule?.max ?? numberOption(options['max']),
      related,
      managed: row.type === 'alias' || special.some((s) => MANAGED_SPECIALS.includes(s)),
      setByServer: special.some((s) => STAMP_SPECIALS.includes(s)) || COMPUTED_STAMPS.has(`${row.collection}.${row.field}`) ? 'stamp' : schema.collections[row.collection]?.sortField === row.field ? 'sort' : null,
      system: row.meta?.system === true || (row.meta === null && row.collection.startsWith('directus_')),
      delegated: rule?.checkedBy !== undefined,
    };
    const fields = specs.get(row.collection) ?? new Map<string, FieldSpec>();
    fields.set(row.field, spec);
    specs.set(row.collection, fields);
  }
  return specs;
}

function numberOption(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

/** Who writes: a person (admin or not), or the server itself (no user: Concord's own writes, seeds). */
export interface Writer {
  person: boolean;
  admin: boolean;
}

const RULED = new Set(FIELD_RULES.map((rule) => rule.field));

/**
 * Checks every value of `payload` for `collection` and returns it with numbers and booleans that
 * arrived as text (CSV imports) turned into numbers and booleans. Throws INVALID_PAYLOAD naming
 * the first field that is wrong, and SET_BY_SERVER for a well-formed value a person may not give
 * (see FieldSpec.setByServer). `db` is the write's own transaction where there is one.
 */
export async function validateValues(db: Knex, specs: FieldSpecs, collection: string, payload: Payload, writer: Writer | null = null): Promise<Payload> {
  const fields = specs.get(collection);
  if (!fields) return payload;
  const result: Payload = { ...payload };
  for (const [field, value] of Object.entries(payload)) {
    const spec = fields.get(field);
    if (!spec || spec.managed || spec.delegated || (spec.system && !RULED.has(`${collection}.${field}`))) continue;
    result[field] = await checkValue(db, spec, value);
    if (writer?.person && mayNotSet(spec, writer)) throw new WriterFieldError({ collection, field, kind: spec.setByServer ?? undefined });
  }
  return result;
}

/**
 * Stamps are facts about the write itself: Directus sets them on create for every caller, admins
 * included, and an update that back-dates one would make it lie, so nobody sets them. An admin may
 * place an item in the manual order (recreating a row where it was); everyone else reorders
 * through Directus's sort endpoint.
 */
function mayNotSet(spec: FieldSpec, writer: Writer): boolean {
  return spec.setByServer === 'stamp' || (spec.setByServer === 'sort' && !writer.admin);
}

/** The next place in a collection's manual order, for an item created without one. */
export async function nextSortValue(db: Knex, collection: string, sortField: string): Promise<number> {
  const row = (await db(collection).max({ last: sortField }).first()) as { last: number | string | null } | undefined;
  const last = Number(row?.last ?? 0);
  return (Number.isFinite(last) ? Math.trunc(last) : 0) + 1;
}

async function checkValue(db: Knex, spec: FieldSpec, value: unknown): Promise<unknown> {
  const refuse = (reason: Localized): never => {
    throw new InvalidPayloadError({ field: spec.field, reason, collection: spec.collection });
  };
  if (value === null || value === undefined) {
    if (value === null && !spec.nullable) refuse(say('it cannot be empty', '不能为空'));
    return value;
  }
  // A nested object creates or changes the related item; that write is checked on its own.
  if (spec.related && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) return value;
  const normalised = normalise(spec, value, refuse);
  if (spec.choices && !(spec.type === 'json' || spec.type === 'csv')) {
    if (!spec.choices.includes(String(normalised))) refuse(say(`use one of ${spec.choices.join(', ')}`, `请使用以下之一:${spec.choices.join('、')}`));
  }
  if (spec.choices && Array.isArray(normalised)) {
    const unknown = normalised.filter((item) => !spec.choices?.includes(String(item)));
    if (unknown.length > 0) refuse(say(`use only ${spec.choices.join(', ')}`, `只能使用:${spec.choices.join('、')}`));
  }
  if (typeof normalised === 'number') {
    if (spec.min !== null && normalised < spec.min) refuse(say(`it cannot be less than ${spec.min}`, `不能小于 ${spec.min}`));
    if (spec.max !== null && normalised > spec.max) refuse(say(`it cannot be more than ${spec.max}`, `不能大于 ${spec.max}`));
  }
  if (spec.related && (typeof normalised === 'string' || typeof normalised === 'number')) {
    if (spec.related.uuid && !(typeof normalised === 'string' && UUID.test(normalised))) refuse(say(`an id such as 3f2a…-… is needed, not ${shown(normalised)}`, `需要形如 3f2a…-… 的编号,而不是 ${shown(normalised)}`));
    const exists = await db(spec.related.collection).first(spec.related.primary).where(spec.related.primary, normalised);
    if (!exists) refuse(say(`there is no ${spec.related.collection} item with id "${String(normalised)}"`, `没有编号为“${String(normalised)}”的 ${spec.related.collection} 记录`));
  }
  return normalised;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A value as a person would recognise it in a message, cut short. */
function shown(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'number') return String(value);
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 40)}…` : json;
}

function normalise(spec: FieldSpec, value: unknown, refuse: (reason: Localized) => never): unknown {
  switch (spec.type) {
    case 'string':
    case 'text':
    case 'hash': {
      const given = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
      if (typeof given !== 'string') return refuse(say(`text is needed, not ${shown(value)}`, `需要文本,而不是 ${shown(value)}`));
      // A unique key compares text as written: "华东团队 " and "华东团队" would be two teams that look like one.
      const text = spec.unique ? given.trim() : given;
      if (spec.unique && text === '') refuse(say('it cannot be blank', '不能为空白'));
      // PostgreSQL text cannot hold U+0000.
      if (text.includes('\u0000')) refuse(say('it contains a NUL character (U+0000)', '含有空字符(U+0000)'));
      if (spec.maxLength !== null && text.length > spec.maxLength) refuse(say(`at most ${spec.maxLength} characters (this has ${text.length})`, `最多 ${spec.maxLength} 个字符(当前 ${text.length} 个)`));
      return text;
    }
    case 'uuid': {
      if (typeof value !== 'string' || !UUID.test(value)) refuse(say(`an id such as 3f2a…-… is needed, not ${shown(value)}`, `需要形如 3f2a…-… 的编号,而不是 ${shown(value)}`));
      return value;
    }
    case 'integer':
    case 'bigInteger': {
      const n = toNumber(value);
      const [low, high] = INTEGER_RANGE[spec.type];
      if (n === null || !Number.isInteger(n)) return refuse(say(`a whole number is needed, not ${shown(value)}`, `需要整数,而不是 ${shown(value)}`));
      if (n < low || n > high) refuse(say(`a whole number from ${low} to ${high}`, `需要 ${low} 到 ${high} 之间的整数`));
      return n;
    }
    case 'float':
    case 'decimal': {
      const n = toNumber(value);
      if (n === null) return refuse(say(`a number such as 1200.50 is needed, not ${shown(value)}`, `需要数字(例如 1200.50),而不是 ${shown(value)}`));
      const limit = spec.precision !== null ? 10 ** (spec.precision - (spec.scale ?? 0)) : FLOAT_LIMIT;
      if (Math.abs(n) >= limit) refuse(say(`the number is too large (the limit is ${spec.precision !== null ? limit : '3.4e38'})`, `数字过大(上限为 ${spec.precision !== null ? limit : '3.4e38'})`));
      // A decimal keeps exactly its scale's places; more would be rounded on PostgreSQL and kept on SQLite.
      if (spec.scale !== null && Number(n.toFixed(spec.scale)) !== n) {
        refuse(say(`at most ${spec.scale} decimal places, not ${shown(value)}`, `最多 ${spec.scale} 位小数,而不是 ${shown(value)}`));
      }
      return n;
    }
    case 'boolean': {
      if (value === true || value === 'true' || value === 1 || value === '1') return true;
      if (value === false || value === 'false' || value === 0 || value === '0') return false;
      return refuse(say(`true or false is needed, not ${shown(value)}`, `需要 true 或 false,而不是 ${shown(value)}`));
    }
    case 'date': {
      if (typeof value !== 'string' || calendarInstant(value) === null) {
        return refuse(say(`a date from ${DATE_RANGE.from} to ${DATE_RANGE.to} such as 2026-03-31 is needed, not ${shown(value)}`, `需要 ${DATE_RANGE.from} 至 ${DATE_RANGE.to} 之间的日期(例如 2026-03-31),而不是 ${shown(value)}`));
      }
      return value;
    }
    case 'dateTime':
    case 'timestamp': {
      const instant = value instanceof Date ? value.getTime() : typeof value === 'string' ? calendarInstant(value) : null;
      if (instant === null || (value instanceof Date && !withinDateRange(instant))) {
        return refuse(say(`a date and time from ${DATE_RANGE.from} to ${DATE_RANGE.to} such as 2026-03-31T09:30:00Z is needed, not ${shown(value)}`, `需要 ${DATE_RANGE.from} 至 ${DATE_RANGE.to} 之间的日期和时间(例如 2026-03-31T09:30:00Z),而不是 ${shown(value)}`));
      }
      return value;
    }
    case 'json': {
      // Directus hands a string to the column as JSON text (PostgreSQL parses it), not as a JSON string.
      let parsed = value;
      if (typeof value === 'string') {
        try {
          parsed = JSON.parse(value);
        } catch {
          return refuse(say(`JSON such as {"key": "value"} is needed, not ${shown(value)}`, `需要 JSON(例如 {"key": "value"}),而不是 ${shown(value)}`));
        }
      }
      const problem = unholdableJson(parsed);
      if (problem) refuse(problem);
      return value;
    }
    case 'csv': {
      const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : null;
      if (!list || list.some((item) => typeof item !== 'string' && !(typeof item === 'number' && Number.isFinite(item)))) {
        return refuse(say(`a list of text values is needed, not ${shown(value)}`, `需要文本列表,而不是 ${shown(value)}`));
      }
      return value;
    }
    case 'time': {
      if (typeof value !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(value)) return refuse(say(`a time such as 09:30 is needed, not ${shown(value)}`, `需要时间(例如 09:30),而不是 ${shown(value)}`));
      return value;
    }
    default:
      return value;
  }
}

/** Why a JSON value cannot be stored as written (JSON has no Infinity; PostgreSQL text has no U+0000), or null. */
function unholdableJson(value: unknown, depth = 0): Localized | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : say('it contains a number JSON cannot hold', '含有 JSON 无法保存的数字');
  if (typeof value === 'string') return value.includes('\u0000') ? say('it contains a NUL character (U+0000)', '含有空字符(U+0000)') : null;
  if (typeof value !== 'object' || value === null) return null;
  if (depth > 32) return say('it is nested too deeply', '嵌套层级过深');
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    const problem = unholdableJson(item, depth + 1);
    if (problem) return problem;
  }
  return null;
}

function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  // CSV imports deliver numbers as text.
  if (typeof value === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))?)?$/;
const RANGE_MS = { from: Date.parse(`${DATE_RANGE.from}T00:00:00Z`), to: Date.parse(`${DATE_RANGE.to}T23:59:59.999Z`) };

/** For Date objects (other extensions' services): a day's slack either side, the range being of calendar dates in any zone. */
function withinDateRange(instant: number): boolean {
  return Number.isFinite(instant) && instant >= RANGE_MS.from - 86_400_000 && instant <= RANGE_MS.to + 86_400_000;
}

/**
 * The instant of an ISO date or date-time that names a real calendar day and clock time within
 * DATE_RANGE (2026-02-30, 25:00, +275760-09-13 and "" are not), or null.
 */
function calendarInstant(text: string): number | null {
  const match = DATE_TIME.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  if (Number(match[4] ?? 0) > 23 || Number(match[5] ?? 0) > 59 || Number(match[6] ?? 0) > 59) return null;
  if (Number(match[8] ?? 0) > 14 || Number(match[9] ?? 0) > 59) return null;
  // The calendar day as written, whatever the offset.
  const written = `${match[1]}-${match[2]}-${match[3]}`;
  return written >= DATE_RANGE.from && written <= DATE_RANGE.to ? date.getTime() : null;
}

/** The instant a date or timestamp stands for, however it is stored (epoch ms on SQLite, text, Date). */
export function instantOf(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  const text = String(value);
  if (/^\d+$/.test(text)) return Number(text);
  const parsed = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  return Number.isNaN(parsed) ? null : parsed;
}

/**
 * Date pairs (rules.ts) in order. A payload that sets both dates (or creates the row) is checked
 * on its own; an update of one side is judged on the row it leaves (dateOrderJudge), so two
 * updates racing on either side cannot together leave the pair reversed.
 */
export function assertDateOrder(collection: string, payload: Payload, creating: boolean): void {
  for (const rule of DATE_ORDER.filter((r) => r.collection === collection)) {
    if (!creating && (payload[rule.from] === undefined || payload[rule.to] === undefined)) continue;
    assertPair(collection, rule, payload);
  }
}

function assertPair(collection: string, rule: DateOrderRule, row: Payload): void {
  const from = instantOf(row[rule.from]);
  const to = instantOf(row[rule.to]);
  if (from !== null && to !== null && to < from) throw new InvalidPayloadError({ field: rule.to, reason: say(`it cannot be before ${rule.from}`, `不能早于 ${rule.from}`), collection });
}

export const dateOrderJudge: UpdateJudge<UpdateRequest> = {
  // Each pair, on the row the update leaves (a payload with both dates is also checked before, in assertDateOrder).
  reads: DATE_ORDER.reduce<Record<string, string[]>>((reads, rule) => ({ ...reads, [rule.collection]: [...(reads[rule.collection] ?? []), rule.from, rule.to] }), {}),
  before: async (_trx: Knex, request: UpdateRequest) => request,
  async after(trx: Knex, { collection, primary, keys }: UpdateRequest) {
    for (const rule of DATE_ORDER.filter((r) => r.collection === collection)) {
      const rows: Payload[] = await trx(collection).select(primary, rule.from, rule.to).whereIn(primary, [...keys]);
      for (const row of rows) assertPair(collection, rule, row);
    }
  },
};
