import { beforeAll, describe, expect, it } from 'vitest';
import { concord, createStaff, http, rawAdmin, testDb, type Json, type StaffUser } from '../harness/concord.ts';

/**
 * Read-then-decide rules under concurrent writes. Each race is run several rounds; whatever order
 * the server picks, the stored result keeps the rule (an active team never has a department below
 * its minimum because of a change), and every loser gets a refusal with a code, not a 500.
 */

const TAG = `advx-${Date.now().toString(36)}`;
const MINIMUMS: Record<string, number> = { marketing: 2, sales: 2, service: 2, tech: 2, hr: 1 };
const code = (result: { json?: Json | undefined }) => result.json?.errors?.[0]?.extensions?.['code'] as string | undefined;
const admin = () => concord().adminToken;

let staff: Record<string, StaffUser[]>;
let hr: StaffUser;

async function tokenOf(user: StaffUser): Promise<string> {
  const token = await (user.client as unknown as { getToken(): Promise<string | null> }).getToken();
  if (!token) throw new Error('no token');
  return token;
}

beforeAll(async () => {
  staff = {};
  for (const [department, minimum] of Object.entries(MINIMUMS)) {
    staff[department] = await Promise.all(Array.from({ length: minimum + 2 }, (_, i) => createStaff(department, { label: `${TAG}.${department}${i}` })));
  }
  hr = staff['hr']![0]!;
});

/** A team with every department at its minimum, and `extraTech` more technologists. */
async function team(status: 'forming' | 'active', extraTech = 0): Promise<{ id: number; tech: number[] }> {
  const members = Object.entries(MINIMUMS).flatMap(([department, minimum]) =>
    staff[department]!.slice(0, minimum + (department === 'tech' ? extraTech : 0)).map((user) => ({ user: user.id, role_in_team: 'representative' })),
  );
  const created = await rawAdmin<{ id: number }>('POST', '/items/cc_teams', { name: `${TAG} ${status} ${Math.random().toString(36).slice(2, 7)}`, status, members });
  const techIds = new Set(staff['tech']!.map((u) => u.id));
  const rows = await rawAdmin<Array<{ id: number; user: string }>>('GET', `/items/cc_team_members?filter[team][_eq]=${created.id}&fields=id,user&limit=-1`);
  return { id: created.id, tech: rows.filter((row) => techIds.has(row.user)).map((row) => row.id) };
}

async function currentTech(teamId: number): Promise<number> {
  const assessment = await rawAdmin<{ lines: Array<{ department: string; members: number }> }>('GET', `/concord/teams/${teamId}/composition`);
  return assessment.lines.find((line) => line.department === 'tech')!.members;
}

/** Outcomes of parallel requests: how many succeeded, and the codes of the rest. */
function tally(results: Array<{ status: number; json?: Json | undefined }>) {
  const ok = results.filter((r) => r.status < 300).length;
  const codes = results.filter((r) => r.status >= 300).map((r) => `${r.status} ${code(r)}`);
  return { ok, codes };
}

describe('members of an active team removed in parallel', () => {
  it('four parallel DELETEs of four technologists (minimum 2): exactly two succeed, in each of four rounds', async () => {
    const token = await tokenOf(hr);
    for (let round = 0; round < 4; round += 1) {
      const { id, tech } = await team('active', 2);
      const results = await Promise.all(tech.map((member) => http('DELETE', `/items/cc_team_members/${member}`, { token })));
      const { ok, codes } = tally(results);
      expect({ round, ok, codes }).toEqual({ round, ok: 2, codes: ['422 COMPOSITION_BELOW_MINIMUM', '422 COMPOSITION_BELOW_MINIMUM'] });
      expect(await currentTech(id)).toBe(2);
    }
  });

  it('four parallel PATCH {until: yesterday}: exactly two succeed, in each of four rounds', async () => {
    const token = await tokenOf(hr);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    for (let round = 0; round < 4; round += 1) {
      const { id, tech } = await team('active', 2);
      const results = await Promise.all(tech.map((member) => http('PATCH', `/items/cc_team_members/${member}`, { token, body: { until: yesterday } })));
      const { ok, codes } = tally(results);
      expect({ round, ok, codes }).toEqual({ round, ok: 2, codes: ['422 COMPOSITION_BELOW_MINIMUM', '422 COMPOSITION_BELOW_MINIMUM'] });
      expect(await currentTech(id)).toBe(2);
    }
  });

  it('a batch DELETE and a single DELETE racing on the same team leave it at its minimum', async () => {
    const token = await tokenOf(hr);
    for (let round = 0; round < 3; round += 1) {
      const { id, tech } = await team('active', 1);
      const results = await Promise.all([
        http('DELETE', '/items/cc_team_members', { token, body: [tech[0], tech[1]] }),
        http('DELETE', `/items/cc_team_members/${tech[2]}`, { token }),
      ]);
      expect(results.every((r) => r.status < 500)).toBe(true);
      expect(await currentTech(id)).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('activating a team while a member is removed', () => {
  it('never lets both through: the team ends forming, or active with every minimum met (four rounds)', async () => {
    const token = await tokenOf(hr);
    for (let round = 0; round < 4; round += 1) {
      const { id, tech } = await team('forming');
      const [activate, remove] = await Promise.all([
        http('PATCH', `/items/cc_teams/${id}`, { token, body: { status: 'active' } }),
        http('DELETE', `/items/cc_team_members/${tech[0]}`, { token }),
      ]);
      expect(activate.status < 300 && remove.status < 300, `round ${round}: both succeeded`).toBe(false);
      expect([activate, remove].filter((r) => r.status >= 300).map((r) => `${r.status} ${code(r)}`)).toEqual(['422 COMPOSITION_BELOW_MINIMUM']);
      const stored = await rawAdmin<{ status: string }>('GET', `/items/cc_teams/${id}?fields=status`);
      const composition = await rawAdmin<{ satisfied: boolean }>('GET', `/concord/teams/${id}/composition`);
      expect(stored.status === 'forming' || composition.satisfied).toBe(true);
    }
  });
});

describe('admin changes under an active team', () => {
  it('raising a minimum above what an active team has is refused, and the rule is unchanged', async () => {
    await team('active');
    const [rule] = await rawAdmin<Array<{ id: number; minimum: number }>>('GET', '/items/cc_composition_rules?filter[department][_eq]=tech&fields=id,minimum');
    const raised = await http('PATCH', `/items/cc_composition_rules/${rule!.id}`, { token: admin(), body: { minimum: 3 } });
    expect([raised.status, code(raised)]).toEqual([422, 'COMPOSITION_BELOW_MINIMUM']);
    expect((await rawAdmin<{ minimum: number }>('GET', `/items/cc_composition_rules/${rule!.id}?fields=minimum`)).minimum).toBe(rule!.minimum);
  });

  it('a new rule an active team does not meet is refused, and nothing is written', async () => {
    await team('active');
    const created = await http('POST', '/items/cc_composition_rules', { token: admin(), body: { department: 'finance', minimum: 1 } });
    expect([created.status, code(created)]).toEqual([422, 'COMPOSITION_BELOW_MINIMUM']);
    expect(await rawAdmin<unknown[]>('GET', '/items/cc_composition_rules?filter[department][_eq]=finance&fields=id')).toEqual([]);
  });

  it("moving a team's technologist to another department is refused, and the person keeps theirs", async () => {
    const { tech } = await team('active');
    const [row] = await rawAdmin<Array<{ user: string }>>('GET', `/items/cc_team_members?filter[id][_eq]=${tech[0]}&fields=user`);
    const moved = await http('PATCH', `/users/${row!.user}`, { token: admin(), body: { cc_department: 'sales' } });
    expect([moved.status, code(moved)]).toEqual([422, 'COMPOSITION_BELOW_MINIMUM']);
    expect((await rawAdmin<{ cc_department: string }>('GET', `/users/${row!.user}?fields=cc_department`)).cc_department).toBe('tech');
  });

  it('a change that improves a team already below its minimum is allowed, and one that keeps its gap as it is too', async () => {
    const { id, tech } = await team('active');
    // A membership ran out: the team is active with one technologist (a fixture the API rightly refuses).
    await testDb()('cc_team_members').where('id', tech[0]).update({ until: '2020-01-01' });
    expect(await currentTech(id)).toBe(1);
    const token = await tokenOf(hr);
    const [sales] = await rawAdmin<Array<{ id: number }>>('GET', `/items/cc_team_members?filter[team][_eq]=${id}&filter[user][cc_department][_eq]=sales&fields=id&limit=1`);
    // Sales stays at its minimum by a swap; tech's gap is untouched.
    const spare = staff['sales']![3]!;
    const swap = await http('PATCH', `/items/cc_teams/${id}`, { token, body: { members: { create: [{ user: spare.id, role_in_team: 'representative' }], update: [], delete: [sales!.id] } } });
    expect(swap.status).toBe(200);
    // Renewing the lapsed membership narrows the gap.
    const renewed = await http('PATCH', `/items/cc_team_members/${tech[0]}`, { token, body: { until: null } });
    expect(renewed.status).toBe(200);
    expect(await currentTech(id)).toBe(2);
  });
});
