import { InvalidPayloadError } from '@directus/errors';
import type { Accountability, SchemaOverview } from '@directus/types';
import { parseJSON } from '@directus/utils';
import { set } from 'lodash-es';
import Papa from 'papaparse';
import { PassThrough, type Readable } from 'node:stream';

/**
 * Imports into Concord's collections (POST /utils/import/:collection), saved by Directus's own
 * ImportService, handed the uploaded file from memory, as JSON.
 *
 * Why: Directus 11.17's import registers its "every row saved" callback (async's `queue.drain`) only
 * when its parser reaches the end of the file, and a queue that has already emptied never calls a
 * callback registered afterwards. When every row is saved or refused before the parser ends (a
 * one-row file whose row a rule refuses; the CSV parser reads a temporary file, whose end is one more
 * disk read), the request waits for IMPORT_TIMEOUT (1 h) holding a transaction and a connection — on
 * SQLite the only one. Three refused one-row imports were enough to see it on PostgreSQL.
 *
 * From memory, in one chunk, the JSON parser's end comes from the stream machinery alone, before
 * the save queue starts (it starts on the next turn of the event loop, and a save waits for the
 * database besides): the callback is registered while rows are waiting, every time. A CSV file is
 * turned first into the rows Directus's CSV import makes of it (Papa Parse with its options, each
 * value read as JSON unless it is a number, empty cells left out, dotted headers as nested fields),
 * so both formats keep Directus's saving, permissions, hooks, row numbers and error reports.
 *
 * A file larger than `MEMORY_LIMIT` goes to Directus as it came (the race needs every row done before
 * the end of the file, which a file that large does not finish).
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

/** Imports `file` into `collection` as `context`'s caller; rejects with Directus's own errors. */
export async function importWholeFile(
  services: ImportServices,
  context: Options,
  collection: string,
  file: UploadedFile,
  options: { background: boolean; memoryLimit?: number },
): Promise<void> {
  const service = new services.ImportService(context);
  const passed = { background: options.background };
  const read = await readUpTo(file.stream, options.memoryLimit ?? MEMORY_LIMIT);
  if (read.rest !== null) {
    // Too large to hold: the bytes read so far, then the rest of the upload, as Directus would have read them.
    const whole = new PassThrough();
    for (const chunk of read.chunks) whole.write(chunk);
    read.rest.on('error', (error) => whole.destroy(error));
    read.rest.pipe(whole);
    return service.import(collection, file.mimeType, whole, passed);
  }
  const content = Buffer.concat(read.chunks);
  const json = CSV_TYPES.has(file.mimeType) ? Buffer.from(JSON.stringify(await csvRows(content))) : content;
  // Any other type goes through unchanged, for Directus to refuse as it does.
  const mimeType = CSV_TYPES.has(file.mimeType) ? 'application/json' : file.mimeType;
  const stream = new PassThrough();
  stream.end(json);
  return service.import(collection, mimeType, stream, passed);
}

/** The stream's chunks up to `limit` bytes; `rest` is the paused stream when there is more. */
function readUpTo(stream: Readable, limit: number): Promise<{ chunks: Buffer[]; rest: Readable | null }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(bytes);
      size += bytes.length;
      if (size > limit) {
        stream.pause();
        done();
        resolve({ chunks, rest: stream });
      }
    };
    const onEnd = () => {
      done();
      resolve({ chunks, rest: null });
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const done = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

/**
 * The rows Directus 11.17's CSV import saves for a file (ImportService.importCSV): headers trimmed,
 * an empty cell left out, any other value parsed as JSON unless that gives a number (a number stays
 * the text it was: the field's type decides), else kept as text; `a.b` headers set nested fields.
 * Parsed by a Papa Parse stream as Directus does, so line endings, quoting and the last line agree.
 */
export function csvRows(content: Buffer): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const rows: Array<Record<string, unknown>> = [];
    const parser = Papa.parse(Papa.NODE_STREAM_INPUT, {
      header: true,
      transformHeader: (header: string) => header.trim(),
      transform: (value: string) => {
        if (value.length === 0) return undefined;
        try {
          const parsed: unknown = parseJSON(value);
          return typeof parsed === 'number' ? value : parsed;
        } catch {
          return value;
        }
      },
    });
    parser.on('data', (row: Record<string, unknown>) => {
      const result: Record<string, unknown> = {};
      for (const field in row) if (row[field] !== undefined) set(result, field, row[field]);
      rows.push(result);
    });
    parser.on('error', (error: Error) => reject(new InvalidPayloadError({ reason: error.message })));
    parser.on('end', () => resolve(rows));
    const source = new PassThrough();
    source.pipe(parser);
    source.end(content);
  });
}
