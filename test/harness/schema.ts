/** The Concord collections as the SDK sees them in tests. */
export interface Department {
  code: string;
  name_zh: string;
  name_en: string | null;
  head: string | null;
  color: string | null;
  sort: number | null;
}

export interface Team {
  id: number;
  name: string;
  status: 'forming' | 'active' | 'archived';
  mission: string | null;
  lead: string | null;
}

export interface TeamMember {
  id: number;
  team: number;
  user: string;
  role_in_team: 'lead' | 'representative' | 'backup';
  since: string | null;
  until: string | null;
}

export interface CompositionRule {
  id: number;
  department: string;
  minimum: number;
  recommended: number | null;
  responsibility: string | null;
}

export interface Duty {
  id: number;
  department: string;
  title_zh: string;
  title_en: string | null;
  description: string | null;
  sort: number | null;
}

export interface Authority {
  id: number;
  department: string;
  title_zh: string;
  title_en: string | null;
  capability: string;
  sort: number | null;
}

export interface Notice {
  id: number;
  title: string;
  level: 'important' | 'urgent' | 'reminder';
  body: string | null;
  published_at: string | null;
  expires_at: string | null;
  author: string | null;
}

export interface Customer {
  id: number;
  name: string;
  tier: string | null;
  team: number | null;
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  address: string | null;
}

export interface Case {
  id: number;
  title: string;
  workflow: number;
  state: number | null;
  customer: number;
  team: number | null;
  priority: string | null;
  description: string | null;
  resolution_note: string | null;
  reopened_count: number;
}

export interface Workflow {
  id: number;
  key: string;
  case_type: string;
}

/** A cc_case_events row as the API returns it. */
export interface CaseEvent {
  id: number;
  case: number;
  from_state: number | null;
  to_state: number;
  transition: number | null;
  actor: string | null;
  actor_department: string | null;
  is_handoff: boolean;
  is_override: boolean;
  note: string | null;
  occurred_at: string;
}

export interface Schema {
  cc_notices: Notice[];
  cc_customers: Customer[];
  cc_cases: Case[];
  cc_workflows: Workflow[];
  cc_departments: Department[];
  cc_teams: Team[];
  cc_team_members: TeamMember[];
  cc_composition_rules: CompositionRule[];
  cc_duties: Duty[];
  cc_authorities: Authority[];
  directus_users: { cc_department: string | null };
}
