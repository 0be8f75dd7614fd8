import { createItem, deleteItem, readItems, updateItem, updateItems } from '@directus/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminClient, concord, createStaff, http, rawAdmin, refusal, tokenOf, type StaffUser } from '../harness/concord.ts';

/**
 * Table 1 as enforced by the server: a team becomes active only when every department meets its
 * minimum, on every write path, and a refusal leaves nothing behind.
 */

type Team = { id: number; name: string; status: string };
const MINIMUMS: Record<string, number> = { marketing: 2, sales: 2, service: 2, tech: 2, hr: 1 };

let staff: Record<string, StaffUser[]>;
let hr: StaffUser;

beforeAll(async () => {
  staff = {};
  for (const [department, minimum] of Object.entries(MINIMUMS)) {
    staff[department] = [];
    for (let i = 0; i < minimum + 1; i += 1) staff[department].push(await createStaff(department));
  }
  hr = staff['hr']![0]!;
});

/** Member rows giving each department `counts[d]` people (default: its minimum). */
function membersFor(counts: Partial<Record<string, number>> = {}) {
  return Object.entries(MINIMUMS).flatMap(([department, minimum]) =>
    staff[department]!.slice(0, counts[department] ?? minimum).map((user) => ({ user: user.id, role_in_team: 'representative' })),
  );
}

async function teamNamed(name: string): Promise<Team | undefined> {
  const rows = (await adminClient().request(readItems('cc_teams', { filter: { name: { _eq: name } }, fields: ['id', 'name', 'status'] } as never))) as Team[];
  return rows[0];
}

async function memberCount(team: number): Promise<number> {
  const rows = await rawAdmin<Array<{ id: number }>>('GET', `/items/cc_team_members?filter[team][_eq]=${team}&fields=id&limit=-1`);
  return rows.length;
}

describe('activating a team', () => {
  it('is refused while a department is below its minimum, naming the departments and numbers', async () => {
    const team = (await adminClient().request(
      createItem('cc_teams', { name: 'T-short', status: 'forming', members: membersFor({ tech: 1, hr: 0 }) } as never),
    )) as Team;
    const refused = await refusal(hr.client.request(updateItem('cc_teams', team.id, { status: 'active' } as never)));
    expect(refused.status).toBe(422);
    expect(refused.code).toBe('COMPOSITION_BELOW_MINIMUM');
    // In the caller's language: the admin has none of their own, so the project's (Chinese).
    expect(refused.message).toContain('技术部现有 1 人,最少需要 2 人');
    expect(refused.message).toContain('人力资源部现有 0 人,最少需要 1 人');
    expect(refused.message).not.toContain('市场部');
    const gaps = refused.extensions?.['gaps'] as Array<{ department: string; shortfall: number }>;
    expect(gaps.map((g) => [g.department, g.shortfall])).toEqual([['tech', 1], ['hr', 1]]);
    expect((await teamNamed('T-short'))?.status).toBe('forming');
  });

  it('is allowed once every department meets its minimum', async () => {
    const team = (await hr.client.request(createItem('cc_teams', { name: 'T-full', status: 'forming', members: membersFor() } as never))) as Team;
    const updated = (await hr.client.request(updateItem('cc_teams', team.id, { status: 'active' } as never))) as Team;
    expect(updated.status).toBe('active');
  });

  it('creating a team already active checks the members in the same payload; a refusal writes neither team nor members', async () => {
    const before = await rawAdmin<unknown[]>('GET', '/items/cc_team_members?fields=id&limit=-1');
    const refused = await refusal(
      hr.client.request(createItem('cc_teams', { name: 'T-born-short', status: 'active', members: membersFor({ sales: 1 }) } as never)),
    );
    expect(refused.code).toBe('COMPOSITION_BELOW_MINIMUM');
    expect(await teamNamed('T-born-short')).toBeUndefined();
    expect(await rawAdmin<unknown[]>('GET', '/items/cc_team_members?fields=id&limit=-1')).toHaveLength(before.length);

    const created = (await hr.client.request(createItem('cc_teams', { name: 'T-born-full', status: 'active', members: membersFor() } as never))) as Team;
    expect(created.status).toBe('active');
    expect(await memberCount(created.id)).toBe(9);
  });

  it('does not count a member who has left or has not joined yet', async () => {
    const past = '2020-01-01';
    const future = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const members = membersFor().map((m, i) => (i === 0 ? { ...m, until: past } : i === 1 ? { ...m, since: future } : m));
    const team = (await hr.client.request(createItem('cc_teams', { name: 'T-dates', status: 'forming', members } as never))) as Team;
    const refused = await refusal(hr.client.request(updateItem('cc_teams', team.id, { status: 'active' } as never)));
    expect(refused.code).toBe('COMPOSITION_BELOW_MINIMUM');
    expect((refused.extensions?.['gaps'] as Array<{ department: string; members: number }>)).toEqual([
      expect.objectContaining({ department: 'marketing', members: 0 }),
    ]);
  });

  it('counts a person once however many rows they have', async () => {
    const doubled = [...membersFor({ tech: 1 }), { user: staff['tech']![0]!.id, role_in_team: 'backup' }];
    const refused = await refusal(hr.client.request(createItem('cc_teams', { name: 'T-double', status: 'active', members: doubled } as never)));
    expect(refused.code).toBe('COMPOSITION_BELOW_MINIMUM');
  });

  it('holds on the batch path: PATCH with keys refuses all and changes none', async () => {
    const good = (await hr.client.request(createItem('cc_teams', { name: 'T-batch-good', members: membersFor() } as never))) as Team;
    const bad = (await hr.client.request(createItem('cc_teams', { name: 'T-batch-bad', members: membersFor({ service: 0 }) } as never))) as Team;
    const refused = await refusal(hr.client.request(updateItems('cc_teams', [good.id, bad.id], { status: 'active' } as never)));
    expect(refused.code).toBe('COMPOSITION_BELOW_MINIMUM');
    expect((await teamNamed('T-batch-good'))?.status).toBe('forming');
    expect((await teamNamed('T-batch-bad'))?.status).toBe('forming');
  });

  it('holds on GraphQL mutations, with the same code', async () => {
    const team = (await adminClient().request(createItem('cc_teams', { name: 'T-graphql', members: membersFor({ marketing: 1 }) } as never))) as Team;
    const response = await fetch(`${concord().url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${concord().adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { update_cc_teams_item(id: ${team.id}, data: { status: "active" }) { id status } }` }),
    });
    const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    expect(body.errors?.[0]?.extensions?.code).toBe('COMPOSITION_BELOW_MINIMUM');
    expect((await teamNamed('T-graphql'))?.status).toBe('forming');
  });
});

describe('changing the members of an active team', () => {
  let team: Team;
  beforeAll(async () => {
    team = (await hr.client.request(createItem('cc_teams', { name: 'T-active-members', status: 'active', members: membersFor() } as never))) as Team;
  });

  async function rowsOf(department: string) {
    const ids = new Set(staff[department]!.map((u) => u.id));
    const rows = await rawAdmin<Array<{ id: number; user: string }>>('GET', `/items/cc_team_members?filter[team][_eq]=${team.id}&fields=id,user&limit=-1`);
    return rows.filter((r) => ids.has(r.user));
  }

  it('refuses removing a representative the department cannot spare; the row stays', async () => {
    const [first] = await rowsOf('hr');
    const refused = await refusal(hr.client.request(deleteItem('cc_team_members', first!.id)));
    expect(refused.code).toBe('COMPOSITION_BELOW_MINIMUM');
    expect(await rowsOf('hr')).toHaveLength(1);
  });

  it('refuses ending a membership through `until`, and through the nested team payload', async () => {
    const [first] = await rowsOf('tech');
    const refused = await refusal(hr.client.request(updateItem('cc_team_members', first!.id, { until: '2020-01-01' } as never)));
    expect(refused.code).toBe('COMPOSITION_BELOW_MINIMUM');
    const nested = await refusal(hr.client.request(updateItem('cc_teams', team.id, { members: { create: [], update: [], delete: [first!.id] } } as never)));
    expect(nested.code).toBe('COMPOSITION_BELOW_MINIMUM');
    const cleared = await refusal(hr.client.request(updateItem('cc_teams', team.id, { members: null } as never)));
    expect(cleared.code).toBe('COMPOSITION_BELOW_MINIMUM');
    expect(await rowsOf('tech')).toHaveLength(2);
  });

  it('refuses scheduling the team below its minimum: `until` tomorrow is refused, from HR and from the lead, naming the day', async () => {
    const lead = await createStaff('sales', { manager: true });
    await rawAdmin('PATCH', `/items/cc_teams/${team.id}`, { lead: lead.id });
    const [only] = await rowsOf('hr');
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    for (const writer of [hr, lead]) {
      const refused = await refusal(writer.client.request(updateItem('cc_team_members', only!.id, { until: day(1) } as never)));
      expect([refused.status, refused.code]).toEqual([422, 'COMPOSITION_BELOW_MINIMUM']);
      expect(refused.extensions?.['from']).toBe(day(2));
      expect(refused.message).toContain(day(2));
    }
    const far = await refusal(hr.client.request(updateItem('cc_team_members', only!.id, { until: day(400) } as never)));
    expect(far.code).toBe('COMPOSITION_BELOW_MINIMUM');
    const stored = await rawAdmin<{ until: string | null }>('GET', `/items/cc_team_members/${only!.id}?fields=until`);
    expect(stored.until).toBeNull();
  });

  it('allows ending a membership when a replacement joins the next day, not a day later', async () => {
    const [only] = await rowsOf('hr');
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const spare = staff['hr']![1]!;
    await hr.client.request(createItem('cc_team_members', { team: team.id, user: spare.id, role_in_team: 'representative', since: day(10) } as never));
    const late = await refusal(hr.client.request(updateItem('cc_team_members', only!.id, { until: day(8) } as never)));
    expect([late.code, late.extensions?.['from']]).toEqual(['COMPOSITION_BELOW_MINIMUM', day(9)]);
    await hr.client.request(updateItem('cc_team_members', only!.id, { until: day(9) } as never));
    const stored = await rawAdmin<{ until: string | null }>('GET', `/items/cc_team_members/${only!.id}?fields=until`);
    expect(stored.until).toBe(day(9));
  });

  it('allows swapping a representative in one nested change', async () => {
    const [first] = await rowsOf('sales');
    const spare = staff['sales']![2]!;
    await hr.client.request(
      updateItem('cc_teams', team.id, { members: { create: [{ user: spare.id, role_in_team: 'representative' }], update: [], delete: [first!.id] } } as never),
    );
    const users = (await rowsOf('sales')).map((r) => r.user);
    expect(users).toContain(spare.id);
    expect(users).not.toContain(first!.user);
  });
});

describe("who may change a team's status", () => {
  it('only team.build holders: a lead may not archive (or re-form) the active team they lead, and edits it otherwise', async () => {
    const lead = await createStaff('marketing', { manager: true });
    const team = (await hr.client.request(createItem('cc_teams', { name: `T-status ${Date.now().toString(36)}`, status: 'active', members: membersFor() } as never))) as Team;
    await rawAdmin('PATCH', `/items/cc_teams/${team.id}`, { lead: lead.id });
    for (const status of ['archived', 'forming']) {
      const refused = await refusal(lead.client.request(updateItem('cc_teams', team.id, { status } as never)));
      expect([refused.status, refused.code, refused.extensions?.['capability']]).toEqual([403, 'MISSING_CAPABILITY', 'team.build']);
    }
    expect((await teamNamed(team.name))?.status).toBe('active');
    const unchanged = (await lead.client.request(updateItem('cc_teams', team.id, { status: 'active', name: `${team.name} 改` } as never))) as Team;
    expect(unchanged.name).toBe(`${team.name} 改`);
    const archived = (await hr.client.request(updateItem('cc_teams', team.id, { status: 'archived' } as never))) as Team;
    expect(archived.status).toBe('archived');
  });
});

describe('who may change members', () => {
  it('a team lead may add members to their own team but not to another team', async () => {
    const lead = await createStaff('sales', { manager: true });
    const own = (await adminClient().request(createItem('cc_teams', { name: 'T-led', lead: lead.id } as never))) as Team;
    const other = (await adminClient().request(createItem('cc_teams', { name: 'T-not-led' } as never))) as Team;
    await lead.client.request(createItem('cc_team_members', { team: own.id, user: staff['tech']![0]!.id, role_in_team: 'representative' } as never));
    expect(await memberCount(own.id)).toBe(1);
    const refused = await refusal(
      lead.client.request(createItem('cc_team_members', { team: other.id, user: staff['tech']![0]!.id, role_in_team: 'representative' } as never)),
    );
    expect(refused.status).toBe(403);
    expect(refused.code).toBe('TEAM_SCOPE');
    expect(await memberCount(other.id)).toBe(0);
  });

  it('plain staff without team.build may not add members at all, and are told why', async () => {
    const seller = staff['sales']![0]!;
    const team = (await adminClient().request(createItem('cc_teams', { name: 'T-closed' } as never))) as Team;
    const refused = await refusal(seller.client.request(createItem('cc_team_members', { team: team.id, user: seller.id } as never)));
    expect(refused.status).toBe(403);
    expect(refused.code).toBe('TEAM_SCOPE');
    expect(await memberCount(team.id)).toBe(0);
  });
});

describe('GET /concord/teams/:id/composition', () => {
  it('returns each rule line with members, minimum and shortfall for a visible team', async () => {
    const team = (await adminClient().request(createItem('cc_teams', { name: 'T-report', members: membersFor({ tech: 1 }) } as never))) as Team;
    const seller = staff['sales']![0]!;
    const report = (await seller.client.request(() => ({ path: `/concord/teams/${team.id}/composition`, method: 'GET' }))) as {
      team: Team;
      lines: Array<{ department: string; members: number; minimum: number; shortfall: number }>;
      canActivate: boolean;
    };
    expect(report.team.name).toBe('T-report');
    expect(report.canActivate).toBe(false);
    expect(report.lines.find((l) => l.department === 'tech')).toMatchObject({ members: 1, minimum: 2, shortfall: 1 });
    expect(report.lines.find((l) => l.department === 'sales')).toMatchObject({ members: 2, minimum: 2, shortfall: 0 });
  });

  it('cannot activate a team whose members are met today but scheduled to fall short, and says from which day', async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const members = membersFor().map((m) => (m.user === staff['hr']![0]!.id ? { ...m, until: day(1) } : m));
    const team = (await adminClient().request(createItem('cc_teams', { name: 'T-scheduled-gap', members } as never))) as Team;
    const report = (await staff['sales']![0]!.client.request(() => ({ path: `/concord/teams/${team.id}/composition`, method: 'GET' }))) as {
      satisfied: boolean;
      canActivate: boolean;
      firstGapOn: string | null;
    };
    expect([report.satisfied, report.canActivate, report.firstGapOn]).toEqual([true, false, day(2)]);
    const refused = await refusal(hr.client.request(updateItem('cc_teams', team.id, { status: 'active' } as never)));
    expect([refused.code, refused.extensions?.['from']]).toEqual(['COMPOSITION_BELOW_MINIMUM', day(2)]);
  });

  it('lists every non-archived team for the panel', async () => {
    const seller = staff['sales']![0]!;
    const list = (await seller.client.request(() => ({ path: '/concord/teams/composition', method: 'GET' }))) as Array<{ team: Team; satisfied: boolean }>;
    const byName = new Map(list.map((entry) => [entry.team.name, entry]));
    expect(byName.get('T-full')?.satisfied).toBe(true);
    expect(byName.get('T-short')?.satisfied).toBe(false);
  });
});

describe('team names', () => {
  const NAME = `T-名称唯一 ${Date.now().toString(36)}`;
  let original: Team;
  beforeAll(async () => {
    original = (await hr.client.request(createItem('cc_teams', { name: NAME, status: 'forming' } as never))) as Team;
  });

  async function teamsNamed(name: string): Promise<number> {
    return (await rawAdmin<unknown[]>('GET', `/items/cc_teams?filter[name][_eq]=${encodeURIComponent(name)}&fields=id&limit=-1`)).length;
  }

  it('are unique: a second team of one name is refused on REST, batch and GraphQL, with the name, and nothing is written', async () => {
    const token = await tokenOf(hr);
    const single = await http('POST', '/items/cc_teams', { token, body: { name: NAME } });
    const batch = await http('POST', '/items/cc_teams', { token, body: [{ name: `${NAME} 新` }, { name: NAME }] });
    const graphql = await http('POST', '/graphql', { token, body: { query: `mutation { create_cc_teams_item(data: { name: ${JSON.stringify(NAME)} }) { id } }` } });
    for (const result of [single, batch, graphql]) {
      const error = result.json?.errors?.[0];
      expect(error?.extensions?.['code']).toBe('DUPLICATE_TEAM_NAME');
      expect(error?.message).toBe(`已经有一个名为“${NAME}”的团队;请换一个名称(例如加上客户或地区),或打开那个团队继续维护。`);
    }
    expect([single.status, batch.status]).toEqual([409, 409]);
    expect(await teamsNamed(NAME)).toBe(1);
    expect(await teamsNamed(`${NAME} 新`)).toBe(0);
  });

  it('are compared as written after trimming: spaces around a taken name do not make it another, and a blank name is refused', async () => {
    const padded = await refusal(hr.client.request(createItem('cc_teams', { name: `  ${NAME}\t` } as never)));
    expect([padded.status, padded.code]).toEqual([409, 'DUPLICATE_TEAM_NAME']);
    const blank = await refusal(hr.client.request(createItem('cc_teams', { name: '   ' } as never)));
    expect([blank.status, blank.code, blank.extensions?.['field']]).toEqual([400, 'INVALID_PAYLOAD', 'name']);
    const spaced = (await hr.client.request(createItem('cc_teams', { name: `  ${NAME} 二组  ` } as never))) as Team;
    expect(spaced.name).toBe(`${NAME} 二组`);
  });

  it('hold on renames: renaming a team to a taken name is refused and it keeps its own', async () => {
    const other = (await hr.client.request(createItem('cc_teams', { name: `${NAME} 改名`, status: 'forming' } as never))) as Team;
    const renamed = await refusal(hr.client.request(updateItem('cc_teams', other.id, { name: NAME } as never)));
    expect([renamed.status, renamed.code]).toEqual([409, 'DUPLICATE_TEAM_NAME']);
    const after = (await adminClient().request(readItems('cc_teams', { filter: { id: { _eq: other.id } }, fields: ['name'] } as never))) as Team[];
    expect(after[0]?.name).toBe(`${NAME} 改名`);
    expect(original.name).toBe(NAME);
  });

  it('are compared as people read them: full-width, zero-width, other spacing or case copies are refused on create and rename', async () => {
    const fullWidth = [...NAME].map((c) => (c >= '!' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c === ' ' ? '\u3000' : c)).join('');
    const copies = [fullWidth, NAME.replace('名称', '名\u200b称'), `\ufeff${NAME}`, NAME.replace(' ', '  '), NAME.toLowerCase()];
    for (const copy of copies) {
      expect(copy).not.toBe(NAME);
      const created = await refusal(hr.client.request(createItem('cc_teams', { name: copy } as never)));
      expect([created.status, created.code], JSON.stringify(copy)).toEqual([409, 'DUPLICATE_TEAM_NAME']);
      expect(created.message).toContain(NAME);
      expect(await teamsNamed(copy)).toBe(0);
    }
    const other = (await hr.client.request(createItem('cc_teams', { name: `${NAME} 另一组` } as never))) as Team;
    const renamed = await refusal(hr.client.request(updateItem('cc_teams', other.id, { name: fullWidth } as never)));
    expect([renamed.status, renamed.code]).toEqual([409, 'DUPLICATE_TEAM_NAME']);
    expect(await teamsNamed(fullWidth)).toBe(0);
    // Its own name in another spelling is no clash with itself.
    const respelled = (await hr.client.request(updateItem('cc_teams', other.id, { name: `${NAME} 另一组`.toLowerCase() } as never))) as Team;
    expect(respelled.name).toBe(`${NAME} 另一组`.toLowerCase());
  });

  it('settle races: five people creating the same new team at once make one team, and the others are told it exists', async () => {
    const name = `${NAME} 并发`;
    const token = await tokenOf(hr);
    const results = await Promise.all(Array.from({ length: 5 }, () => http('POST', '/items/cc_teams', { token, body: { name } })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    for (const refused of results.filter((r) => r.status === 409)) expect(refused.json?.errors?.[0]?.extensions?.['code']).toBe('DUPLICATE_TEAM_NAME');
    expect(await teamsNamed(name)).toBe(1);
  });

  it('settle races between look-alikes: five spellings of one new name created at once make one team', async () => {
    const name = `${NAME} look-alike`;
    const spellings = [name, name.toUpperCase(), name.replace('look', 'lo\u200bok'), name.replace(' ', '\u3000'), name.replace('-', '－')];
    const token = await tokenOf(hr);
    const results = await Promise.all(spellings.map((spelling) => http('POST', '/items/cc_teams', { token, body: { name: spelling } })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    for (const refused of results.filter((r) => r.status === 409)) expect(refused.json?.errors?.[0]?.extensions?.['code']).toBe('DUPLICATE_TEAM_NAME');
    let stored = 0;
    for (const spelling of spellings) stored += await teamsNamed(spelling);
    expect(stored).toBe(1);
  });
});
