import { upsertById, type AdminApi } from './admin-api.ts';
import {
  departmentPolicy,
  departmentRole,
  executivePolicy,
  headPolicy,
  leadPolicy,
  executiveRole,
  managerPolicy,
  staffPolicy,
  type DepartmentRef,
  type PolicyDefinition,
  type RoleDefinition,
} from '../access/model.ts';
import { stableId } from '../access/stable-id.ts';
import { syncPolicyPermissions, type PermissionStore, type StoredPermission } from '../access/permission-sync.ts';

/**
 * Writes the access model into Directus: policies, roles, role→policy links and permissions, all
 * with fixed ids. Idempotent: a second run changes nothing. Department policies are generated from
 * the authority matrix as it is in the database now.
 */
export async function applyAccess(api: AdminApi): Promise<void> {
  const departments = await api.get<DepartmentRef[]>('/items/cc_departments', { fields: 'code,name_zh,name_en', limit: -1, sort: 'code' });
  const authorities = await api.get<Array<{ department: string; capability: string }>>('/items/cc_authorities', {
    fields: 'department,capability',
    limit: -1,
  });
  const policies: PolicyDefinition[] = [staffPolicy(), managerPolicy(), headPolicy(), leadPolicy(), executivePolicy()];
  const roles: RoleDefinition[] = [executiveRole()];
  for (const department of departments) {
    const capabilities = authorities.filter((a) => a.department === department.code).map((a) => a.capability);
    policies.push(departmentPolicy(department, capabilities));
    roles.push(departmentRole(department));
  }
  for (const policy of policies) await upsertPolicy(api, policy);
  for (const role of roles) await upsertRole(api, role);
}

async function upsertPolicy(api: AdminApi, policy: PolicyDefinition): Promise<void> {
  const { id, permissions, ...body } = policy;
  await upsertById(api, 'policies', id, body);
  await syncPolicyPermissions(restPermissionStore(api), id, permissions);
}

async function upsertRole(api: AdminApi, role: RoleDefinition): Promise<void> {
  const { id, policies, ...body } = role;
  await upsertById(api, 'roles', id, body);
  const links = await api.get<Array<{ id: string; policy: string }>>('/access', { filter: { role: { _eq: id } }, fields: 'id,policy', limit: -1 });
  for (const policy of policies) {
    if (!links.some((link) => link.policy === policy)) {
      await api.post('/access', { id: stableId(`access:role:${id}:${policy}`), role: id, policy });
    }
  }
}

function restPermissionStore(api: AdminApi): PermissionStore {
  return {
    list: (policy) =>
      api.get<StoredPermission[]>('/permissions', {
        filter: { policy: { _eq: policy } },
        fields: 'id,collection,action,fields,permissions,validation,presets',
        limit: -1,
      }),
    create: async (row) => void (await api.post('/permissions', row)),
    update: async (id, row) => void (await api.patch(`/permissions/${id}`, row)),
    remove: (ids) => api.delete('/permissions', ids),
  };
}
