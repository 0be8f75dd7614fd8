import { beforeAll, describe, expect, it } from 'vitest';
import { ROLE_IDS } from '../../src/access/model.ts';
import { DASHBOARDS } from '../../src/insights/dashboards.ts';
import { TEST_STAFF_PASSWORD, createStaff, http, rawAdmin, signIn, type Client, type Json, type StaffUser } from '../harness/concord.ts';

/**
 * The Insights endpoints compute over what the viewer may read — every figure equals what the same
 * viewer gets from Directus's own API — and each seeded dashboard is visible to the people it is for.
 */

const code = (result: { json?: Json | undefined }) => result.json?.errors?.[0]?.extensions?.['code'] as string | undefined;

async function tokenOf(user: StaffUser | Client): Promise<string> {
  const client = 'client' in user ? user.client : user;
  const token = await (client as unknown as { getToken(): Promise<string | null> }).getToken();
  if (!token) throw new Error('no token');
  return token;
}

async function get<T>(token: string, path: string): Promise<T> {
  const result = await http('GET', path, { token });
  if (result.status !== 200) throw new Error(`${path}: ${result.status} ${result.text}`);
  return result.json!.data as T;
}

/** What Directus's own API counts for this viewer. */
async function countVisible(token: string, collection: string, filter: Record<string, unknown>): Promise<number> {
  const rows = await get<Array<{ countDistinct: { id: number | string } }>>(token, `/items/${collection}?aggregate[countDistinct]=id&filter=${encodeURIComponent(JSON.stringify(filter))}`);
  return Number(rows[0]?.countDistinct.id ?? 0);
}

let executive: string;
let serviceHead: StaffUser;
let serviceStaff: StaffUser;
let financeStaff: StaffUser;
let salesStaff: StaffUser;

beforeAll(async () => {
  const email = `insights.exec.${Date.now().toString(36)}@example.com`;
  await rawAdmin('POST', '/users', { email, password: TEST_STAFF_PASSWORD, first_name: 'Exec', last_name: 'Insights', role: ROLE_IDS.executive });
  executive = await tokenOf(await signIn(email, TEST_STAFF_PASSWORD));
  [serviceHead, serviceStaff, financeStaff, salesStaff] = await Promise.all([
    createStaff('service', { head: true, label: 'insights.svchead' }),
    createStaff('service', { label: 'insights.svc' }),
    createStaff('finance', { label: 'insights.fin' }),
    createStaff('sales', { label: 'insights.sales' }),
  ]);
});

const PERIOD = 'starts_on=2026-01-01&ends_on=2026-12-01';

describe('handoff flow', () => {
  it('counts, for each viewer, exactly the handoffs they can read through the API', async () => {
    for (const token of [executive, await tokenOf(serviceStaff), await tokenOf(financeStaff)]) {
      const flow = await get<{ period: { start: string; end: string }; pairs: Array<{ handoffs: number }> }>(token, `/concord/insights/handoffs?${PERIOD}`);
      const visible = await countVisible(token, 'cc_case_events', { _and: [{ is_handoff: { _eq: true } }, { is_override: { _neq: true } }, { occurred_at: { _gte: flow.period.start } }, { occurred_at: { _lt: flow.period.end } }] });
      expect(flow.pairs.reduce((n, p) => n + p.handoffs, 0)).toBe(visible);
    }
    // A finance member owns no state and sits on no team: nothing to see.
    expect((await get<{ pairs: unknown[] }>(await tokenOf(financeStaff), `/concord/insights/handoffs?${PERIOD}`)).pairs).toEqual([]);
  });

  it('agrees with the stored communication score of a published cycle on what a department received', async () => {
    const [cycle] = await rawAdmin<Array<{ id: number; starts_on: string; ends_on: string }>>('GET', '/items/cc_evaluation_cycles?filter[status][_eq]=published&filter[period_kind][_eq]=monthly&filter[starts_on][_gte]=2026-01-01&sort=-starts_on&limit=1');
    const [stored] = await rawAdmin<Array<{ raw: { handoffs: number; within_sla_share: number | null } }>>('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${cycle!.id}&filter[department][_eq]=service&filter[dimension][_eq]=communication`);
    const flow = await get<{ pairs: Array<{ to: string; handoffs: number; handoffs_with_sla: number; within_sla: number }> }>(executive, `/concord/insights/handoffs?starts_on=${cycle!.starts_on}&ends_on=${cycle!.ends_on}&scope_kind=department&scope=service`);
    const received = flow.pairs.filter((p) => p.to === 'service');
    expect(received.reduce((n, p) => n + p.handoffs, 0)).toBe(stored!.raw.handoffs);
    const withSla = received.reduce((n, p) => n + p.handoffs_with_sla, 0);
    const within = received.reduce((n, p) => n + p.within_sla, 0);
    expect(withSla === 0 ? null : within / withSla).toBeCloseTo(stored!.raw.within_sla_share ?? Number.NaN, 12);
  });

  it('refuses a bad scope or period with a code, and a visitor without a login', async () => {
    expect(code(await http('GET', '/concord/insights/handoffs?scope_kind=planet', { token: executive }))).toBe('INVALID_PAYLOAD');
    expect(code(await http('GET', '/concord/insights/handoffs?scope_kind=team&scope=abc', { token: executive }))).toBe('INVALID_PAYLOAD');
    expect(code(await http('GET', '/concord/insights/handoffs?starts_on=2026-12-01&ends_on=2026-01-01', { token: executive }))).toBe('INVALID_PERIOD');
    expect((await http('GET', '/concord/insights/handoffs', {})).status).toBe(403);
  });
});

describe('SLA board', () => {
  it('shows each viewer the open cases they can open, and no more', async () => {
    for (const token of [executive, await tokenOf(serviceStaff), await tokenOf(salesStaff)]) {
      const board = await get<{ states: Array<{ open: number }> }>(token, '/concord/insights/sla');
      expect(board.states.reduce((n, s) => n + s.open, 0)).toBe(await countVisible(token, 'cc_cases', { state: { is_terminal: { _eq: false } } }));
    }
  });
});

describe('satisfaction trend', () => {
  it('counts the CSAT answers the viewer can read, month by month', async () => {
    for (const token of [executive, await tokenOf(serviceStaff)]) {
      const trend = await get<{ months: Array<{ responses: number }> }>(token, `/concord/insights/satisfaction?${PERIOD}`);
      const visible = await countVisible(token, 'cc_survey_responses', { _and: [{ survey: { kind: { _eq: 'csat' } } }, { csat: { _nnull: true } }, { responded_at: { _gte: '2025-12-31T16:00:00Z' } }, { responded_at: { _lt: '2026-11-30T16:00:00Z' } }] });
      expect(trend.months.reduce((n, m) => n + m.responses, 0)).toBe(visible);
    }
  });
});

describe('budget vs actual', () => {
  it('sums only the expenses the viewer may read: all for finance, their own department for a head, nothing for other staff', async () => {
    const filter = (department?: string) => ({ _and: [{ kind: { _eq: 'expense' } }, { occurred_on: { _gte: '2026-01-01' } }, { occurred_on: { _lt: '2026-12-01' } }, ...(department ? [{ department: { _eq: department } }] : [])] });
    const sumOf = async (token: string, department?: string) => {
      const rows = await get<Array<{ sum: { amount: number | null } }>>(token, `/items/cc_transactions?aggregate[sum]=amount&filter=${encodeURIComponent(JSON.stringify(filter(department)))}`);
      return Number(rows[0]?.sum.amount ?? 0);
    };
    const finance = await get<{ totals: { expense: number } }>(await tokenOf(financeStaff), `/concord/insights/budget?${PERIOD}`);
    expect(finance.totals.expense).toBeCloseTo(await sumOf(await tokenOf(financeStaff)), 2);
    expect(finance.totals.expense).toBeGreaterThan(0);
    const head = await get<{ totals: { expense: number } }>(await tokenOf(serviceHead), `/concord/insights/budget?${PERIOD}&scope_kind=department&scope=service`);
    expect(head.totals.expense).toBeCloseTo(await sumOf(await tokenOf(serviceHead), 'service'), 2);
    const other = await get<{ readable: boolean; totals: { expense: number; budget: number } }>(await tokenOf(salesStaff), `/concord/insights/budget?${PERIOD}`);
    expect(other.readable ? other.totals : { expense: 0, budget: 0 }).toMatchObject({ expense: 0, budget: 0 });
  });
});

describe('trend and improvement actions', () => {
  it('draw only published scores the viewer may read, equal to the stored ones', async () => {
    const trend = await get<{ cycles: Array<{ id: number }>; series: Array<{ scope_kind: string; scope: string | number; dimension: string; points: Array<number | null> }> }>(
      await tokenOf(serviceStaff),
      '/concord/insights/trend?period_kind=monthly',
    );
    expect(trend.series.length).toBeGreaterThan(0);
    expect(trend.series.every((s) => s.scope_kind === 'team' || s.scope === 'service')).toBe(true);
    const overall = trend.series.find((s) => s.scope === 'service' && s.dimension === 'overall')!;
    const lastCycle = trend.cycles.at(-1)!.id;
    const [stored] = await rawAdmin<Array<{ score: number | null }>>('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${lastCycle}&filter[department][_eq]=service&filter[dimension][_eq]=overall`);
    expect(overall.points.at(-1)).toBe(stored!.score);
  });

  it('count each status the way the API counts it for the viewer', async () => {
    for (const token of [executive, await tokenOf(serviceHead)]) {
      const report = await get<{ summary: Array<{ proposed: number; in_progress: number; done: number; dropped: number }> }>(token, '/concord/insights/actions');
      const total = report.summary.reduce((n, s) => n + s.proposed + s.in_progress + s.done + s.dropped, 0);
      expect(total).toBe(await countVisible(token, 'cc_improvement_actions', {}));
    }
  });
});

describe('access', () => {
  it('is full exactly for the scopes the viewer may read, as GET /insights/me lists them', async () => {
    const lead = await createStaff('tech', { label: 'insights.access.lead' });
    await rawAdmin('POST', '/items/cc_teams', { name: `洞察范围团队 ${Date.now()}`, lead: lead.id, members: [{ user: lead.id, role_in_team: 'lead' }] });
    type Me = { readable: { company: boolean; departments: string[]; teams: number[] }; departments: Array<{ code: string }>; all_teams: Array<{ id: number; status: string }> };
    let fulls = 0;
    let nones = 0;
    for (const token of [executive, await tokenOf(serviceHead), await tokenOf(serviceStaff), await tokenOf(financeStaff), await tokenOf(lead)]) {
      const me = await get<Me>(token, '/concord/insights/me');
      // Their own teams, a few others, and an archived one if there is one.
      const teams = new Set([...me.readable.teams, ...me.all_teams.slice(0, 2).map((t) => t.id), ...me.all_teams.filter((t) => t.status === 'archived').slice(0, 1).map((t) => t.id)]);
      const scopes: Array<[query: string, readable: boolean]> = [
        ['scope_kind=company', me.readable.company],
        ...me.departments.map((d): [string, boolean] => [`scope_kind=department&scope=${d.code}`, me.readable.departments.includes(d.code)]),
        ['scope_kind=department&scope=no_such_department', false],
        ...[...teams].map((id): [string, boolean] => [`scope_kind=team&scope=${id}`, me.readable.teams.includes(id)]),
      ];
      for (const [query, readable] of scopes) {
        const result = await http('GET', `/concord/insights/actions?${query}`, { token });
        expect((result.json as { access?: string } | undefined)?.access, query).toBe(readable ? 'full' : 'none');
        // The trend shares the check; asked for a readable scope and for one that does not exist.
        if (query !== 'scope_kind=company' && (readable || query.endsWith('no_such_department'))) {
          const trend = await http('GET', `/concord/insights/trend?${query}`, { token });
          expect((trend.json as { access?: string } | undefined)?.access, `trend ${query}`).toBe(readable ? 'full' : 'none');
        }
        if (readable) fulls += 1;
        else nones += 1;
      }
    }
    expect(fulls).toBeGreaterThan(5);
    expect(nones).toBeGreaterThan(5);
  });
});

describe('the seeded dashboards', () => {
  const named = (key: string) => DASHBOARDS.find((d) => d.id.length > 0 && d.name.startsWith(key))!;

  it('are each visible to the people they are for, with their panels', async () => {
    const lead = await createStaff('tech', { label: 'insights.lead' });
    const team = await rawAdmin<{ id: number }>('POST', '/items/cc_teams', { name: `洞察测试团队 ${Date.now()}`, lead: lead.id, members: [{ user: lead.id, role_in_team: 'lead' }] });
    expect(team.id).toBeGreaterThan(0);
    const publisher = await createStaff('hr', { label: 'insights.hr' });
    const seen = async (user: StaffUser | string) => {
      const token = typeof user === 'string' ? user : await tokenOf(user);
      const dashboards = await get<Array<{ name: string }>>(token, '/dashboards?fields=name&limit=-1');
      return dashboards.map((d) => d.name.split(' ')[0]).sort();
    };
    await expect.poll(async () => seen(lead), { timeout: 5000 }).toEqual(['团队看板', '跨部门协同概览'].sort());
    expect(await seen(serviceHead)).toEqual(['跨部门协同概览', '部门看板'].sort());
    expect(await seen(serviceStaff)).toEqual(['跨部门协同概览']);
    expect(await seen(publisher)).toEqual(['评估与改进', '跨部门协同概览'].sort());
    expect(await seen(executive)).toEqual(['协同总览', '团队看板', '评估与改进', '跨部门协同概览', '部门看板'].sort());
    const panels = await get<Array<{ type: string }>>(await tokenOf(serviceHead), `/panels?filter[dashboard][_eq]=${named('部门看板').id}&fields=type&limit=-1`);
    expect(panels.map((p) => p.type).sort()).toEqual(named('部门看板').panels.map((p) => p.type).sort());
    expect(await get<unknown[]>(await tokenOf(serviceStaff), `/panels?filter[dashboard][_eq]=${named('协同总览').id}&limit=-1`)).toEqual([]);
  });
});
