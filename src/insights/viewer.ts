import type { Knex } from 'knex';
import type { ServiceContext } from '../directus/services.ts';
import type { InsightScope } from './query.ts';
import { readsWholeCollection } from './visibility.ts';
import { dateOf } from '../evaluation/sql.ts';

/**
 * Who is looking, in Concord's terms, so a panel set to "my department" or "my team" knows which
 * scope that is: the viewer's department (and whether they head it), the teams they belong to or
 * lead, and the departments and teams there are (names are readable by all staff).
 */
export interface Viewer {
  user: string | null;
  department: string | null;
  heads: string[];
  teams: Array<{ id: number; name: string; lead: boolean }>;
  departments: Array<{ code: string; name_zh: string; name_en: string | null }>;
  all_teams: Array<{ id: number; name: string; status: string }>;
  /**
   * The scopes whose figures the viewer may read, as the published scores' permission says
   * (src/access/model.ts, MY_SCOPES): their own department, the departments they head and their
   * teams; all of them and the company for whoever reads every case (executives, admins). The
   * dashboards' scope picker offers exactly these.
   */
  readable: { company: boolean; departments: string[]; teams: number[] };
  /** The month of the latest published monthly evaluation (its first day): where dashboards start. */
  latest_month: string | null;
}

/** Whether the viewer may read a scope's figures: `none` when not, `full` when they may. */
export function accessTo(viewer: Viewer, scope: InsightScope): 'full' | 'none' {
  if (scope.kind === 'company') return viewer.readable.company ? 'full' : 'none';
  if (scope.kind === 'department') return viewer.readable.departments.includes(scope.key) ? 'full' : 'none';
  return viewer.readable.teams.includes(scope.key) ? 'full' : 'none';
}

/**
 * `accessTo(await viewerOf(ctx), scope)` with only the look-ups that one scope needs: a panel's
 * endpoint asks it on every request, and the whole Viewer (names, every team, the latest month)
 * is for the scope picker, which asks GET /insights/me once per dashboard.
 */
export async function accessOf(ctx: ServiceContext & { db: Knex }, scope: InsightScope): Promise<'full' | 'none'> {
  const { db } = ctx;
  const user = ctx.accountability?.user ?? null;
  const count = async (query: Knex.QueryBuilder) => Number(((await query) as Array<{ n: unknown }>)[0]?.n ?? 0);
  if (await readsWholeCollection(db, ctx.accountability, 'cc_cases')) {
    if (scope.kind === 'company') return 'full';
    if (scope.kind === 'department') return (await count(db('cc_departments').count({ n: '*' }).where('code', scope.key))) > 0 ? 'full' : 'none';
    // Every team not archived (as viewerOf's readable.teams: a team without a status counts).
    return (await count(db('cc_teams').count({ n: '*' }).where('id', scope.key).andWhere((q) => q.whereNull('status').orWhereNot('status', 'archived')))) > 0 ? 'full' : 'none';
  }
  if (scope.kind === 'company' || !user) return 'none';
  if (scope.kind === 'department') {
    // Their own department, or one they head.
    const [mine, headed] = await Promise.all([
      count(db('directus_users').count({ n: '*' }).where({ id: user, cc_department: scope.key })),
      count(db('cc_departments').count({ n: '*' }).where({ code: scope.key, head: user })),
    ]);
    return mine + headed > 0 ? 'full' : 'none';
  }
  // A team they belong to or lead, not archived.
  const teams = await count(
    db('cc_teams as t')
      .count({ n: '*' })
      .where('t.id', scope.key)
      .whereNot('t.status', 'archived')
      .andWhere((q) => q.where('t.lead', user).orWhereExists(db('cc_team_members as m').select(db.raw('1')).whereRaw('?? = ??', ['m.team', 't.id']).andWhere('m.user', user))),
  );
  return teams > 0 ? 'full' : 'none';
}

export async function viewerOf(ctx: ServiceContext & { db: Knex }): Promise<Viewer> {
  const user = ctx.accountability?.user ?? null;
  const [me, heads, memberships, led, departments, teams] = await Promise.all([
    user ? ctx.db('directus_users').first('cc_department').where('id', user) : Promise.resolve(undefined),
    user ? ctx.db('cc_departments').select('code').where('head', user) : Promise.resolve([]),
    user ? ctx.db('cc_team_members as m').join('cc_teams as t', 't.id', 'm.team').distinct('t.id', 't.name').where('m.user', user).whereNot('t.status', 'archived') : Promise.resolve([]),
    user ? ctx.db('cc_teams').select('id', 'name').where('lead', user).whereNot('status', 'archived') : Promise.resolve([]),
    ctx.db('cc_departments').select('code', 'name_zh', 'name_en').orderBy(['sort', 'code']),
    ctx.db('cc_teams').select('id', 'name', 'status').orderBy('id'),
  ]);
  const mine = new Map<number, { id: number; name: string; lead: boolean }>();
  for (const t of memberships as Array<{ id: number; name: string }>) mine.set(Number(t.id), { id: Number(t.id), name: t.name, lead: false });
  for (const t of led as Array<{ id: number; name: string }>) mine.set(Number(t.id), { id: Number(t.id), name: t.name, lead: true });
  const department = (me?.cc_department as string | null | undefined) ?? null;
  const headed = (heads as Array<{ code: string }>).map((h) => h.code);
  const everything = await readsWholeCollection(ctx.db, ctx.accountability, 'cc_cases');
  const latest = await ctx.db('cc_evaluation_cycles').first('starts_on').where({ status: 'published', period_kind: 'monthly' }).orderBy('starts_on', 'desc');
  const activeTeams = teams.filter((t: { status: string }) => t.status !== 'archived').map((t: { id: number }) => Number(t.id));
  return {
    user,
    department,
    heads: headed,
    // Leads first: "my team" on a lead's dashboard is the team they lead.
    teams: [...mine.values()].sort((a, b) => Number(b.lead) - Number(a.lead) || a.id - b.id),
    departments,
    all_teams: teams.map((t: { id: number; name: string; status: string }) => ({ id: Number(t.id), name: t.name, status: t.status })),
    readable: everything
      ? { company: true, departments: departments.map((d: { code: string }) => d.code), teams: activeTeams }
      : {
          company: false,
          departments: [...new Set([...(department ? [department] : []), ...headed])],
          teams: [...mine.keys()],
        },
    latest_month: latest ? (dateOf(latest.starts_on) ?? null) : null,
  };
}
