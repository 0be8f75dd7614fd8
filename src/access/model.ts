/**
 * The default access model of the brief, as data: which policy may do what on which collection.
 * host/apply-access.ts writes it into Directus's roles, policies, access links and permissions.
 * Row scope uses native permission filters; what they cannot express is left to the hooks.
 */
import { stableId } from './stable-id.ts';
import { dashboardsFor, type Audience } from '../insights/dashboards.ts';

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
/** Shared information every member of staff reads whole (Table 4). */
const SHARED_COLLECTIONS = [
  'cc_products', 'cc_products_files', 'cc_purchases', 'cc_service_records', 'cc_projects', 'cc_tasks',
  'cc_objectives', 'cc_team_goals', 'cc_key_results', 'cc_meetings', 'cc_meeting_participants', 'cc_trainings',
  'cc_training_participants', 'cc_workflows', 'cc_workflow_states', 'cc_workflow_transitions', 'cc_evaluation_cycles',
];
const FINANCE_COLLECTIONS = ['cc_budgets', 'cc_transactions'];
const ALL_CONCORD_COLLECTIONS = [
  ...ORGANISATION_COLLECTIONS, ...SHARED_COLLECTIONS, ...FINANCE_COLLECTIONS, 'cc_customers', 'cc_notices', 'cc_notices_departments',
  'cc_notices_teams', 'cc_cases', 'cc_case_events', 'cc_surveys', 'cc_survey_responses', 'cc_evaluation_scores', 'cc_improvement_actions',
  'cc_sla_breaches', 'cc_overrides',
];
/** Customer fields every member of staff sees; contact details need `customer.read_contact`. */
export const CUSTOMER_CONTACT_FIELDS = ['contact_name', 'contact_phone', 'contact_email', 'address'];
// `overview` is the 客户全貌 alias: its endpoint shows each reader only what they may read.
const CUSTOMER_PUBLIC_FIELDS = ['id', 'name', 'tier', 'industry', 'region', 'team', 'notes', 'date_created', 'date_updated', 'purchases', 'service_records', 'projects', 'cases', 'overview'];

/**
 * "A member of the team" is written as `team IN (the user's teams)` rather than a join through the
 * team's members: Directus's aggregates count a row once per joined member otherwise.
 */
const MY_TEAMS = { _in: '$CURRENT_USER.cc_memberships.team' };
/** A case is visible to its team's members and to the department owning its current state. */
export const CASE_SCOPE = {
  _or: [{ team: MY_TEAMS }, { state: { owner_department: { _eq: '$CURRENT_USER.cc_department' } } }],
};
const NOTICE_AUDIENCE = {
  _or: [
    { audience_departments: { department: { _eq: '$CURRENT_USER.cc_department' } } },
    { audience_teams: { team: MY_TEAMS } },
    { author: { _eq: '$CURRENT_USER' } },
  ],
};
const PUBLISHED = { cycle: { status: { _eq: 'published' } } };
/** The scope's members, its head (departments) or its lead (teams). */
const MY_SCOPES = {
  _or: [
    { department: { _eq: '$CURRENT_USER.cc_department' } },
    { team: MY_TEAMS },
    { department: { head: { _eq: '$CURRENT_USER' } } },
    { team: { lead: { _eq: '$CURRENT_USER' } } },
  ],
};
/** Published scores of the reader's department or team, or of one they head or lead. */
const OWN_PUBLISHED_SCORES = { _and: [PUBLISHED, MY_SCOPES] };
/**
 * Files a member of staff may open: what they uploaded (their exports among them) and the images of
 * products, which everyone reads. Anything else uploaded — an admin's export of finance rows, say —
 * stays with its uploader.
 */
const READABLE_FILES = { _or: [{ uploaded_by: { _eq: '$CURRENT_USER' } }, { cc_product_images: { product: { _nnull: true } } }] };
/** What everyone may change of their own user: sign-in and how Studio looks and speaks to them. */
const OWN_USER_SETTINGS = ['password', 'language', 'appearance', 'theme_light', 'theme_dark', 'theme_light_overrides', 'theme_dark_overrides'];
/** What colleagues may see of each other. */
const PUBLIC_USER_FIELDS = ['id', 'first_name', 'last_name', 'email', 'avatar', 'title', 'cc_department', 'cc_memberships', 'status', 'language'];

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
  head: stableId('policy:head'),
  lead: stableId('policy:lead'),
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
  'customer.read_contact': [read('cc_customers')],
  // Creating and editing customers; reading their contact details stays with customer.read_contact.
  'customer.manage': [
    { collection: 'cc_customers', action: 'create', fields: ALL },
    { collection: 'cc_customers', action: 'update', fields: ALL },
  ],
  'budget.manage': FINANCE_COLLECTIONS.flatMap((collection) => crud(collection)),
  'evaluation.publish': [
    // A published cycle is frozen (the hooks and triggers refuse it with CYCLE_PUBLISHED); saying so
    // in the rules too makes Studio show its form read-only, without a delete button.
    { collection: 'cc_evaluation_cycles', action: 'create', fields: ALL },
    read('cc_evaluation_cycles'),
    ...(['update', 'delete'] as const).map((action): PermissionRule => ({ collection: 'cc_evaluation_cycles', action, fields: ALL, permissions: { status: { _neq: 'published' } } })),
    // Scores are written by runs only; publishers read drafts too.
    read('cc_evaluation_scores'),
    ...crud('cc_improvement_actions'),
    read('cc_surveys'),
    read('cc_survey_responses'),
    ...dashboardRights('evaluation'),
  ],
  'training.organise': [...crud('cc_trainings'), ...crud('cc_training_participants')],
  'feedback.collect': [
    { collection: 'cc_surveys', action: 'create', fields: ALL },
    read('cc_surveys'),
    read('cc_survey_responses', ['id', 'survey', 'csat', 'nps', 'comment', 'responded_at', 'department', 'channel', 'handled_by'], { survey: { kind: { _eq: 'csat' } } }),
  ],
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
      ...SHARED_COLLECTIONS.map((collection) => read(collection)),
      read('directus_users', PUBLIC_USER_FIELDS),
      read('directus_files', ALL, READABLE_FILES),
      // Uploads, their exports among them; Directus records the uploader whatever the payload says.
      { collection: 'directus_files', action: 'create', fields: ALL },
      { collection: 'directus_users', action: 'update', fields: OWN_USER_SETTINGS, permissions: { id: { _eq: '$CURRENT_USER' } } },
      // Insights: each dashboard is for its audience (src/insights/dashboards.ts); each panel reads with the viewer's rights.
      ...dashboardRights('staff'),
      read('cc_customers', CUSTOMER_PUBLIC_FIELDS),
      // Anyone who talks to a customer records it, and anyone may bring in a customer's matter.
      { collection: 'cc_service_records', action: 'create', fields: ALL, presets: { staff: '$CURRENT_USER', department: '$CURRENT_USER.cc_department' } },
      // state and the timestamps are set by the workflow hook whatever the client sends.
      { collection: 'cc_cases', action: 'create', fields: ['title', 'description', 'priority', 'workflow', 'customer', 'team', 'state', 'opened_at', 'state_entered_at', 'reporter'], presets: { reporter: '$CURRENT_USER' } },
      read('cc_cases', ALL, CASE_SCOPE),
      // `state` is writable so every client (GraphQL too) can ask for a transition; the workflow hook decides.
      { collection: 'cc_cases', action: 'update', fields: ['id', 'title', 'description', 'priority', 'resolution_note', 'state'], permissions: CASE_SCOPE },
      read('cc_case_events', ALL, { case: CASE_SCOPE }),
      read('cc_sla_breaches', ALL, { case: CASE_SCOPE }),
      // Customer surveys of the cases they see; the pulse surveys of their own teams.
      read('cc_surveys', ALL, { _or: [{ _and: [{ kind: { _eq: 'csat' } }, { case: CASE_SCOPE }] }, { _and: [{ kind: { _eq: 'pulse' } }, { team: MY_TEAMS }] }] }),
      read('cc_survey_responses', ['id', 'survey', 'csat', 'nps', 'pulse', 'comment', 'responded_at', 'department', 'respondent', 'channel'], {
        _or: [{ survey: { _and: [{ kind: { _eq: 'csat' } }, { case: CASE_SCOPE }] } }, { respondent: { _eq: '$CURRENT_USER' } }],
      }),
      // Team members answer their team's pulse survey. The survey hook decides every other field (who,
      // which department, when, the once-only key) and refuses them from the client, so they are listed.
      {
        collection: 'cc_survey_responses',
        action: 'create',
        fields: ['survey', 'pulse', 'comment', 'respondent', 'csat', 'nps', 'department', 'responded_at', 'response_key', 'channel', 'handled_by'],
        presets: { respondent: '$CURRENT_USER' },
      },
      read('cc_notices', ALL, NOTICE_AUDIENCE),
      read('cc_notices_departments'),
      read('cc_notices_teams'),
      read('cc_evaluation_scores', ALL, OWN_PUBLISHED_SCORES),
      read('cc_improvement_actions', ALL, { _or: [...MY_SCOPES._or, { owner: { _eq: '$CURRENT_USER' } }] }),
      { collection: 'cc_tasks', action: 'update', fields: ['status', 'done_at', 'logged_hours', 'notes'], permissions: { assignee: { _eq: '$CURRENT_USER' } } },
      // Whoever owns an improvement action works it: progress and what is being done.
      { collection: 'cc_improvement_actions', action: 'update', fields: ['status', 'description'], permissions: { owner: { _eq: '$CURRENT_USER' } } },
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
      // Heads see their own department's money.
      ...FINANCE_COLLECTIONS.map((collection) => read(collection, ALL, heads)),
      // Leads run their teams' projects, tasks and meetings.
      ...crud('cc_projects', leads).filter((rule) => rule.action !== 'read'),
      ...crud('cc_tasks', { project: leads }).filter((rule) => rule.action !== 'read'),
      ...crud('cc_meetings', leads).filter((rule) => rule.action !== 'read'),
      ...crud('cc_meeting_participants', { meeting: leads }).filter((rule) => rule.action !== 'read'),
      { collection: 'cc_notices', action: 'create', fields: ALL, presets: { author: '$CURRENT_USER' } },
      ...crud('cc_notices', { author: { _eq: '$CURRENT_USER' } }).filter((rule) => rule.action === 'update' || rule.action === 'delete'),
      // A notice's audience is its author's to change (creates are held to the same, see create-scope.ts).
      ...crud('cc_notices_departments', { notice: { author: { _eq: '$CURRENT_USER' } } }).filter((rule) => rule.action !== 'read'),
      ...crud('cc_notices_teams', { notice: { author: { _eq: '$CURRENT_USER' } } }).filter((rule) => rule.action !== 'read'),
      // The scope's head or lead steers its improvement actions (and may hand them to someone else).
      {
        collection: 'cc_improvement_actions',
        action: 'update',
        fields: ['title', 'status', 'description', 'due_on', 'owner'],
        permissions: { _or: [{ department: { head: { _eq: '$CURRENT_USER' } } }, { team: { lead: { _eq: '$CURRENT_USER' } } }] },
      },
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
    permissions: [
      // Executives read everything, except draft scores, which only evaluation.publish holders see.
      ...ALL_CONCORD_COLLECTIONS.map((collection) => (collection === 'cc_evaluation_scores' ? read(collection, ALL, PUBLISHED) : read(collection))),
      read('directus_users', PUBLIC_USER_FIELDS),
      read('directus_files', ALL, READABLE_FILES),
      ...dashboardRights('executive'),
    ],
  };
}

/** Department heads: their dashboard (the manager policy carries what they may change). */
export function headPolicy(): PolicyDefinition {
  return {
    id: POLICY_IDS.head,
    name: 'Concord 部门负责人 Department head',
    icon: 'apartment',
    description: '部门负责人的看板 / What department heads see in Insights',
    app_access: false,
    permissions: dashboardRights('head'),
  };
}

/** Team leads: their dashboard. */
export function leadPolicy(): PolicyDefinition {
  return {
    id: POLICY_IDS.lead,
    name: 'Concord 团队负责人 Team lead',
    icon: 'groups',
    description: '团队负责人的看板 / What team leads see in Insights',
    app_access: false,
    permissions: dashboardRights('lead'),
  };
}

/** Reading the dashboards meant for an audience, and their panels. */
function dashboardRights(audience: Audience): PermissionRule[] {
  const ids = dashboardsFor(audience);
  return [read('directus_dashboards', ALL, { id: { _in: ids } }), read('directus_panels', ALL, { dashboard: { _in: ids } })];
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
