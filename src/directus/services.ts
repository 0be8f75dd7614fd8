import type { Accountability, SchemaOverview } from '@directus/types';
import type { Knex } from 'knex';

/**
 * The slice of Directus's services Concord's modules use. Entry points pass the host's own
 * `services`; modules never import Directus internals, which keeps them testable and portable.
 */
export type Item = Record<string, unknown>;

export interface ItemsServiceLike {
  readByQuery(query: Record<string, unknown>, opts?: Record<string, unknown>): Promise<Item[]>;
  readOne(key: number | string, query?: Record<string, unknown>, opts?: Record<string, unknown>): Promise<Item>;
  createOne(data: Item, opts?: Record<string, unknown>): Promise<number | string>;
  createMany(data: Item[], opts?: Record<string, unknown>): Promise<Array<number | string>>;
  updateOne(key: number | string, data: Item, opts?: Record<string, unknown>): Promise<number | string>;
}

export interface ServiceOptions {
  schema: SchemaOverview;
  accountability?: Accountability | null;
  knex?: Knex;
}

export interface MailServiceLike {
  send(data: { to: string; subject: string; html: string }): Promise<unknown>;
}

export interface DirectusServices {
  ItemsService: new (collection: string, options: ServiceOptions) => ItemsServiceLike;
  NotificationsService: new (options: ServiceOptions) => ItemsServiceLike;
  MailService: new (options: ServiceOptions) => MailServiceLike;
  FieldsService: new (options: ServiceOptions) => { readAll(): Promise<unknown> };
  /** Read as the system, to resolve a caller's dynamic permission variables (src/access/caller-permissions.ts). */
  UsersService: new (options: ServiceOptions) => ReaderLike;
  RolesService: new (options: ServiceOptions) => ReaderLike;
  PoliciesService: new (options: ServiceOptions) => ReaderLike;
}

export interface ReaderLike {
  readOne(key: string, query: { fields: string[] }): Promise<unknown>;
  readMany(keys: string[], query: { fields: string[] }): Promise<unknown>;
}

export interface ServiceContext {
  services: DirectusServices;
  schema: SchemaOverview;
  accountability: Accountability | null;
}
