import { appAccessMinimalPermissions } from '@directus/system-data';
import type { Accountability, Filter, SchemaOverview } from '@directus/types';
import { parseFilter } from '@directus/utils';
import { ipInNetworks } from '@directus/utils/node';
import type { Knex } from 'knex';

/**
 * The permissions that apply to one caller, resolved the way Directus resolves them for its own
 * checks (permissions/lib/fetch-policies, fetch-permissions): the policies of the user and of every
 * role in their role tree (skipping policies whose IP allow-list excludes the caller), the minimal
 * permissions app users get, and dynamic variables ($CURRENT_USER.cc_department, $NOW, …) replaced
 * by their values. Concord needs them where Directus does not apply them itself: filters through
 * relations, and whether a new row falls within the caller's update scope.
 */

export type Action = 'create' | 'read' | 'update' | 'delete' | 'share';

export interface CallerPermission {
  collection: string;
  action: Action;
  /** Row rule; null or {} means every row. */
  permissions: Filter | null;
  validation: Filter | null;
  presets: Record<string, unknown> | null;
  fields: string[];
  /** The granting policy; null for the minimal permissions of app access. */
  policy: string | null;
}

interface Reader {
  readOne(key: string, query: { fields: string[] }): Promise<unknown>;
  readMany(keys: string[], query: { fields: string[] }): Promise<unknown>;
}
type ReaderClass = new (options: { schema: SchemaOverview; knex?: Knex; accountability?: Accountability | null }) => Reader;

/** The services used to fetch dynamic-variable values, as Directus does. */
export interface PermissionSources {
  db: Knex;
  schema: SchemaOverview;
  services: { UsersService: ReaderClass; RolesService: ReaderClass; PoliciesService: ReaderClass };
}

const DYNAMIC_ROOTS = ['$CURRENT_USER', '$CURRENT_ROLE', '$CURRENT_ROLES', '$CURRENT_POLICIES'] as const;
type DynamicRoot = (typeof DYNAMIC_ROOTS)[number];

/** Policy ids for the caller in Directus's order (user's own, then by role, nearest role first). */
export async function callerPolicies(db: Knex, accountability: Accountability): Promise<string[]> {
  const roles = accountability.roles ?? (accountability.role ? [accountability.role] : []);
  const rows: Array<{ policy: string; role: string | null; ip_access: unknown }> = await db('directus_access as a')
    .join('directus_policies as p', 'p.id', 'a.policy')
    .select('a.policy', 'a.role', 'p.ip_access')
    .where((where) => {
      if (roles.length > 0) where.whereIn('a.role', roles);
      else where.whereNull('a.role').whereNull('a.user');
      if (accountability.user) where.orWhere('a.user', accountability.user);
    });
  const allowed = rows.filter((row) => {
    const networks = csv(row.ip_access);
    if (networks.length === 0) return true;
    return accountability.ip ? ipInNetworks(accountability.ip, networks) : false;
  });
  allowed.sort((a, b) => (a.role === null ? 1 : b.role === null ? -1 : roles.indexOf(a.role) - roles.indexOf(b.role)));
  return [...new Set(allowed.map((row) => row.policy))];
}

/**
 * The caller's permissions for `actions`, dynamic variables resolved. Admins hold every right and
 * are never asked about. Within one request they are read once, for every action at once (a write's
 * checks and the read of its result share them; Directus hands every service and hook of a request
 * the same accountability object), and each rule is resolved the first time an action asks for it
 * (a read needs its read rules, not the caller's create and delete rules); nothing outlives the
 * request for long.
 */
export async function callerPermissions(sources: PermissionSources, accountability: Accountability, actions: readonly Action[]): Promise<CallerPermission[]> {
  const entry = recentEntry(sources, accountability);
  const { policies, rows } = await entry.rows;
  const wanted = rows.filter((permission) => actions.includes(permission.action));
  if (wanted.some((permission) => !entry.resolved.has(permission))) {
    if (!entry.context) {
      const context = dynamicContext(sources, accountability, policies, rows);
      entry.context = context;
      context.catch(() => {
        if (recent.get(accountability) === entry) recent.delete(accountability);
      });
    }
    const context = await entry.context;
    for (const permission of wanted) {
      if (entry.resolved.has(permission)) continue;
      entry.resolved.set(permission, {
        ...permission,
        permissions: parseFilter(permission.permissions, accountability, context),
        validation: parseFilter(permission.validation, accountability, context),
      });
    }
  }
  return wanted.map((permission) => entry.resolved.get(permission) as CallerPermission);
}

/**
 * The caller's permissions for `actions` as stored, dynamic variables left unresolved: which fields
 * each rule grants, and whether it has a row rule at all, without reading the values its rules
 * refer to ($CURRENT_USER's teams, say). Shared with `callerPermissions` within the request.
 */
export async function callerPermissionRows(sources: PermissionSources, accountability: Accountability, actions: readonly Action[]): Promise<CallerPermission[]> {
  return (await recentEntry(sources, accountability).rows).rows.filter((permission) => actions.includes(permission.action));
}

const ALL_ACTIONS: readonly Action[] = ['create', 'read', 'update', 'delete', 'share'];
const REUSE_MS = 2_000;

interface Recent {
  at: number;
  rows: Promise<{ policies: string[]; rows: CallerPermission[] }>;
  /** The values of the dynamic variables the caller's rules name, read once. */
  context?: Promise<Record<string, unknown>>;
  /** Each stored rule, resolved, once an action asked for it. */
  resolved: Map<CallerPermission, CallerPermission>;
}
const recent = new WeakMap<Accountability, Recent>();

function recentEntry(sources: PermissionSources, accountability: Accountability): Recent {
  const cached = recent.get(accountability);
  if (cached && Date.now() - cached.at < REUSE_MS) return cached;
  const entry: Recent = { at: Date.now(), rows: permissionRows(sources, accountability, ALL_ACTIONS), resolved: new Map() };
  recent.set(accountability, entry);
  entry.rows.catch(() => {
    if (recent.get(accountability) === entry) recent.delete(accountability);
  });
  return entry;
}

async function permissionRows(sources: PermissionSources, accountability: Accountability, actions: readonly Action[]): Promise<{ policies: string[]; rows: CallerPermission[] }> {
  const policies = await callerPolicies(sources.db, accountability);
  const rows: Array<Record<string, unknown>> =
    policies.length === 0 ? [] : await sources.db('directus_permissions').select('*').whereIn('policy', policies).whereIn('action', [...actions]);
  const raw: CallerPermission[] = rows
    .map((row) => ({
      collection: String(row['collection']),
      action: row['action'] as Action,
      permissions: json(row['permissions']) as Filter | null,
      validation: json(row['validation']) as Filter | null,
      presets: json(row['presets']) as Record<string, unknown> | null,
      fields: csv(row['fields']),
      policy: String(row['policy']),
    }))
    .sort((a, b) => policies.indexOf(a.policy) - policies.indexOf(b.policy));
  if (accountability.app) {
    for (const minimal of appAccessMinimalPermissions) {
      if (!actions.includes(minimal.action as Action)) continue;
      raw.push({
        collection: minimal.collection,
        action: minimal.action as Action,
        permissions: (minimal.permissions ?? null) as Filter | null,
        validation: (minimal.validation ?? null) as Filter | null,
        presets: (minimal.presets ?? null) as Record<string, unknown> | null,
        fields: minimal.fields ?? [],
        policy: null,
      });
    }
  }
  return { policies, rows: raw };
}

/** The values behind `$CURRENT_USER.x.y` and its kin, read as Directus reads them (as the system). */
async function dynamicContext(sources: PermissionSources, accountability: Accountability, policies: string[], permissions: readonly CallerPermission[]): Promise<Record<string, unknown>> {
  const wanted = new Map<DynamicRoot, Set<string>>(DYNAMIC_ROOTS.map((root) => [root, new Set<string>()]));
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const root of DYNAMIC_ROOTS) if (value.startsWith(`${root}.`)) wanted.get(root)?.add(value.slice(root.length + 1));
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(visit);
  };
  for (const permission of permissions) visit([permission.permissions, permission.validation]);
  const options = { schema: sources.schema, knex: sources.db, accountability: null };
  const fields = (root: DynamicRoot) => [...(wanted.get(root) ?? [])];
  const context: Record<string, unknown> = {};
  if (accountability.user && fields('$CURRENT_USER').length > 0) {
    context['$CURRENT_USER'] = await new sources.services.UsersService(options).readOne(accountability.user, { fields: fields('$CURRENT_USER') });
  }
  if (accountability.role && fields('$CURRENT_ROLE').length > 0) {
    context['$CURRENT_ROLE'] = await new sources.services.RolesService(options).readOne(accountability.role, { fields: fields('$CURRENT_ROLE') });
  }
  if ((accountability.roles?.length ?? 0) > 0 && fields('$CURRENT_ROLES').length > 0) {
    context['$CURRENT_ROLES'] = await new sources.services.RolesService(options).readMany(accountability.roles, { fields: fields('$CURRENT_ROLES') });
  }
  if (policies.length > 0) {
    context['$CURRENT_POLICIES'] =
      fields('$CURRENT_POLICIES').length > 0
        ? await new sources.services.PoliciesService(options).readMany(policies, { fields: ['id', ...fields('$CURRENT_POLICIES')] })
        : policies.map((id) => ({ id }));
  }
  return context;
}

function csv(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value.trim() === '') return [];
  return value.split(',').map((part) => part.trim()).filter((part) => part !== '');
}

function json(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}
