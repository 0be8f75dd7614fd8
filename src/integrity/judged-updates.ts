import type { Accountability, SchemaOverview } from '@directus/types';
import type { Knex } from 'knex';
import { UpdateLeavesScopeError } from '../errors.ts';

/**
 * Read-then-decide rules on updates, made race-free. Directus runs update filter hooks outside the
 * write's transaction and before its own permission check, so a rule that reads the database in
 * such a hook and then lets the write through can be overtaken by a concurrent write (three
 * parallel removals of members each seeing the two others still there). Here the rule performs
 * the write itself, the way transitionCase does for cases:
 *
 * 1. open a transaction and let each concerned judge lock what its rule depends on and note the
 *    state it will compare against;
 * 2. write through Directus's own items service as the caller, inside that transaction (its
 *    permission checks, validation, nested relations, revisions and the other hooks all run);
 *    nested writes reaching the same hooks join this transaction and its judges;
 * 3. let each judge decide on the state the write left, refuse by throwing (everything rolls back),
 *    and check that the caller may still edit what they changed (Directus checks that again after
 *    the hook, on the changed row);
 * 4. commit, emit the write's action events, and hand Directus an empty change.
 */

export type Key = number | string;
type Payload = Record<string, unknown>;

export interface UpdateRequest {
  collection: string;
  /** The collection's primary key field. */
  primary: string;
  keys: readonly Key[];
  payload: Payload;
}

export interface UpdateJudge<Noted = unknown> {
  /**
   * The fields the judge's rule reads, by collection (relational aliases by their own name). An
   * update that writes none of them leaves the rule's verdict as it was and skips the judge
   * (`concerns`); a rule reading a field it does not declare here is not judged when only that
   * field changes.
   */
  reads: Readonly<Record<string, readonly string[]>>;
  /** Inside the write's transaction, before it: lock what the rule depends on; return what to compare against. */
  before(trx: Knex, request: UpdateRequest): Promise<Noted>;
  /** After the write, in the same transaction: throw to refuse. */
  after(trx: Knex, noted: Noted): Promise<void>;
}

interface ServiceClass {
  new (collection: string, options: { schema: SchemaOverview; accountability: Accountability | null; knex: Knex }): {
    updateMany(keys: Key[], data: Payload, opts?: Record<string, unknown>): Promise<unknown>;
  };
}

export interface JudgedUpdateContext {
  /** The filter hook's database: a transaction when the update is nested in another write. */
  db: Knex;
  schema: SchemaOverview;
  accountability: Accountability | null;
  services: {
    ItemsService: ServiceClass;
    UsersService: new (options: { schema: SchemaOverview; accountability: Accountability | null; knex: Knex }) => InstanceType<ServiceClass>;
    PermissionsService: new (options: { schema: SchemaOverview; accountability: Accountability | null; knex: Knex }) => {
      getItemPermissions(collection: string, key: string): Promise<{ update: { access: boolean } }>;
    };
  };
  emitAction(event: string | string[], meta: Record<string, unknown>, context: unknown): void;
}

interface Scope {
  pending: Array<{ judge: UpdateJudge; noted: unknown }>;
  /** The judged write re-announces itself once when it runs inside the transaction. */
  self: string;
  selfSeen: boolean;
}

const scopes = new WeakMap<Knex, Scope>();

/** Whether `request` writes a field `judge`'s rule reads (else the update cannot change its verdict). */
export function concerns(judge: Pick<UpdateJudge, 'reads'>, { collection, payload }: Pick<UpdateRequest, 'collection' | 'payload'>): boolean {
  const fields = Object.hasOwn(judge.reads, collection) ? judge.reads[collection] : undefined;
  return fields !== undefined && fields.some((field) => payload[field] !== undefined);
}

const signature = (request: UpdateRequest) => `${request.collection}:${JSON.stringify([...request.keys].map(String).sort())}`;

/** Called by the update filter hook; returns the payload Directus should still apply ({} once the judged write is done). */
export async function judgedUpdate(ctx: JudgedUpdateContext, judges: readonly UpdateJudge[], request: UpdateRequest): Promise<Payload> {
  const concerned = judges.filter((judge) => concerns(judge, request));
  if (concerned.length === 0) return request.payload;
  const enclosing = scopes.get(ctx.db);
  if (enclosing) {
    if (!enclosing.selfSeen && enclosing.self === signature(request)) {
      enclosing.selfSeen = true;
      return request.payload;
    }
    // A nested write of a judged update: judged with it, at its end.
    for (const judge of concerned) enclosing.pending.push({ judge, noted: await judge.before(ctx.db, request) });
    return request.payload;
  }
  const deferred: Array<{ event: string | string[]; meta: Record<string, unknown>; context: unknown }> = [];
  await ctx.db.transaction(async (trx) => {
    const scope: Scope = { pending: [], self: signature(request), selfSeen: false };
    scopes.set(trx, scope);
    for (const judge of concerned) scope.pending.push({ judge, noted: await judge.before(trx, request) });
    const options = { schema: ctx.schema, accountability: ctx.accountability, knex: trx };
    const service = request.collection === 'directus_users' ? new ctx.services.UsersService(options) : new ctx.services.ItemsService(request.collection, options);
    await service.updateMany([...request.keys], request.payload, { bypassEmitAction: (event: (typeof deferred)[number]) => deferred.push(event) });
    for (const { judge, noted } of scope.pending) await judge.after(trx, noted);
    await assertStillEditable(ctx, trx, request);
  });
  for (const { event, meta, context } of deferred) ctx.emitAction(event, meta, context);
  return {};
}

/** Directus re-checks edit rights on the changed rows after the hook; a write that would fail that is refused here, whole. */
async function assertStillEditable(ctx: JudgedUpdateContext, trx: Knex, request: UpdateRequest): Promise<void> {
  if (!ctx.accountability?.user || ctx.accountability.admin) return;
  const permissions = new ctx.services.PermissionsService({ schema: ctx.schema, accountability: ctx.accountability, knex: trx });
  for (const key of request.keys) {
    const { update } = await permissions.getItemPermissions(request.collection, String(key));
    if (!update.access) throw new UpdateLeavesScopeError({ collection: request.collection, id: String(key) });
  }
}

/** Whether `db` is the transaction of a judged update (nested writes then join its judgement). */
export function inJudgedUpdate(db: Knex): boolean {
  return scopes.has(db);
}
