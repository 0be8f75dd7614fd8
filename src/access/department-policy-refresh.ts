import type { Knex } from 'knex';
import { POLICY_IDS, departmentPolicy, type DepartmentRef } from './model.ts';
import { syncPolicyPermissions, type PermissionRow, type PermissionStore, type StoredPermission } from './permission-sync.ts';

/**
 * Regenerates each department policy's native permissions from the authority matrix as it is in
 * the database now, so a capability edit in Studio changes native rights without a restart.
 * Departments whose policy does not exist yet (added in Studio) get it at the next start.
 */
export async function refreshDepartmentPolicies(db: Knex, store: PermissionStore): Promise<void> {
  const departments: DepartmentRef[] = await db('cc_departments').select('code', 'name_zh', 'name_en');
  const authorities: Array<{ department: string; capability: string }> = await db('cc_authorities').select('department', 'capability');
  const existing = new Set(
    (await db('directus_policies').select('id').whereIn('id', departments.map((d) => POLICY_IDS.department(d.code)))).map((row: { id: string }) => row.id),
  );
  for (const department of departments) {
    const policy = departmentPolicy(
      department,
      authorities.filter((a) => a.department === department.code).map((a) => a.capability),
    );
    if (existing.has(policy.id)) await syncPolicyPermissions(store, policy.id, policy.permissions);
  }
}

/** The subset of Directus's ItemsService the permission store needs. */
export interface PermissionsServiceLike {
  readByQuery(query: Record<string, unknown>): Promise<Array<Record<string, unknown>>>;
  createOne(data: PermissionRow): Promise<unknown>;
  updateOne(key: number, data: PermissionRow): Promise<unknown>;
  deleteMany(keys: number[]): Promise<unknown>;
}

export function servicePermissionStore(service: PermissionsServiceLike): PermissionStore {
  return {
    list: async (policy) =>
      (await service.readByQuery({
        filter: { policy: { _eq: policy } },
        fields: ['id', 'collection', 'action', 'fields', 'permissions', 'validation', 'presets'],
        limit: -1,
      })) as unknown as StoredPermission[],
    create: async (row) => void (await service.createOne(row)),
    update: async (id, row) => void (await service.updateOne(id, row)),
    remove: async (ids) => void (await service.deleteMany(ids)),
  };
}
