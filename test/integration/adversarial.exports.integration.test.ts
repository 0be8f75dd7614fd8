import { beforeAll, describe, expect, it } from 'vitest';
import { createStaff, http, rawAdmin, type StaffUser } from '../harness/concord.ts';

/**
 * Staff exports (POST /utils/export/:collection, as Studio sends it): CSV and JSON of what the
 * exporter may read, produced without stalling the server, stored as the exporter's own file, which
 * nobody else on staff can open.
 */

const TAG = `adve-${Date.now().toString(36)}`;

async function tokenOf(user: StaffUser): Promise<string> {
  const token = await (user.client as unknown as { getToken(): Promise<string | null> }).getToken();
  if (!token) throw new Error('no token');
  return token;
}

let exporter: StaffUser; // marketing, on no team: sees no case of the fixture
let colleague: StaffUser;

beforeAll(async () => {
  [exporter, colleague] = await Promise.all([createStaff('marketing', { label: `${TAG}.exporter` }), createStaff('marketing', { label: `${TAG}.colleague` })]);
  const customer = (await rawAdmin<{ id: number }>('POST', '/items/cc_customers', { name: `${TAG} 客户 A`, tier: 'standard' })).id;
  await rawAdmin('POST', '/items/cc_customers', { name: `${TAG} 客户 B`, tier: 'key' });
  const [complaint] = await rawAdmin<Array<{ id: number }>>('GET', '/items/cc_workflows?filter[key][_eq]=complaint&fields=id');
  await rawAdmin('POST', '/items/cc_cases', { title: `${TAG} hidden case`, workflow: complaint!.id, customer, priority: 'high' });
});

/** The exporter's newest file whose title names the collection, once it is there. */
async function exportedFile(token: string, collection: string, after: string): Promise<string> {
  let id: string | undefined;
  await expect
    .poll(
      async () => {
        const result = await http('GET', `/files?fields=id&filter[title][_starts_with]=export-${collection}&filter[uploaded_on][_gt]=${after}&sort=-uploaded_on&limit=1`, { token });
        id = (result.json?.data as Array<{ id: string }> | undefined)?.[0]?.id;
        return id;
      },
      { timeout: 20_000, interval: 250 },
    )
    .toBeDefined();
  return id!;
}

describe('staff exports', () => {
  it('CSV of readable rows arrives as the exporter\'s file while the server keeps answering; colleagues cannot open it', async () => {
    const token = await tokenOf(exporter);
    const after = new Date(Date.now() - 1000).toISOString();
    const started = Date.now();
    const requested = await http('POST', '/utils/export/cc_customers', { token, body: { format: 'csv', query: { fields: ['id', 'name', 'tier'], filter: { name: { _starts_with: TAG } }, sort: ['name'] } } });
    expect(requested.status).toBeLessThan(300);
    // Another request during the export is answered at once (Directus's own export held SQLite's connection ~60 s).
    const meanwhile = await http('GET', '/server/ping');
    expect(meanwhile.status).toBe(200);
    const file = await exportedFile(token, 'cc_customers', after);
    expect(Date.now() - started).toBeLessThan(20_000);
    const asset = await http('GET', `/assets/${file}`, { token });
    expect(asset.status).toBe(200);
    const lines = asset.text.trim().split('\n');
    expect(lines[0]).toBe('"id","name","tier"');
    expect(lines.slice(1).map((line) => line.split(',')[1])).toEqual([`"${TAG} 客户 A"`, `"${TAG} 客户 B"`]);
    expect((await http('GET', `/assets/${file}`, { token: await tokenOf(colleague) })).status).toBe(403);
    const stored = await rawAdmin<{ uploaded_by: string }>('GET', `/files/${file}?fields=uploaded_by`);
    expect(stored.uploaded_by).toBe(exporter.id);
  });

  it('JSON holds only the rows the exporter may read (no hidden case)', async () => {
    const token = await tokenOf(exporter);
    const after = new Date(Date.now() - 1000).toISOString();
    const requested = await http('POST', '/utils/export/cc_cases', { token, body: { format: 'json', query: { fields: ['id', 'title'], filter: { title: { _starts_with: TAG } } } } });
    expect(requested.status).toBeLessThan(300);
    const file = await exportedFile(token, 'cc_cases', after);
    const asset = await http('GET', `/assets/${file}`, { token });
    expect(JSON.parse(asset.text)).toEqual([]);
  });
});
