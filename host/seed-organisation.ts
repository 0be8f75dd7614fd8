import type { AdminApi } from './admin-api.ts';
import { DEPARTMENTS } from '../src/organisation/reference-data.ts';
import { DEMO_PEOPLE, DEMO_TEAMS } from '../src/organisation/demo-organisation.ts';
import { ROLE_IDS } from '../src/access/model.ts';
import { stableId } from '../src/access/stable-id.ts';

/**
 * Departments, Table 1 rules and Table 2 duties/authorities: each department is seeded once, the
 * first time its code is missing; afterwards the rows are the admins' to change.
 */
export async function seedReferenceData(api: AdminApi): Promise<void> {
  const existing = new Set((await api.get<Array<{ code: string }>>('/items/cc_departments', { fields: 'code', limit: -1 })).map((d) => d.code));
  for (const [index, department] of DEPARTMENTS.entries()) {
    if (existing.has(department.code)) continue;
    await api.post('/items/cc_departments', {
      code: department.code,
      name_zh: department.name_zh,
      name_en: department.name_en,
      color: department.color,
      sort: index + 1,
    });
    if (department.minimum !== null) {
      await api.post('/items/cc_composition_rules', {
        department: department.code,
        minimum: department.minimum,
        recommended: department.recommended,
        responsibility: department.responsibility,
      });
    }
    await api.post(
      '/items/cc_duties',
      department.duties.map(([title_zh, title_en], sort) => ({ department: department.code, title_zh, title_en, sort: sort + 1 })),
    );
    await api.post(
      '/items/cc_authorities',
      department.authorities.map(([title_zh, title_en, capability], sort) => ({ department: department.code, title_zh, title_en, capability, sort: sort + 1 })),
    );
  }
}

export interface DemoLogin {
  email: string;
  name: string;
  department: string;
  title: string;
}

/**
 * The demo staff and teams. Each piece is created only if missing, so a start that was cut off
 * half-way completes on the next start; once all demo teams exist nothing is touched again, and
 * what admins changed since stays changed.
 */
export async function seedDemoOrganisation(api: AdminApi, staffPassword: string): Promise<DemoLogin[]> {
  const logins = DEMO_PEOPLE.map((p) => ({ email: p.email, name: `${p.last_name}${p.first_name}`, department: p.department, title: p.title }));
  const teamNames = DEMO_TEAMS.map((t) => t.name);
  const existingTeams = await api.get<Array<{ name: string }>>('/items/cc_teams', { filter: { name: { _in: teamNames } }, fields: 'name', limit: -1 });
  if (existingTeams.length === DEMO_TEAMS.length) return logins;

  const ids = new Map<string, string>();
  const existingUsers = await api.get<Array<{ id: string; email: string }>>('/users', {
    filter: { email: { _in: DEMO_PEOPLE.map((p) => p.email) } },
    fields: 'id,email',
    limit: -1,
  });
  for (const user of existingUsers) ids.set(user.email, user.id);
  for (const person of DEMO_PEOPLE) {
    if (ids.has(person.email)) continue;
    const id = stableId(`demo-user:${person.email}`);
    ids.set(person.email, id);
    await api.post('/users', {
      id,
      email: person.email,
      password: staffPassword,
      first_name: person.first_name,
      last_name: person.last_name,
      title: person.title,
      language: 'zh-CN',
      // Demo addresses are not real mailboxes: in-app notifications only.
      email_notifications: false,
      role: ROLE_IDS.department(person.department),
      cc_department: person.department,
    });
    if (person.head) await api.patch(`/items/cc_departments/${person.department}`, { head: id });
  }
  // Heads and leads get the manager policy from the concord-people hook as they are set below.
  // Members joined two quarters ago, so the generated history has its teams in place.
  const since = new Date(Date.now() - 200 * 86_400_000).toISOString().slice(0, 10);
  const present = new Set(existingTeams.map((t) => t.name));
  for (const team of DEMO_TEAMS) {
    if (present.has(team.name)) continue;
    const created = await api.post<{ id: number }>('/items/cc_teams', {
      name: team.name,
      mission: team.mission,
      lead: ids.get(team.lead),
      status: 'forming',
      members: team.members.map(([email, role_in_team]) => ({ user: ids.get(email), role_in_team, since })),
    });
    // Activation goes through the composition guard like any other; the small third team stays forming.
    if (team.members.length >= 9) await api.patch(`/items/cc_teams/${created.id}`, { status: 'active' });
  }
  return logins;
}
