import type { SchemaOverview } from '@directus/types';
import type { AdminApi } from './admin-api.ts';

/**
 * The setup's configuration steps (access model, presentation, demo company) are written against
 * `AdminApi`, the shape of Directus's REST API. Inside Directus, at start, before it serves a
 * request, they run on Directus's own services instead: the same paths map to the service that
 * answers them over HTTP, with no accountability (the start acts as the system), and every write
 * still goes through the service, so Concord's hooks see it as they would a request.
 */
type Key = string | number;
type Query = Record<string, unknown>;

interface Service {
  readByQuery(query: Query): Promise<Array<Record<string, unknown>>>;
  readOne(key: Key, query?: Query): Promise<Record<string, unknown>>;
  readMany(keys: Key[], query?: Query): Promise<Array<Record<string, unknown>>>;
  createOne(data: Record<string, unknown>): Promise<Key>;
  createMany(data: Array<Record<string, unknown>>): Promise<Key[]>;
  updateOne(key: Key, data: Record<string, unknown>): Promise<Key>;
  deleteMany(keys: Key[]): Promise<Key[]>;
}

interface Singleton {
  readSingleton(query: Query): Promise<Record<string, unknown>>;
  upsertSingleton(data: Record<string, unknown>): Promise<unknown>;
}

type ServiceClass = new (...args: never[]) => unknown;

/** What the API calls the service-backed requests need besides Directus's services: Concord's own routes. */
export interface ConcordRoutes {
  /** POST /concord/<path>: the handler of one of Concord's endpoint routes the setup calls. */
  post(path: string, body: unknown): Promise<unknown>;
}

/** Directus's REST collections the setup writes, by the service class that serves each. */
const SYSTEM: Record<string, string> = {
  users: 'UsersService',
  roles: 'RolesService',
  policies: 'PoliciesService',
  access: 'AccessService',
  permissions: 'PermissionsService',
  dashboards: 'DashboardsService',
  panels: 'PanelsService',
  presets: 'PresetsService',
  translations: 'TranslationsService',
};

export function serviceApi(services: Record<string, unknown>, getSchema: () => Promise<SchemaOverview>, routes: ConcordRoutes): AdminApi {
  const options = async () => ({ schema: await getSchema(), accountability: null });
  async function serviceFor(path: string): Promise<{ service: Service; key: string | undefined }> {
    const parts = path.replace(/^\//, '').split('/');
    if (parts[0] === 'items' && parts[1]) {
      const ItemsService = services['ItemsService'] as new (collection: string, options: unknown) => Service;
      return { service: new ItemsService(parts[1], await options()), key: parts[2] };
    }
    const name = SYSTEM[parts[0] ?? ''];
    if (!name) throw new Error(`The setup has no service for ${path}`);
    const Class = services[name] as ServiceClass | undefined;
    if (!Class) throw new Error(`This Directus has no ${name}`);
    return { service: new (Class as unknown as new (options: unknown) => Service)(await options()), key: parts[1] };
  }
  async function settings(): Promise<Singleton> {
    const SettingsService = services['SettingsService'] as new (options: unknown) => Singleton;
    return new SettingsService(await options());
  }
  return {
    async get<T>(path: string, query: Query = {}): Promise<T> {
      const q = restQuery(query);
      if (path === '/settings') return (await (await settings()).readSingleton(q)) as T;
      if (path === '/users/me') throw new Error('The setup acts as the system, not as a user: /users/me has no answer.');
      const { service, key } = await serviceFor(path);
      return (key === undefined ? await service.readByQuery(q) : await service.readOne(key, q)) as T;
    },
    async post<T>(path: string, body: unknown): Promise<T> {
      if (path.startsWith('/concord/')) return (await routes.post(path.slice('/concord'.length), body)) as T;
      const { service } = await serviceFor(path);
      if (Array.isArray(body)) return (await service.readMany(await service.createMany(body as Array<Record<string, unknown>>))) as T;
      return (await service.readOne(await service.createOne(body as Record<string, unknown>))) as T;
    },
    async patch<T>(path: string, body: unknown): Promise<T> {
      if (path === '/settings') return (await (await settings()).upsertSingleton(body as Record<string, unknown>)) as T;
      const { service, key } = await serviceFor(path);
      if (key === undefined) throw new Error(`The setup patches one item at a time, not ${path}`);
      return (await service.readOne(await service.updateOne(decodeURIComponent(key), body as Record<string, unknown>))) as T;
    },
    async delete(path: string, body?: unknown): Promise<void> {
      const { service, key } = await serviceFor(path);
      await service.deleteMany(key === undefined ? (body as Key[]) : [decodeURIComponent(key)]);
    },
  };
}

/** A REST query (fields and sort as comma lists) in the services' terms. */
function restQuery(query: Query): Query {
  const out: Query = { ...query };
  for (const name of ['fields', 'sort']) {
    const value = out[name];
    if (typeof value === 'string') out[name] = value.split(',').map((part) => part.trim()).filter(Boolean);
  }
  return out;
}
