import type { Knex } from 'knex';
import type { AdminApi } from './admin-api.ts';
import { DEPARTMENTS } from '../organisation/reference-data.ts';
import { DEMO_EXECUTIVES, DEMO_PEOPLE, DEMO_TEAMS } from '../organisation/demo-organisation.ts';
import { ROLE_IDS } from '../access/model.ts';
import { stableId } from '../access/stable-id.ts';
import { toDbTime } from '../directus/time.ts';

/**
 * Departments, Table 1 rules and Table 2 duties/authorities: each department is seeded the first
 * time its code is missing, whole (the department and its rows in one transaction, so a start cut
 * off half-way leaves none of it); afterwards the rows are the admins' to change. The department
 * is inserted or ignored on its code, so instances seeding at once add it once. Written directly:
 * the department policies that follow from the matrix are generated right after, by applyAccess.
 */
export async function seedReferenceData(db: Knex): Promise<void> {
  const existing = new Set((await db('cc_departments').select('code')).map((d: { code: string }) => d.code));
  for (const [index, department] of DEPARTMENTS.entries()) {
    if (existing.has(department.code)) continue;
    await db.transaction(async (trx) => {
      const now = toDbTime(trx, new Date());
      const inserted = await trx('cc_departments')
        .insert({ code: department.code, name_zh: department.name_zh, name_en: department.name_en, color: department.color, sort: index + 1, date_created: now })
        .onConflict('code')
        .ignore()
        .returning('code');
      if (inserted.length === 0) return;
      if (department.minimum !== null) {
        await trx('cc_composition_rules').insert({
          department: department.code,
          minimum: department.minimum,
          recommended: department.recommended,
          responsibility: department.responsibility,
          date_created: now,
        });
      }
      await trx('cc_duties').insert(department.duties.map(([title_zh, title_en], sort) => ({ department: department.code, title_zh, title_en, sort: sort + 1, date_created: now })));
      await trx('cc_authorities').insert(
        department.authorities.map(([title_zh, title_en, capability], sort) => ({ department: department.code, title_zh, title_en, capability, sort: sort + 1, date_created: now })),
      );
    });
  }
}

export interface DemoLogin {
  email: string;
  name: string;
  department: string;
  title: string;
}

export function demoLogins(): DemoLogin[] {
  return [
    ...DEMO_EXECUTIVES.map((p) => ({ email: p.email, name: `${p.last_name}${p.first_name}`, department: '高管 executive', title: p.title })),
    ...DEMO_PEOPLE.map((p) => ({ email: p.email, name: `${p.last_name}${p.first_name}`, department: p.department, title: p.title })),
  ];
}

/**
 * The demo staff and teams, through the API (passwords are hashed and the people hooks give heads
 * and leads their policy). Runs until the demo is recorded as completed, each piece only if
 * missing, so a start that was cut off half-way completes on the next start; afterwards nothing is
 * touched again, and what admins changed since stays changed.
 */
export async function seedDemoOrganisation(api: AdminApi, staffPassword: string): Promise<void> {
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
  }
  // The executive: the 高管 role, no department; the landing hook sends them to 协同总览.
  const existingExecutives = await api.get<Array<{ email: string }>>('/users', { filter: { email: { _in: DEMO_EXECUTIVES.map((p) => p.email) } }, fields: 'email', limit: -1 });
  for (const person of DEMO_EXECUTIVES) {
    if (existingExecutives.some((u) => u.email === person.email)) continue;
    await api.post('/users', {
      id: stableId(`demo-user:${person.email}`),
      email: person.email,
      password: staffPassword,
      first_name: person.first_name,
      last_name: person.last_name,
      title: person.title,
      language: 'zh-CN',
      email_notifications: false,
      role: ROLE_IDS.executive,
    });
  }
  // Heads and leads get the manager policy from the concord-people hook as they are set below.
  const heads = await api.get<Array<{ code: string; head: string | null }>>('/items/cc_departments', { fields: 'code,head', limit: -1 });
  for (const person of DEMO_PEOPLE.filter((p) => p.head)) {
    if (heads.find((d) => d.code === person.department)?.head === null) await api.patch(`/items/cc_departments/${person.department}`, { head: ids.get(person.email) });
  }
  // Members joined two quarters ago, so the generated history has its teams in place.
  const since = new Date(Date.now() - 200 * 86_400_000).toISOString().slice(0, 10);
  const existingTeams = await api.get<Array<{ id: number; name: string; status: string }>>('/items/cc_teams', {
    filter: { name: { _in: DEMO_TEAMS.map((t) => t.name) } },
    fields: 'id,name,status',
    limit: -1,
  });
  for (const team of DEMO_TEAMS) {
    const created =
      existingTeams.find((t) => t.name === team.name) ??
      (await api.post<{ id: number; status: string }>('/items/cc_teams', {
        name: team.name,
        mission: team.mission,
        lead: ids.get(team.lead),
        status: 'forming',
        members: team.members.map(([email, role_in_team]) => ({ user: ids.get(email), role_in_team, since })),
      }));
    // Activation goes through the composition guard like any other; the small third team stays forming.
    if (team.members.length >= 9 && created.status === 'forming') await api.patch(`/items/cc_teams/${created.id}`, { status: 'active' });
  }
}
