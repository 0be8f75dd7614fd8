import type { Accountability, SchemaOverview } from '@directus/types';
import { parseJSON } from '@directus/utils';
import { set } from 'lodash-es';
import Papa from 'papaparse';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, type Duplex } from 'node:stream';
import { UnreadableBodyError } from '../errors.ts';

/**
 * Imports into Concord's collections (POST /utils/import/:collection), saved by Directus's own
 * ImportService, handed the upload as JSON whose end the parser reaches while a row still waits.
 *
 * Why: Directus 11.17's import registers its "every row saved" callback (async's `queue.drain`) only
 * when its parser reaches the end of the file, and a queue that has already emptied never calls a
 * callback registered afterwards. When every row is saved or refused before the parser ends (a
 * one-row file whose row a rule refuses; the CSV parser reads a temporary file, whose end is one more
 * disk read), the request waits for IMPORT_TIMEOUT (1 h) holding a transaction and a connection — on
 * SQLite the only one. On PostgreSQL about one such import in a hundred did.
 *
 * The JSON parser's end, when the last bytes and the end arrive together, comes from the stream
 * machinery alone, before the save queue starts on those rows (it starts on the next turn of the
 * event loop, and a save waits for the database besides): the callback is registered while a row is
 * waiting, every time. A CSV file becomes, as it arrives, the rows Directus's CSV import makes of it,
 * so both formats keep Directus's saving, permissions, hooks, row numbers and error reports.
 */

export const MEMORY_LIMIT = 16 * 1024 * 1024;

const CSV_TYPES = new Set(['text/csv', 'application/vnd.ms-excel']);

type Options = { schema: SchemaOverview; accountability: Accountability | null };

export interface ImportServices {
  ImportService: new (options: Options) => {
    import(collection: string, mimetype: string, stream: Readable, options?: { background?: boolean }): Promise<void>;
  };
}

export interface UploadedFile {
  mimeType: string;
  stream: Readable;
}

/**
 * Imports `file` into `collection` as `context`'s caller; rejects with Directus's own errors, or
 * UNREADABLE_BODY when the upload breaks off or stalls. The whole upload is received before Directus
 * is handed it (in memory up to `memoryLimit`, beyond that in a temporary file): Directus opens the
 * import's transaction before it reads, and an upload that stalled inside it would hold that
 * transaction — on SQLite the only connection — for as long as the sender liked.
 */
export async function importWholeFile(
  services: ImportServices,
  context: Options,
  collection: string,
  file: UploadedFile,
  options: { background: boolean; memoryLimit?: number; idleMs: number; signal: AbortSignal },
): Promise<void> {
  const memoryLimit = options.memoryLimit ?? MEMORY_LIMIT;
  const received = await receive(file.stream, memoryLimit, options);
  const source = received.kind === 'memory' ? Readable.from([received.content]) : createReadStream(received.path);
  // The temporary file goes once read (a background import reads it after the answer).
  if (received.kind === 'file') source.once('close', () => void rm(received.folder, { recursive: true, force: true }));
  const handed = asJsonImport({ mimeType: file.mimeType, stream: source }, memoryLimit);
  try {
    await new services.ImportService(context).import(collection, handed.mimeType, handed.stream, { background: options.background });
  } catch (error) {
    // Refused before or while reading: what is left of the file is not needed (a background import keeps reading after the answer).
    source.destroy();
    throw error;
  }
}

type Received = { kind: 'memory'; content: Buffer } | { kind: 'file'; path: string; folder: string };

/** Why an upload was not waited for (UNREADABLE_BODY). */
export const UPLOAD_REFUSALS = {
  cutOff: { 'zh-CN': '上传在文件传完之前中断了', 'en-US': 'the upload ended before the whole file arrived' },
  stalled: { 'zh-CN': '文件迟迟没有传完', 'en-US': 'the file stopped arriving' },
  noFile: { 'zh-CN': '迟迟没有收到要导入的文件', 'en-US': 'the file to import did not arrive in time' },
};

/** The whole upload: held in memory up to `limit` bytes, written to a temporary file beyond; refused when cut off or idle for `idleMs`. */
function receive(upload: Readable, limit: number, options: { idleMs: number; signal: AbortSignal }): Promise<Received> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let spill: { path: string; folder: string; out: WriteStream } | null = null;
    let settled = false;
    let idle: NodeJS.Timeout | undefined;
    const fail = (reason: (typeof UPLOAD_REFUSALS)['cutOff']) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      upload.destroy();
      if (spill) {
        spill.out.destroy();
        void rm(spill.folder, { recursive: true, force: true });
      }
      reject(new UnreadableBodyError({ reason }));
    };
    const awake = () => {
      clearTimeout(idle);
      idle = setTimeout(() => fail(UPLOAD_REFUSALS.stalled), options.idleMs);
    };
    const aborted = () => fail(UPLOAD_REFUSALS.cutOff);
    if (options.signal.aborted) return aborted();
    options.signal.addEventListener('abort', aborted, { once: true });
    awake();
    upload.on('data', (chunk: Buffer) => {
      if (settled) return;
      awake();
      if (spill) {
        if (!spill.out.write(chunk)) upload.pause();
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
      if (size <= limit) return;
      upload.pause();
      void mkdtemp(join(tmpdir(), 'concord-import-')).then(
        (folder) => {
          if (settled) return void rm(folder, { recursive: true, force: true });
          const path = join(folder, 'upload');
          const out = createWriteStream(path);
          out.on('drain', () => upload.resume());
          out.on('error', () => fail(UPLOAD_REFUSALS.cutOff));
          spill = { path, folder, out };
          for (const held of chunks.splice(0)) out.write(held);
          upload.resume();
        },
        () => fail(UPLOAD_REFUSALS.cutOff),
      );
    });
    upload.once('error', () => fail(UPLOAD_REFUSALS.cutOff));
    upload.once('end', () => {
      if (settled) return;
      clearTimeout(idle);
      options.signal.removeEventListener('abort', aborted);
      const finish = () => {
        if (settled) return;
        settled = true;
        resolve(spill ? { kind: 'file', path: spill.path, folder: spill.folder } : { kind: 'memory', content: Buffer.concat(chunks) });
      };
      if (spill) spill.out.end(finish);
      else finish();
    });
  });
}

/**
 * What Directus's import is handed for a received upload: JSON whose last row arrives with its end.
 * Nothing is read until Directus reads (a refused caller's file is never parsed). A type other than
 * CSV and JSON goes through unchanged, for Directus to refuse.
 */
export function asJsonImport(file: UploadedFile, memoryLimit: number): UploadedFile {
  if (CSV_TYPES.has(file.mimeType)) return { mimeType: 'application/json', stream: csvAsJson(file.stream) };
  if (file.mimeType === 'application/json') return { mimeType: 'application/json', stream: heldToTheEnd(file.stream, memoryLimit) };
  return file;
}

/** A broken upload (the connection dropped half-way) ends the JSON with a byte its parser refuses, so the import fails instead of waiting. */
const BROKEN = '\u0000';

/**
 * A JSON upload handed on in one piece once it has all arrived, up to `limit` bytes; beyond that, as
 * it arrives (the race needs every row done before the end of the file, which a file that large
 * does not finish).
 */
function heldToTheEnd(upload: Readable, limit: number): Readable {
  let started = false;
  let streaming = false;
  let done = false;
  let held: Buffer[] = [];
  let size = 0;
  const finish = (last: Buffer | string | null) => {
    if (done) return;
    done = true;
    if (last !== null) out.push(last);
    out.push(null);
  };
  const out = new Readable({
    read() {
      if (started) return void upload.resume();
      started = true;
      upload.on('data', (chunk: Buffer) => {
        if (done) return;
        if (!streaming) {
          held.push(chunk);
          size += chunk.length;
          if (size <= limit) return;
          streaming = true;
          chunk = Buffer.concat(held);
          held = [];
        }
        if (!out.push(chunk)) upload.pause();
      });
      upload.once('end', () => finish(streaming ? null : Buffer.concat(held)));
      upload.once('error', () => finish(BROKEN));
    },
  });
  return out;
}

/**
 * A CSV upload as a JSON array of the rows Directus 11.17's CSV import makes of it (`rowOf`), parsed
 * by a Papa Parse stream with Directus's options as it arrives. The last row is held back and handed
 * on with the closing bracket and the end, in one go: the JSON parser then ends with that row still
 * waiting to be saved, whatever became of the rows before it.
 */
function csvAsJson(upload: Readable): Readable {
  let started = false;
  let opened = false;
  let last: string | null = null;
  let done = false;
  const parser: Duplex = Papa.parse(Papa.NODE_STREAM_INPUT, CSV_OPTIONS);
  const piece = (row: string) => {
    const text = (opened ? ',' : '[') + row;
    opened = true;
    return text;
  };
  const finish = (text: string) => {
    if (done) return;
    done = true;
    out.push(text);
    out.push(null);
  };
  const out = new Readable({
    read() {
      if (started) return void parser.resume();
      started = true;
      parser.on('data', (row: Record<string, unknown>) => {
        // After a broken upload nothing more goes out: a push after the end would be an error nobody listens for.
        if (done) return;
        const text = JSON.stringify(rowOf(row));
        const previous = last;
        last = text;
        if (previous !== null && !out.push(piece(previous))) parser.pause();
      });
      parser.once('end', () => finish(last === null ? '[]' : `${piece(last)}]`));
      parser.once('error', () => finish(BROKEN));
      upload.once('error', () => finish(BROKEN));
      upload.pipe(parser);
    },
  });
  return out;
}

/** Directus 11.17's CSV reading (ImportService.importCSV): headers trimmed, an empty cell left out, a value read as JSON unless that gives a number. */
const CSV_OPTIONS = {
  header: true,
  transformHeader: (header: string) => header.trim(),
  transform: (value: string): unknown => {
    if (value.length === 0) return undefined;
    try {
      const parsed: unknown = parseJSON(value);
      // A number stays the text it was: the field's type decides.
      return typeof parsed === 'number' ? value : parsed;
    } catch {
      return value;
    }
  },
};

/** A parsed CSV row as Directus saves it: cells left out stay out, `a.b` headers set nested fields. */
export function rowOf(row: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const field in row) if (row[field] !== undefined) set(result, field, row[field]);
  return result;
}
