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

export interface Schema {
  cc_departments: Department[];
  cc_teams: Team[];
  cc_team_members: TeamMember[];
  cc_composition_rules: CompositionRule[];
  cc_duties: Duty[];
  cc_authorities: Authority[];
  directus_users: { cc_department: string | null };
}
