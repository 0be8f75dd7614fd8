import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { csvRows, importWholeFile, type ImportServices } from '../../src/imports/whole-file-import.ts';

/**
 * Imports into Concord's collections are handed to Directus's ImportService from memory as JSON
 * (src/imports/whole-file-import.ts): a CSV file becomes the rows Directus's own CSV import would
 * save, and a file too large to hold goes through as it came.
 */

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
    await importWholeFile(services, context, 'cc_budgets', upload('id,note\n5,hello\n', 'text/csv'), { background: true });
    expect(calls).toEqual([{ collection: 'cc_budgets', mimetype: 'application/json', content: '[{"id":"5","note":"hello"}]', options: { background: true } }]);
    await importWholeFile(services, context, 'cc_budgets', upload('id\n6\n', 'application/vnd.ms-excel'), { background: false });
    expect(calls[1]).toEqual({ collection: 'cc_budgets', mimetype: 'application/json', content: '[{"id":"6"}]', options: { background: false } });
  });

  it('hands JSON and any other type over unchanged, for Directus to read or refuse', async () => {
    const { services, calls } = recorder();
    await importWholeFile(services, context, 'cc_budgets', upload('[{"id":5}]', 'application/json'), { background: false });
    await importWholeFile(services, context, 'cc_budgets', upload('<xml/>', 'text/xml'), { background: false });
    expect(calls.map((c) => [c.mimetype, c.content])).toEqual([
      ['application/json', '[{"id":5}]'],
      ['text/xml', '<xml/>'],
    ]);
  });

  it('passes a file larger than it holds in memory through as it came, every byte of it', async () => {
    const { services, calls } = recorder();
    const csv = `id,note\n${Array.from({ length: 200 }, (_, i) => `${i},row ${i}`).join('\n')}\n`;
    await importWholeFile(services, context, 'cc_budgets', upload(csv, 'text/csv', 64), { background: false, memoryLimit: 500 });
    expect(calls).toEqual([{ collection: 'cc_budgets', mimetype: 'text/csv', content: csv, options: { background: false } }]);
  });

  it('rejects with the upload stream’s error, and with the ImportService’s', async () => {
    const broken = new Readable({ read() { this.destroy(new Error('connection lost')); } });
    await expect(importWholeFile(recorder().services, context, 'cc_budgets', { mimeType: 'text/csv', stream: broken }, { background: false })).rejects.toThrow('connection lost');
    const refusing: ImportServices = { ImportService: class { async import(): Promise<void> { throw Object.assign(new Error('refused'), { code: 'SET_BY_SERVER' }); } } };
    await expect(importWholeFile(refusing, context, 'cc_budgets', upload('id\n1\n', 'text/csv'), { background: false })).rejects.toThrow('refused');
  });
});
