import type { Accountability, SchemaOverview } from '@directus/types';
import { createReadStream } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markdownText } from '../notifications.ts';

/**
 * Exports for callers who are not administrators (POST /utils/export/:collection, as Studio sends
 * it). Directus's own export reads inside a transaction and then resolves the caller's permission
 * variables ($CURRENT_USER.cc_department, …) on the root connection for the CSV headings; SQLite has
 * one connection, so the export waits for itself until the pool gives up (~60 s), stalling every
 * other request, and fails. Here the same export runs without holding a transaction: batches are
 * read through the caller's items service (their row and field permissions, Concord's read scope),
 * written with Directus's own formatter, uploaded as the caller's file and announced to them as
 * Directus does. Administrators keep Directus's path.
 */

export const EXPORT_FORMATS = ['csv', 'csv_utf8', 'json', 'xml', 'yaml'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const MIME_TYPES: Record<ExportFormat, string> = { csv: 'text/csv', csv_utf8: 'text/csv; charset=utf-8', json: 'application/json', xml: 'text/xml', yaml: 'text/yaml' };

type Row = Record<string, unknown>;
type Options = { schema: SchemaOverview; accountability: Accountability | null };

export interface ExportServices {
  ItemsService: new (collection: string, options: Options) => { readByQuery(query: Record<string, unknown>): Promise<Row[]> };
  ExportService: new (options: Options) => { transform(input: Row[], format: string, options: { includeHeader: boolean; includeFooter: boolean; fields: string[] | null }): string };
  FilesService: new (options: Options) => { uploadOne(stream: NodeJS.ReadableStream, data: Row): Promise<string | number> };
  NotificationsService: new (options: Options) => { createOne(data: Row): Promise<unknown> };
}

export interface ExportRequest {
  collection: string;
  /** The query as the client sent it; only its reading parts are used. */
  query: Record<string, unknown>;
  format: ExportFormat;
  file: Row | undefined;
  batchSize: number;
}

/** The query parts an export honours; paging is the export's own. */
export function exportQuery(query: Record<string, unknown>): { query: Record<string, unknown>; limit: number } {
  const kept: Record<string, unknown> = {};
  for (const key of ['fields', 'filter', 'search', 'sort', 'deep', 'alias']) if (query[key] !== undefined) kept[key] = query[key];
  const limit = Number(query['limit'] ?? -1);
  return { query: kept, limit: Number.isInteger(limit) && limit >= 0 ? limit : -1 };
}

/** The CSV columns of a batch, flattened as the formatter flattens (`customer.name`), in first-seen order. */
export function csvHeadings(rows: readonly Row[]): string[] {
  const headings = new Set<string>();
  const visit = (value: Row, prefix: string) => {
    for (const [key, inner] of Object.entries(value)) {
      const name = prefix ? `${prefix}.${key}` : key;
      if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) visit(inner as Row, name);
      else headings.add(name);
    }
  };
  for (const row of rows) visit(row, '');
  return [...headings];
}

export async function exportForCaller(services: ExportServices, options: Options & { accountability: Accountability }, request: ExportRequest): Promise<void> {
  const user = options.accountability.user;
  const directory = await mkdtemp(join(tmpdir(), 'concord-export-'));
  const path = join(directory, 'export');
  try {
    const items = new services.ItemsService(request.collection, options);
    const formatter = new services.ExportService(options);
    const primary = options.schema.collections[request.collection]?.primary ?? 'id';
    const { query, limit } = exportQuery(request.query);
    const sort = [...(Array.isArray(query['sort']) ? (query['sort'] as string[]) : typeof query['sort'] === 'string' ? query['sort'].split(',') : [])];
    if (!sort.includes(primary)) sort.push(primary);
    let headings: string[] | null = null;
    let written = 0;
    let batch: Row[] = await items.readByQuery({ ...query, sort, limit: next(limit, written, request.batchSize), offset: 0 });
    for (let first = true; ; first = false) {
      written += batch.length;
      const following: Row[] =
        batch.length === request.batchSize && next(limit, written, request.batchSize) > 0
          ? await items.readByQuery({ ...query, sort, limit: next(limit, written, request.batchSize), offset: written })
          : [];
      const last = following.length === 0;
      if (request.format.startsWith('csv') && headings === null) headings = csvHeadings(batch);
      if (batch.length > 0 || first) await appendFile(path, formatter.transform(batch, request.format, { includeHeader: first, includeFooter: last, fields: headings }));
      if (last) break;
      batch = following;
    }
    const title = `export-${request.collection}-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}`;
    const file = await new services.FilesService(options).uploadOne(createReadStream(path), {
      ...(request.file ?? {}),
      title: request.file?.['title'] ?? title,
      filename_download: request.file?.['filename_download'] ?? `${title}.${request.format.startsWith('csv') ? 'csv' : request.format}`,
      type: MIME_TYPES[request.format],
    });
    if (user) {
      await new services.NotificationsService({ schema: options.schema, accountability: null }).createOne({
        recipient: user, sender: user, subject: `Your export of ${request.collection} is ready`, collection: 'directus_files', item: String(file),
        message: `Your export of ${request.collection} is ready in your files.`,
      });
    }
  } catch (error: unknown) {
    if (user) {
      await new services.NotificationsService({ schema: options.schema, accountability: null }).createOne({
        recipient: user, sender: user, subject: `Your export of ${request.collection} failed`,
        message: `It stopped with: ${markdownText(error instanceof Error ? error.message : String(error))}`,
      });
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** How many rows the next batch asks for: a batch, or what is left of the caller's limit. */
function next(limit: number, written: number, batchSize: number): number {
  return limit < 0 ? batchSize : Math.min(batchSize, limit - written);
}
