import { createItem, createItems, deleteItem, readItems, updateItem, updateItems, updateItemsBatch } from '@directus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, concord, createStaff, rawAdmin, refusal, type StaffUser, http } from '../harness/concord.ts';

/**
 * The duty/authority matrix (Table 2) against the real server: who may write which rows, on every
 * write path (single, batch, GraphQL), and that a refusal leaves nothing behind.
 *
 * Every row this file writes carries TAG and is removed afterwards; the seeded rows it aims at are
 * only ever targeted by writes that must be refused (and are read back to prove it).
 */

const TAG = `qa${Date.now().toString(36)}`;

interface Duty {
  id: number;
  department: string;
  title_zh: string;
  title_en: string | null;
  description: string | null;
}

interface Authority {
  id: number;
  department: string;
  capability: string;
  title_zh: string;
  title_en: string | null;
}

interface Team {
  id: number;
  name: string;
  status: string;
}

const created = { duties: [] as number[], authorities: [] as number[], teams: [] as number[] };

const call = http;

async function tokenOf(user: StaffUser): Promise<string> {
  const token = await (user.client as unknown as { getToken(): Promise<string | null> }).getToken();
  if (!token) throw new Error(`No access token for ${user.email}`);
  return token;
}

const duty = (id: number) => rawAdmin<Duty>('GET', `/items/cc_duties/${id}?fields=id,department,title_zh,title_en,description`);
const authority = (id: number) => rawAdmin<Authority>('GET', `/items/cc_authorities/${id}?fields=id,department,capability,title_zh,title_en`);

async function dutiesOf(department: string): Promise<Duty[]> {
  return rawAdmin<Duty[]>('GET', `/items/cc_duties?filter[department][_eq]=${department}&fields=id,department,title_zh,title_en,description&limit=-1&sort=id`);
}

async function authoritiesOf(department: string): Promise<Authority[]> {
  return rawAdmin<Authority[]>('GET', `/items/cc_authorities?filter[department][_eq]=${department}&fields=id,department,capability,title_zh,title_en&limit=-1&sort=id`);
}

async function newDuty(department: string, label: string): Promise<Duty> {
  const row = (await adminClient().request(
    createItem('cc_duties', { department, title_zh: `${TAG} ${label}`, title_en: `${TAG} ${label}` } as never),
  )) as unknown as Duty;
  created.duties.push(row.id);
  return duty(row.id);
}

async function newAuthority(department: string, capability: string): Promise<Authority> {
  const row = (await adminClient().request(
    createItem('cc_authorities', { department, capability, title_zh: `${TAG} ${capability}`, title_en: `${TAG} ${capability}` } as never),
  )) as unknown as Authority;
  created.authorities.push(row.id);
  return authority(row.id);
}

let originalSalesHead: string | null = null;
let salesStaff: StaffUser;
let salesHead: StaffUser;

beforeAll(async () => {
  const sales = await rawAdmin<{ head: string | null }>('GET', '/items/cc_departments/sales?fields=head');
  originalSalesHead = sales.head;
  salesStaff = await createStaff('sales', { label: `${TAG}.sales` });
  salesHead = await createStaff('sales', { head: true, label: `${TAG}.saleshead` });
});

afterAll(async () => {
  const admin = adminClient();
  for (const id of created.teams) await admin.request(deleteItem('cc_teams', id as never)).catch(() => undefined);
  for (const id of created.duties) await admin.request(deleteItem('cc_duties', id as never)).catch(() => undefined);
  for (const id of created.authorities) await admin.request(deleteItem('cc_authorities', id as never)).catch(() => undefined);
  // Anything a wrongly accepted write left behind under our tag.
  for (const collection of ['cc_duties', 'cc_authorities']) {
    const rows = await rawAdmin<Array<{ id: number }>>('GET', `/items/${collection}?filter[title_zh][_contains]=${TAG}&fields=id&limit=-1`);
    for (const row of rows) await rawAdmin('DELETE', `/items/${collection}/${row.id}`).catch(() => undefined);
  }
  const teams = await rawAdmin<Array<{ id: number }>>('GET', `/items/cc_teams?filter[name][_contains]=${TAG}&fields=id&limit=-1`);
  for (const team of teams) await rawAdmin('DELETE', `/items/cc_teams/${team.id}`).catch(() => undefined);
  await rawAdmin('PATCH', '/items/cc_departments/sales', { head: originalSalesHead });
});

describe('duties and authorities: plain staff', () => {
  it('cannot update or delete another department’s duty', async () => {
    const marketingDuty = await newDuty('marketing', '市场职责 staff');
    const before = await duty(marketingDuty.id);

    const update = await refusal(salesStaff.client.request(updateItem('cc_duties', marketingDuty.id as never, { title_zh: `${TAG} hijacked` } as never)));
    expect(update).toMatchObject({ status: 403, code: 'FORBIDDEN' });

    const remove = await refusal(salesStaff.client.request(deleteItem('cc_duties', marketingDuty.id as never)));
    expect(remove).toMatchObject({ status: 403, code: 'FORBIDDEN' });

    expect(await duty(marketingDuty.id)).toEqual(before);
  });

  it('cannot update or delete any authority, not even their own department’s', async () => {
    const seededSales = (await authoritiesOf('sales')).find((a) => a.capability === 'sales.plan')!;
    const marketingAuthority = await newAuthority('marketing', `${TAG}.staff_probe`);

    for (const target of [seededSales, marketingAuthority]) {
      const update = await refusal(salesStaff.client.request(updateItem('cc_authorities', target.id as never, { title_en: `${TAG} hijacked` } as never)));
      expect(update).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      const remove = await refusal(salesStaff.client.request(deleteItem('cc_authorities', target.id as never)));
      expect(remove).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      expect(await authority(target.id)).toEqual(target);
    }
  });
});

describe('duties and authorities: a department head', () => {
  it('can update a duty of the department they head', async () => {
    const salesDuty = await newDuty('sales', '销售职责 head');
    await salesHead.client.request(updateItem('cc_duties', salesDuty.id as never, { title_en: `${TAG} renamed by head` } as never));
    expect(await duty(salesDuty.id)).toEqual({ ...salesDuty, title_en: `${TAG} renamed by head` });
  });

  it('cannot update or delete a duty of another department (403 FORBIDDEN)', async () => {
    const marketingDuty = await newDuty('marketing', '市场职责 head');
    const update = await refusal(salesHead.client.request(updateItem('cc_duties', marketingDuty.id as never, { title_zh: `${TAG} hijacked` } as never)));
    expect(update).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    const remove = await refusal(salesHead.client.request(deleteItem('cc_duties', marketingDuty.id as never)));
    expect(remove).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await duty(marketingDuty.id)).toEqual(marketingDuty);
  });

  it('cannot create a duty for another department (403 DEPARTMENT_SCOPE), and nothing is written', async () => {
    const before = await dutiesOf('marketing');
    const refused = await refusal(
      salesHead.client.request(createItem('cc_duties', { department: 'marketing', title_zh: `${TAG} planted duty` } as never)),
    );
    expect(refused.status).toBe(403);
    expect(refused.code).toBe('DEPARTMENT_SCOPE');
    expect(refused.message).toContain('市场部');
    expect(await dutiesOf('marketing')).toEqual(before);
  });

  it('cannot create duties in a batch that reaches into another department; the own-department row is not written either', async () => {
    const salesBefore = await dutiesOf('sales');
    const marketingBefore = await dutiesOf('marketing');
    const refused = await refusal(
      salesHead.client.request(
        createItems('cc_duties', [
          { department: 'sales', title_zh: `${TAG} batch own` },
          { department: 'marketing', title_zh: `${TAG} batch planted` },
        ] as never),
      ),
    );
    expect(refused).toMatchObject({ status: 403, code: 'DEPARTMENT_SCOPE' });
    expect(await dutiesOf('sales')).toEqual(salesBefore);
    expect(await dutiesOf('marketing')).toEqual(marketingBefore);
  });

  it('cannot move a duty of their department to another (403 DEPARTMENT_SCOPE), the row is unchanged', async () => {
    const salesDuty = await newDuty('sales', '销售职责 move');
    for (const department of ['marketing', { code: 'marketing' }]) {
      const refused = await refusal(
        salesHead.client.request(updateItem('cc_duties', salesDuty.id as never, { department, title_en: `${TAG} moved` } as never)),
      );
      expect(refused).toMatchObject({ status: 403, code: 'DEPARTMENT_SCOPE' });
      expect(refused.message).toContain('市场部');
      expect(await duty(salesDuty.id)).toEqual(salesDuty);
    }
  });

  it('cannot create or update authorities at all — capabilities are admin-only (403 FORBIDDEN)', async () => {
    const salesBefore = await authoritiesOf('sales');
    const create = await refusal(
      salesHead.client.request(createItem('cc_authorities', { department: 'sales', capability: `${TAG}.head_grant`, title_zh: `${TAG} head grant` } as never)),
    );
    expect(create).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await authoritiesOf('sales')).toEqual(salesBefore);

    const seeded = salesBefore.find((a) => a.capability === 'sales.execute')!;
    const update = await refusal(salesHead.client.request(updateItem('cc_authorities', seeded.id as never, { title_en: `${TAG} head renamed` } as never)));
    expect(update).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    const recapability = await refusal(
      salesHead.client.request(updateItem('cc_authorities', seeded.id as never, { capability: `${TAG}.head_swap` } as never)),
    );
    expect(recapability).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await authority(seeded.id)).toEqual(seeded);
  });
});

describe('duties: batch write paths', () => {
  it('PATCH /items/cc_duties with an array body touching another department is refused, and no row in the batch changes', async () => {
    const own = await newDuty('sales', '销售职责 batch-array');
    const foreign = await newDuty('marketing', '市场职责 batch-array');
    const refused = await refusal(
      salesHead.client.request(
        updateItemsBatch('cc_duties', [
          { id: own.id, title_en: `${TAG} batch changed` },
          { id: foreign.id, title_en: `${TAG} batch changed` },
        ] as never),
      ),
    );
    expect(refused).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await duty(own.id)).toEqual(own);
    expect(await duty(foreign.id)).toEqual(foreign);
  });

  it('PATCH /items/cc_duties with {keys, data} touching another department is refused, and no row in the batch changes', async () => {
    const own = await newDuty('sales', '销售职责 batch-keys');
    const foreign = await newDuty('marketing', '市场职责 batch-keys');
    const refused = await refusal(
      salesHead.client.request(updateItems('cc_duties', [own.id, foreign.id] as never, { title_en: `${TAG} keys changed` } as never)),
    );
    expect(refused).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await duty(own.id)).toEqual(own);
    expect(await duty(foreign.id)).toEqual(foreign);
  });

  it('PATCH /items/cc_duties with {query, data} matching another department’s duty is refused', async () => {
    const own = await newDuty('sales', '销售职责 batch-query');
    const foreign = await newDuty('marketing', '市场职责 batch-query');
    const refused = await refusal(
      salesHead.client.request(
        updateItems('cc_duties', { filter: { id: { _in: [own.id, foreign.id] } } } as never, { title_en: `${TAG} query changed` } as never),
      ),
    );
    expect(refused).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await duty(own.id)).toEqual(own);
    expect(await duty(foreign.id)).toEqual(foreign);
  });
});

describe('duties: GraphQL', () => {
  const mutation = (id: number, title: string) => ({
    query: `mutation { update_cc_duties_item(id: ${id}, data: { title_zh: ${JSON.stringify(title)} }) { id title_zh } }`,
  });

  it('refuses update_cc_duties_item by plain staff on another department’s duty', async () => {
    const foreign = await newDuty('marketing', '市场职责 graphql-staff');
    const response = await call('POST', '/graphql', { token: await tokenOf(salesStaff), body: mutation(foreign.id, `${TAG} via graphql`) });
    expect(response.json?.errors?.length ?? 0).toBeGreaterThan(0);
    expect((response.json?.data as Record<string, unknown> | undefined)?.['update_cc_duties_item'] ?? null).toBeNull();
    expect(await duty(foreign.id)).toEqual(foreign);
  });

  it('refuses update_cc_duties_item by the sales head on a marketing duty with FORBIDDEN', async () => {
    const foreign = await newDuty('marketing', '市场职责 graphql-head');
    const response = await call('POST', '/graphql', { token: await tokenOf(salesHead), body: mutation(foreign.id, `${TAG} via graphql`) });
    expect(response.json?.errors?.length ?? 0).toBeGreaterThan(0);
    expect(response.json?.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect(await duty(foreign.id)).toEqual(foreign);
  });

  it('refuses create_cc_duties_item by the sales head for marketing with DEPARTMENT_SCOPE', async () => {
    const before = await dutiesOf('marketing');
    const response = await call('POST', '/graphql', {
      token: await tokenOf(salesHead),
      body: { query: `mutation { create_cc_duties_item(data: { department: "marketing", title_zh: "${TAG} graphql planted" }) { id } }` },
    });
    expect(response.json?.errors?.length ?? 0).toBeGreaterThan(0);
    expect(response.json?.errors?.[0]?.extensions?.['code']).toBe('DEPARTMENT_SCOPE');
    expect(await dutiesOf('marketing')).toEqual(before);
  });

  it('lets the sales head update a sales duty through GraphQL', async () => {
    const own = await newDuty('sales', '销售职责 graphql-own');
    const response = await call('POST', '/graphql', { token: await tokenOf(salesHead), body: mutation(own.id, `${TAG} graphql ok`) });
    expect(response.json?.errors).toBeUndefined();
    expect(await duty(own.id)).toEqual({ ...own, title_zh: `${TAG} graphql ok` });
  });
});

describe('capability validation (as admin)', () => {
  it('refuses a capability that is not a key (400 INVALID_CAPABILITY) and writes nothing', async () => {
    const before = await authoritiesOf('finance');
    const refused = await refusal(
      adminClient().request(createItem('cc_authorities', { department: 'finance', capability: 'Not A Key', title_zh: `${TAG} bad key` } as never)),
    );
    expect(refused).toMatchObject({ status: 400, code: 'INVALID_CAPABILITY' });
    expect(await authoritiesOf('finance')).toEqual(before);
  });

  it('refuses a capability the department already holds (409 DUPLICATE_CAPABILITY) and writes nothing', async () => {
    const before = await authoritiesOf('finance');
    expect(before.map((a) => a.capability)).toContain('finance.report');
    const refused = await refusal(
      adminClient().request(createItem('cc_authorities', { department: 'finance', capability: 'finance.report', title_zh: `${TAG} dup` } as never)),
    );
    expect(refused).toMatchObject({ status: 409, code: 'DUPLICATE_CAPABILITY' });
    expect(await authoritiesOf('finance')).toEqual(before);
  });

  it('refuses updating an authority to a capability its department already holds (409), the row is unchanged', async () => {
    const own = await newAuthority('finance', `${TAG}.renamable`);
    const refused = await refusal(adminClient().request(updateItem('cc_authorities', own.id as never, { capability: 'finance.report' } as never)));
    expect(refused).toMatchObject({ status: 409, code: 'DUPLICATE_CAPABILITY' });
    expect(await authority(own.id)).toEqual(own);

    const badKey = await refusal(adminClient().request(updateItem('cc_authorities', own.id as never, { capability: 'Not A Key' } as never)));
    expect(badKey).toMatchObject({ status: 400, code: 'INVALID_CAPABILITY' });
    expect(await authority(own.id)).toEqual(own);
  });

  it('refuses moving an authority into a department that already holds its capability (409)', async () => {
    const own = await newAuthority('finance', 'complaint.handle');
    try {
      const refused = await refusal(adminClient().request(updateItem('cc_authorities', own.id as never, { department: 'sales' } as never)));
      expect(refused).toMatchObject({ status: 409, code: 'DUPLICATE_CAPABILITY' });
      expect(await authority(own.id)).toEqual(own);
    } finally {
      await rawAdmin('DELETE', `/items/cc_authorities/${own.id}`);
    }
  });

  it('refuses a batch create holding the same capability twice for one department (409), nothing written', async () => {
    const before = await authoritiesOf('finance');
    const refused = await refusal(
      adminClient().request(
        createItems('cc_authorities', [
          { department: 'finance', capability: `${TAG}.twice`, title_zh: `${TAG} twice 1` },
          { department: 'finance', capability: `${TAG}.twice`, title_zh: `${TAG} twice 2` },
        ] as never),
      ),
    );
    expect(refused).toMatchObject({ status: 409, code: 'DUPLICATE_CAPABILITY' });
    expect(await authoritiesOf('finance')).toEqual(before);
  });

  it('refuses a batch array update giving two authorities of one department the same capability (409), nothing changed', async () => {
    const a = await newAuthority('finance', `${TAG}.array_a`);
    const b = await newAuthority('finance', `${TAG}.array_b`);
    const refused = await refusal(
      adminClient().request(
        updateItemsBatch('cc_authorities', [
          { id: a.id, capability: `${TAG}.array_same` },
          { id: b.id, capability: `${TAG}.array_same` },
        ] as never),
      ),
    );
    expect(refused).toMatchObject({ status: 409, code: 'DUPLICATE_CAPABILITY' });
    expect(await authority(a.id)).toEqual(a);
    expect(await authority(b.id)).toEqual(b);
  });

  it('refuses a {keys, data} update giving two authorities of one department the same capability (409), nothing changed', async () => {
    const a = await newAuthority('finance', `${TAG}.keys_a`);
    const b = await newAuthority('finance', `${TAG}.keys_b`);
    const refused = await refusal(
      adminClient().request(updateItems('cc_authorities', [a.id, b.id] as never, { capability: `${TAG}.keys_same` } as never)),
    );
    expect(refused).toMatchObject({ status: 409, code: 'DUPLICATE_CAPABILITY' });
    expect(await authority(a.id)).toEqual(a);
    expect(await authority(b.id)).toEqual(b);
  });

  it('accepts a valid new key (refund.approve for finance) and lists it in the catalogue', async () => {
    const existing = (await authoritiesOf('finance')).find((row) => row.capability === 'refund.approve');
    if (existing) await rawAdmin('DELETE', `/items/cc_authorities/${existing.id}`);
    const row = (await adminClient().request(
      createItem('cc_authorities', { department: 'finance', capability: 'refund.approve', title_zh: `${TAG} 审批退款`, title_en: 'Approve refunds' } as never),
    )) as unknown as Authority;
    created.authorities.push(row.id);
    expect(await authority(row.id)).toMatchObject({ department: 'finance', capability: 'refund.approve' });

    const staff = await createStaff('finance', { label: `${TAG}.finance` });
    const catalogue = (await staff.client.request(() => ({ path: '/concord/capabilities', method: 'GET' }))) as Array<{ key: string; departments: string[] }>;
    expect(catalogue.find((c) => c.key === 'refund.approve')?.departments).toEqual(['finance']);
  });
});

describe('the department policy generated from the matrix', () => {
  it('lets HR staff (hr holds team.build) create a forming team', async () => {
    const hr = await createStaff('hr', { label: `${TAG}.hr` });
    const team = (await hr.client.request(createItem('cc_teams', { name: `${TAG} HR 组建团队`, status: 'forming' } as never))) as unknown as Team;
    created.teams.push(team.id);
    const stored = await rawAdmin<Team>('GET', `/items/cc_teams/${team.id}?fields=id,name,status`);
    expect(stored).toEqual({ id: team.id, name: `${TAG} HR 组建团队`, status: 'forming' });
  });

  it('refuses team creation to sales staff (403 FORBIDDEN) and writes nothing', async () => {
    const refused = await refusal(salesStaff.client.request(createItem('cc_teams', { name: `${TAG} sales 团队`, status: 'forming' } as never)));
    expect(refused).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    const teams = await rawAdmin<Team[]>('GET', `/items/cc_teams?filter[name][_eq]=${encodeURIComponent(`${TAG} sales 团队`)}&fields=id`);
    expect(teams).toEqual([]);
  });
});

describe('bad payloads', () => {
  it('refuses a composition rule minimum of "abc" with 400 and a code, leaving the rule unchanged', async () => {
    const [rule] = (await adminClient().request(
      readItems('cc_composition_rules', { filter: { department: { _eq: 'hr' } }, fields: ['id', 'department', 'minimum'] } as never),
    )) as Array<{ id: number; department: string; minimum: number }>;
    expect(rule).toBeDefined();
    try {
      const refused = await refusal(adminClient().request(updateItem('cc_composition_rules', rule!.id as never, { minimum: 'abc' } as never)));
      expect(refused.status).toBe(400);
      expect(typeof refused.code).toBe('string');
      expect(refused.code!.length).toBeGreaterThan(0);
      expect(await rawAdmin('GET', `/items/cc_composition_rules/${rule!.id}?fields=id,department,minimum`)).toEqual(rule);
    } finally {
      // Do not leave a broken rule behind for other test files if the server accepted it.
      await rawAdmin('PATCH', `/items/cc_composition_rules/${rule!.id}`, { minimum: rule!.minimum });
    }
  });

  it('refuses a team status of "bogus" on create and on update (400 INVALID_PAYLOAD)', async () => {
    const admin = adminClient();
    const name = `${TAG} bogus team`;
    const create = await refusal(admin.request(createItem('cc_teams', { name, status: 'bogus' } as never)));
    expect(create).toMatchObject({ status: 400, code: 'INVALID_PAYLOAD' });
    expect(await rawAdmin<Team[]>('GET', `/items/cc_teams?filter[name][_eq]=${encodeURIComponent(name)}&fields=id`)).toEqual([]);

    const team = (await admin.request(createItem('cc_teams', { name: `${TAG} status team`, status: 'forming' } as never))) as unknown as Team;
    created.teams.push(team.id);
    const update = await refusal(admin.request(updateItem('cc_teams', team.id as never, { status: 'bogus' } as never)));
    expect(update).toMatchObject({ status: 400, code: 'INVALID_PAYLOAD' });
    expect(await rawAdmin<Team>('GET', `/items/cc_teams/${team.id}?fields=id,name,status`)).toMatchObject({ status: 'forming' });
  });

  it('GET /concord/teams/abc/composition → 400 INVALID_PAYLOAD', async () => {
    const response = await call('GET', '/concord/teams/abc/composition', { token: concord().adminToken });
    expect(response.status).toBe(400);
    expect(response.json?.errors?.[0]?.extensions?.['code']).toBe('INVALID_PAYLOAD');
  });

  it('GET /concord/teams/999999/composition → 404 NOT_FOUND', async () => {
    const response = await call('GET', '/concord/teams/999999/composition', { token: concord().adminToken });
    expect(response.status).toBe(404);
    expect(response.json?.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('GET /concord/capabilities refuses the unauthenticated and lists the matrix for staff', async () => {
    const anonymous = await call('GET', '/concord/capabilities');
    expect([401, 403]).toContain(anonymous.status);
    expect(anonymous.json?.data).toBeUndefined();

    const response = await call('GET', '/concord/capabilities', { token: await tokenOf(salesStaff) });
    expect(response.status).toBe(200);
    const list = response.json?.data as Array<{ key: string; departments: string[] }>;
    expect(list.find((c) => c.key === 'complaint.handle')).toMatchObject({ key: 'complaint.handle', departments: ['sales', 'service'] });
  });
});
