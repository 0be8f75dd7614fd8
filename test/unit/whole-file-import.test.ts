import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { asJsonImport, importWholeFile, type ImportServices } from '../../src/imports/whole-file-import.ts';

/**
 * Imports into Concord's collections are handed to Directus's ImportService as JSON
 * (src/imports/whole-file-import.ts): a CSV file becomes the rows Directus's own CSV import would
 * save, the last row arriving with the end; a JSON file arrives whole, or as it came when too large
 * to hold; nothing is read before Directus reads.
 */

/** The rows a CSV upload becomes, as Directus's JSON import reads them. */
async function csvRows(content: Buffer): Promise<unknown> {
  return JSON.parse(await text(asJsonImport({ mimeType: 'text/csv', stream: Readable.from([content]) }, 1024).stream));
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** An ImportService that records what it was handed. */
function recorder() {
  const calls: Array<{ collection: string; mimetype: string; content: string; options: unknown }> = [];
  const services: ImportServices = {
    ImportService: class {
      async import(collection: string, mimetype: string, stream: Readable, options?: { background?: boolean }) {
        calls.push({ collection, mimetype, content: await text(stream), options });
      }
    },
  };
  return { services, calls };
}

const context = { schema: {} as never, accountability: null };
const RECEIVING = { idleMs: 5_000, signal: new AbortController().signal };
const upload = (content: string, mimeType: string, chunkSize = 7) => ({
  mimeType,
  stream: Readable.from(Array.from({ length: Math.ceil(content.length / chunkSize) }, (_, i) => Buffer.from(content.slice(i * chunkSize, (i + 1) * chunkSize)))),
});

describe('csvRows', () => {
  it('reads a file as Directus 11.17 imports it: trimmed headers, empty cells left out, JSON values, numbers as text, nested headers', async () => {
    const rows = await csvRows(Buffer.from(' title , meta.source ,count,flag,note\r\n"a, quoted\nline","{""k"":[1,2]}",007,true,\r\nplain,"""q""",1.50,null,x\r\n'));
    expect(rows).toEqual([
      { title: 'a, quoted\nline', meta: { source: { k: [1, 2] } }, count: '007', flag: true },
      { title: 'plain', meta: { source: 'q' }, count: '1.50', flag: null, note: 'x' },
    ]);
  });

  it('gives no row for a header alone, and an empty object for a blank line, as Directus saves them', async () => {
    expect(await csvRows(Buffer.from('a,b\n'))).toEqual([]);
    expect(await csvRows(Buffer.from('a,b\n1,2\n\n'))).toEqual([{ a: '1', b: '2' }, {}]);
  });
});

describe('importWholeFile', () => {
  it('hands a CSV file to the ImportService as JSON rows, in one piece, with the background flag', async () => {
    const { services, calls } = recorder();
    await importWholeFile(services, context, 'cc_budgets', upload('id,note\n5,hello\n', 'text/csv'), { background: true, ...RECEIVING });
    expect(calls).toEqual([{ collection: 'cc_budgets', mimetype: 'application/json', content: '[{"id":"5","note":"hello"}]', options: { background: true } }]);
    await importWholeFile(services, context, 'cc_budgets', upload('id\n6\n', 'application/vnd.ms-excel'), { background: false, ...RECEIVING });
    expect(calls[1]).toEqual({ collection: 'cc_budgets', mimetype: 'application/json', content: '[{"id":"6"}]', options: { background: false } });
  });

  it('hands JSON and any other type over unchanged, for Directus to read or refuse', async () => {
    const { services, calls } = recorder();
    await importWholeFile(services, context, 'cc_budgets', upload('[{"id":5}]', 'application/json'), { background: false, ...RECEIVING });
    await importWholeFile(services, context, 'cc_budgets', upload('<xml/>', 'text/xml'), { background: false, ...RECEIVING });
    expect(calls.map((c) => [c.mimetype, c.content])).toEqual([
      ['application/json', '[{"id":5}]'],
      ['text/xml', '<xml/>'],
    ]);
  });

  it('turns a long CSV file into JSON as it arrives, and passes a JSON file larger than it holds through as it came', async () => {
    const { services, calls } = recorder();
    const csv = `id,note\n${Array.from({ length: 2000 }, (_, i) => `${i},row ${i}`).join('\n')}\n`;
    await importWholeFile(services, context, 'cc_budgets', upload(csv, 'text/csv', 64), { background: false, memoryLimit: 500, ...RECEIVING });
    expect(calls[0]?.mimetype).toBe('application/json');
    expect(JSON.parse(calls[0]!.content)).toEqual(Array.from({ length: 2000 }, (_, i) => ({ id: String(i), note: `row ${i}` })));
    const json = JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, note: `row ${i}` })));
    await importWholeFile(services, context, 'cc_budgets', upload(json, 'application/json', 64), { background: false, memoryLimit: 500, ...RECEIVING });
    expect(calls[1]).toEqual({ collection: 'cc_budgets', mimetype: 'application/json', content: json, options: { background: false } });
  });

  it('reads nothing of the upload until the ImportService reads', async () => {
    let pulled = 0;
    const source = new Readable({ read() { pulled += 1; this.push('id\n1\n'); this.push(null); } });
    const handed = asJsonImport({ mimeType: 'text/csv', stream: source }, 1024);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pulled).toBe(0);
    expect(await text(handed.stream)).toBe('[{"id":"1"}]');
    expect(pulled).toBe(1);
  });

  it('ends the JSON with a byte its parser refuses when the upload breaks off, CSV or JSON', async () => {
    for (const mimeType of ['text/csv', 'application/json']) {
      const broken = new Readable({ read() { this.push(mimeType === 'text/csv' ? 'id\n1\n2' : '[{"id":1}'); this.destroy(new Error('connection lost')); } });
      const content = await text(asJsonImport({ mimeType, stream: broken }, 1024).stream);
      expect(() => JSON.parse(content), mimeType).toThrow();
    }
  });

  it('refuses an upload that stops arriving or is cut off, and leaves no temporary file behind', async () => {
    const { services, calls } = recorder();
    const stalled = new Readable({ read() {} });
    stalled.push('id,note\n1,x\n');
    await expect(importWholeFile(services, context, 'cc_budgets', { mimeType: 'text/csv', stream: stalled }, { background: false, idleMs: 50, signal: new AbortController().signal })).rejects.toMatchObject({ code: 'UNREADABLE_BODY' });
    const before = (await readdir(tmpdir())).filter((name) => name.startsWith('concord-import-')).length;
    const cut = new AbortController();
    const big = new Readable({ read() {} });
    big.push(Buffer.alloc(2_000, 'a'));
    const pending = importWholeFile(services, context, 'cc_budgets', { mimeType: 'application/json', stream: big }, { background: false, memoryLimit: 500, idleMs: 5_000, signal: cut.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    cut.abort();
    await expect(pending).rejects.toMatchObject({ code: 'UNREADABLE_BODY' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await readdir(tmpdir())).filter((name) => name.startsWith('concord-import-')).length).toBe(before);
    expect(calls).toEqual([]);
  });

  it('removes the temporary file of a large upload once it is read', async () => {
    const { services } = recorder();
    const before = (await readdir(tmpdir())).filter((name) => name.startsWith('concord-import-')).length;
    await importWholeFile(services, context, 'cc_budgets', upload(`[${'1,'.repeat(2_000)}1]`, 'application/json', 100), { background: false, memoryLimit: 500, ...RECEIVING });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await readdir(tmpdir())).filter((name) => name.startsWith('concord-import-')).length).toBe(before);
  });

  it('rejects with the ImportService’s error', async () => {
    const refusing: ImportServices = { ImportService: class { async import(): Promise<void> { throw Object.assign(new Error('refused'), { code: 'SET_BY_SERVER' }); } } };
    await expect(importWholeFile(refusing, context, 'cc_budgets', upload('id\n1\n', 'text/csv'), { background: false, ...RECEIVING })).rejects.toThrow('refused');
  });
});
