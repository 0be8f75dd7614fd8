import { request, type ClientRequest } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { concord, http, testDb, type HttpResult } from '../harness/concord.ts';

/**
 * POST /utils/import/:collection into Concord's collections (src/imports/whole-file-import.ts): a
 * refused one-row file answers at once every time — Directus 11.17 on its own could wait an hour for
 * one, holding a connection —, a CSV file saves what Directus reads from it, and a form without a
 * file is refused instead of left waiting.
 */

const TAG = `imports-${Date.now()}`;
const code = (result: HttpResult) => result.json?.errors?.[0]?.extensions?.['code'] as string | undefined;

async function importFile(collection: string, content: string, type: string, name: string): Promise<HttpResult> {
  const form = new FormData();
  form.append('file', new Blob([content], { type }), name);
  const { url, adminToken } = concord();
  // Not the harness's http(): each import must answer within seconds, not within the test's minute.
  const response = await fetch(`${url}/utils/import/${collection}`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` }, body: form, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : undefined };
}

/** An import of `csv` into cc_budgets as the admin that declares 100,000 bytes and sends only the file's start. */
function partialUpload(csv: string): ClientRequest {
  const { url, adminToken } = concord();
  const target = new URL(`${url}/utils/import/cc_budgets`);
  const req = request({
    host: target.hostname,
    port: target.port,
    path: target.pathname,
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'multipart/form-data; boundary=part', 'content-length': '100000' },
  });
  req.write(`--part\r\nContent-Disposition: form-data; name="file"; filename="budgets.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}`);
  return req;
}

afterAll(async () => {
  await testDb()('cc_budgets').where('note', 'like', `${TAG}%`).delete();
});

describe('imports into Concord collections', () => {
  it('answer a refused one-row file at once, every time, as CSV and as JSON', async () => {
    const [budget] = await testDb()('cc_budgets').select('id').orderBy('id').limit(1);
    const before = await testDb()('cc_budgets').where('id', budget.id).first();
    for (let attempt = 0; attempt < 150; attempt += 1) {
      const csv = await importFile('cc_budgets', `id,note,date_created\n${budget.id},${TAG} refused,1999-01-01T00:00:00Z\n`, 'text/csv', 'budgets.csv');
      expect([csv.status, code(csv)], csv.text).toEqual([400, 'SET_BY_SERVER']);
      const json = await importFile('cc_budgets', JSON.stringify([{ id: budget.id, note: `${TAG} refused`, date_created: '1999-01-01T00:00:00Z' }]), 'application/json', 'budgets.json');
      expect([json.status, code(json)], json.text).toEqual([400, 'SET_BY_SERVER']);
    }
    expect(await testDb()('cc_budgets').where('id', budget.id).first()).toEqual(before);
  });

  it('save from a CSV file the rows Directus reads from it: quoted text, numbers as the field takes them, empty cells left to defaults', async () => {
    const csv = [
      'department , amount,period_start,period_end,note',
      `finance,1250.50,2026-01-01,2026-03-31,"${TAG} one, with a comma"`,
      `sales,007,2026-04-01,2026-06-30,${TAG} two`,
      `tech,3,2026-07-01,2026-09-30,`,
    ].join('\r\n');
    const result = await importFile('cc_budgets', `${csv}\r\n`, 'text/csv', 'budgets.csv');
    expect(result.status, result.text).toBe(200);
    const saved = await testDb()('cc_budgets').where('note', 'like', `${TAG}%`).orWhere((q) => q.where('department', 'tech').whereNull('note').where('amount', 3)).orderBy('id').select('department', 'amount', 'note');
    expect(saved.map((r) => [r.department, Number(r.amount), r.note])).toEqual([
      ['finance', 1250.5, `${TAG} one, with a comma`],
      ['sales', 7, `${TAG} two`],
      ['tech', 3, null],
    ]);
    await testDb()('cc_budgets').where({ department: 'tech', amount: 3 }).whereNull('note').delete();
  });

  it('refuse a form without a file with a code, instead of leaving it waiting', async () => {
    const form = new FormData();
    form.append('note', 'no file here');
    const { url, adminToken } = concord();
    const response = await fetch(`${url}/utils/import/cc_budgets`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` }, body: form, signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string; field?: string } }> };
    expect([response.status, body.errors[0]?.extensions.code, body.errors[0]?.extensions.field]).toEqual([400, 'INVALID_PAYLOAD', 'file']);
  });

  it('refuse a visitor without a login as Directus does, and save nothing', async () => {
    const form = new FormData();
    form.append('file', new Blob([`department,amount,period_start,period_end,note\nfinance,1,2026-01-01,2026-01-31,${TAG} visitor\n`], { type: 'text/csv' }), 'budgets.csv');
    const result = await http('POST', '/utils/import/cc_budgets', { form });
    expect([result.status, code(result)]).toEqual([403, 'FORBIDDEN']);
    expect(await testDb()('cc_budgets').where('note', `${TAG} visitor`)).toEqual([]);
  });

  it('leave the server answering when uploads are cut off half-way', async () => {
    for (let i = 0; i < 8; i += 1) {
      await new Promise<void>((resolve) => {
        const req = partialUpload(`id,note\n1,${TAG} cut\n`);
        req.on('error', () => resolve());
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 20 + i * 25);
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await fetch(`${concord().url}/server/ping`)).status).toBe(200);
    expect(await testDb()('cc_budgets').where('note', `${TAG} cut`)).toEqual([]);
  });

  it('give up on an upload that stops arriving, with a code, while other writes go on', async () => {
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = partialUpload(`department,amount,period_start,period_end,note\nfinance,1,2026-01-01,2026-01-31,${TAG} slow\n`);
      req.on('response', (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      req.on('error', reject);
    });
    // While the upload stalls, nothing holds the database: another import goes through.
    const other = await importFile('cc_budgets', `department,amount,period_start,period_end,note\nfinance,2,2026-02-01,2026-02-28,${TAG} meanwhile\n`, 'text/csv', 'other.csv');
    expect(other.status, other.text).toBe(200);
    const { status, body } = await answered;
    expect([status, (JSON.parse(body) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code]).toEqual([400, 'UNREADABLE_BODY']);
    expect(await testDb()('cc_budgets').where('note', `${TAG} slow`)).toEqual([]);
  });
});
