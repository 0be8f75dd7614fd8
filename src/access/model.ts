/**
 * The default access model of the brief, as data: which policy may do what on which collection.
 * host/apply-access.ts writes it into Directus's roles, policies, access links and permissions.
 * Row scope uses native permission filters; what they cannot express is left to the hooks.
 */
import { stableId } from './stable-id.ts';

export type Action = 'create' | 'read' | 'update' | 'delete';
type Filter = Record<string, unknown>;

export interface PermissionRule {
  collection: string;
  action: Action;
  fields: string[];
  permissions?: Filter;
  validation?: Filter;
  presets?: Record<string, unknown>;
}

export interface PolicyDefinition {
  id: string;
  name: string;
  icon: string;
  description: string;
  app_access: boolean;
  permissions: PermissionRule[];
}

export interface RoleDefinition {
  id: string;
  name: string;
  icon: string;
  description: string;
  policies: string[];
}

export interface DepartmentRef {
  code: string;
  name_zh: string;
  name_en: string | null;
}

const ALL: string[] = ['*'];
const ORGANISATION_COLLECTIONS = ['cc_departments', 'cc_teams', 'cc_team_members', 'cc_composition_rules', 'cc_duties', 'cc_authorities'];
/** What colleagues may see of each other. */
const PUBLIC_USER_FIELDS = ['id', 'first_name', 'last_name', 'email', 'avatar', 'title', 'cc_department', 'status', 'language'];

const read = (collection: string, fields: string[] = ALL, permissions?: Filter): PermissionRule => ({ collection, action: 'read', fields, ...(permissions ? { permissions } : {}) });
const crud = (collection: string, permissions?: Filter): PermissionRule[] =>
  (['create', 'read', 'update', 'delete'] as const).map((action) => ({
    collection,
    action,
    fields: ALL,
    ...(permissions && action !== 'create' ? { permissions } : {}),
  }));

export const POLICY_IDS = {
  staff: stableId('policy:staff'),
  manager: stableId('policy:manager'),
  executive: stableId('policy:executive'),
  department: (code: string) => stableId(`policy:department:${code}`),
};

export const ROLE_IDS = {
  executive: stableId('role:executive'),
  department: (code: string) => stableId(`role:department:${code}`),
};

/**
 * Native rights each capability brings to the departments holding it. Capabilities that only
 * gate workflow transitions (checked by hooks) bring none here.
 */
export const CAPABILITY_GRANTS: Record<string, PermissionRule[]> = {
  'team.build': [
    { collection: 'cc_teams', action: 'create', fields: ALL },
    { collection: 'cc_teams', action: 'update', fields: ALL },
    ...crud('cc_team_members').filter((rule) => rule.action !== 'read'),
  ],
};

export function staffPolicy(): PolicyDefinition {
  return {
    id: POLICY_IDS.staff,
    name: 'Concord 员工 Staff',
    icon: 'badge',
    description: '所有员工共有的权限:查看组织、团队与权限矩阵 / What every member of staff may do',
    app_access: true,
    permissions: [
      ...ORGANISATION_COLLECTIONS.map((collection) => read(collection)),
      read('directus_users', PUBLIC_USER_FIELDS),
    ],
  };
}

export function departmentPolicy(department: DepartmentRef, capabilities: Iterable<string>): PolicyDefinition {
  const rules = new Map<string, PermissionRule>();
  for (const capability of [...capabilities].sort()) {
    for (const rule of CAPABILITY_GRANTS[capability] ?? []) rules.set(`${rule.collection}:${rule.action}`, rule);
  }
  return {
    id: POLICY_IDS.department(department.code),
    name: `Concord ${department.name_zh} ${department.name_en ?? department.code}`,
    icon: 'apartment',
    description: `由权限矩阵生成,勿手工修改 / Generated from the authority matrix of ${department.code}; edit the matrix, not this policy`,
    app_access: false,
    permissions: [...rules.values()],
  };
}

export function managerPolicy(): PolicyDefinition {
  const heads = { department: { head: { _eq: '$CURRENT_USER' } } };
  const leads = { team: { lead: { _eq: '$CURRENT_USER' } } };
  return {
    id: POLICY_IDS.manager,
    name: 'Concord 管理者 Manager',
    icon: 'supervisor_account',
    description: '部门负责人与团队负责人 / Department heads and team leads',
    app_access: true,
    permissions: [
      ...crud('cc_duties', heads).filter((rule) => rule.action !== 'read'),
      { collection: 'cc_teams', action: 'update', fields: ALL, permissions: { lead: { _eq: '$CURRENT_USER' } } },
      ...crud('cc_team_members', leads).filter((rule) => rule.action !== 'read'),
    ],
  };
}

export function executivePolicy(): PolicyDefinition {
  return {
    id: POLICY_IDS.executive,
    name: 'Concord 高管 Executive',
    icon: 'visibility',
    description: '只读全部协同数据 / Reads everything',
    app_access: true,
    permissions: [...ORGANISATION_COLLECTIONS.map((collection) => read(collection)), read('directus_users', PUBLIC_USER_FIELDS)],
  };
}

export function departmentRole(department: DepartmentRef): RoleDefinition {
  return {
    id: ROLE_IDS.department(department.code),
    name: `${department.name_zh} ${department.name_en ?? department.code}`,
    icon: 'apartment',
    description: `${department.name_zh}员工 / Staff of ${department.code}`,
    policies: [POLICY_IDS.staff, POLICY_IDS.department(department.code)],
  };
}

export function executiveRole(): RoleDefinition {
  return {
    id: ROLE_IDS.executive,
    name: '高管 Executives',
    icon: 'star',
    description: '公司管理层 / Company executives',
    policies: [POLICY_IDS.staff, POLICY_IDS.executive],
  };
}
