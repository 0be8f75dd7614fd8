import type { Knex } from 'knex';
import type { ItemsServiceLike, ServiceOptions } from '../directus/services.ts';
import { relationKey } from '../directus/relation-key.ts';
import { POLICY_IDS, ROLE_IDS } from './model.ts';
import { stableId } from './stable-id.ts';

/**
 * Keeps Directus access in step with the organisation, so admins manage people in Concord's terms:
 * a person's department decides their role, and being a department head or a team lead decides
 * whether they hold the manager policy.
 */

/** The access row Concord manages for a person and policy; rows admins add by hand have other ids and stay. */
export function accessLinkId(user: string, policy: string): string {
  return stableId(`access:user:${user}:${policy}`);
}

export function managerLinkId(user: string): string {
  return accessLinkId(user, POLICY_IDS.manager);
}

export interface AccessServiceFactory {
  AccessService: new (options: ServiceOptions) => ItemsServiceLike & { deleteMany(keys: string[]): Promise<unknown> };
}

/**
 * Heads of departments and leads of teams hold the manager policy, heads the head policy and leads
 * the lead policy (their Insights dashboards); people who no longer are lose the links Concord gave
 * them. Goes through Directus's access service so its permission caches clear.
 */
export async function syncManagerAccess(db: Knex, access: ItemsServiceLike & { deleteMany(keys: string[]): Promise<unknown> }): Promise<void> {
  const heads = new Set(((await db('cc_departments').whereNotNull('head').distinct('head')) as Array<{ head: string }>).map((r) => r.head));
  const leads = new Set(((await db('cc_teams').whereNotNull('lead').whereNot('status', 'archived').distinct('lead')) as Array<{ lead: string }>).map((r) => r.lead));
  const wanted: Array<[policy: string, people: Set<string>]> = [
    [POLICY_IDS.manager, new Set([...heads, ...leads])],
    [POLICY_IDS.head, heads],
    [POLICY_IDS.lead, leads],
  ];
  for (const [policy, people] of wanted) {
    const linked: Array<{ id: string; user: string }> = await db('directus_access').select('id', 'user').where('policy', policy).whereNotNull('user');
    const linkedUsers = new Set(linked.map((row) => row.user));
    for (const user of people) {
      if (!linkedUsers.has(user)) await linkOnce(db, access, accessLinkId(user, policy), { user, policy });
    }
    const stale = linked.filter((row) => !people.has(row.user) && row.id === accessLinkId(row.user, policy)).map((row) => row.id);
    if (stale.length > 0) await access.deleteMany(stale);
  }
}

/**
 * Creates the access row unless another sync made it first: the start and the people hook (or two
 * instances) may link the same person at once, and the row's stable id lets only one of them write it.
 */
async function linkOnce(db: Knex, access: ItemsServiceLike, id: string, link: { user: string; policy: string }): Promise<void> {
  try {
    await access.createOne({ id, ...link });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'RECORD_NOT_UNIQUE' || !(await db('directus_access').first('id').where('id', id))) throw error;
  }
}

/**
 * When a person's department is set and their role is empty or another Concord department role,
 * the role follows the department. Executives, admins and custom roles are left alone.
 */
export async function roleForDepartment(db: Knex, payload: Record<string, unknown>, userIds: readonly string[]): Promise<Record<string, unknown>> {
  if (payload['cc_department'] === undefined || payload['role'] !== undefined) return payload;
  const department = relationKey(payload['cc_department']);
  if (department === null) return payload;
  const role = ROLE_IDS.department(String(department));
  if (!(await db('directus_roles').first('id').where('id', role))) return payload;
  const departmentRoles = new Set(
    (await db('cc_departments').select('code')).map((row: { code: string }) => ROLE_IDS.department(row.code)),
  );
  if (userIds.length > 0) {
    const current: Array<{ role: string | null }> = await db('directus_users').select('role').whereIn('id', [...userIds]);
    if (current.some((row) => row.role !== null && !departmentRoles.has(row.role))) return payload;
  }
  return { ...payload, role };
}
