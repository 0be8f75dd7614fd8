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
}

export interface ServiceContext {
  services: DirectusServices;
  schema: SchemaOverview;
  accountability: Accountability | null;
}
