import { defineHook } from '@directus/extensions-sdk';
import type { Express, NextFunction, Request, Response } from 'express';
import { Readable } from 'node:stream';
import { activeFileRefusal, isSvg, servesInline, svgRefusal, type FileDeclaration } from '../../../src/files/active-content.ts';

type Payload = Record<string, unknown>;
type UploadOne = (stream: Readable, data: Payload, primaryKey?: unknown, opts?: unknown) => Promise<unknown>;

/** Larger SVGs are not read whole to look for script: they are refused. */
const SVG_READ_LIMIT = 2 * 1024 * 1024;
const GUARDED = Symbol.for('concord.uploads-guarded');

/**
 * Uploads cannot run as script in Studio (src/files/active-content.ts): script and page types are
 * refused on every upload path, and /assets serves only passive types inline, always `nosniff`.
 */
export default defineHook(({ filter, init }, { services }) => {
  // Directus writes an upload's row with events off (POST /files, PATCH /files/:id, /files/import,
  // exports), so no filter sees it: every upload passes FilesService.uploadOne, which is wrapped here.
  guardUploads((services as { FilesService: { prototype: Record<string | symbol, unknown> } }).FilesService.prototype);

  // Rows written as data (POST /files with JSON, PATCH /files/:id, GraphQL) declare a type or name too.
  filter<Payload>('files.create', (payload) => refuseDeclared(payload));
  filter<Payload>('files.update', (payload) => refuseDeclared(payload));

  init('routes.before', (meta) => {
    // Before Directus mounts /assets.
    (meta['app'] as Express).use('/assets', serveAssetsPassively);
  });
});

function refuseDeclared(payload: Payload): Payload {
  const declared: FileDeclaration = { filename: payload['filename_download'], type: payload['type'] };
  const refusal = activeFileRefusal(declared);
  if (refusal) throw refusal;
  return payload;
}

function guardUploads(prototype: Record<string | symbol, unknown>): void {
  if (prototype[GUARDED]) return;
  const uploadOne = prototype['uploadOne'] as UploadOne;
  prototype['uploadOne'] = async function guardedUploadOne(this: unknown, stream: Readable, data: Payload, primaryKey?: unknown, opts?: unknown) {
    const declared: FileDeclaration = { filename: data?.['filename_download'], type: data?.['type'] };
    const refusal = activeFileRefusal(declared);
    if (refusal) {
      // Let the rest of the request body flow, so the refusal is answered at once.
      stream.resume();
      throw refusal;
    }
    if (!isSvg(declared)) return uploadOne.call(this, stream, data, primaryKey, opts);
    const content = await readUpTo(stream, SVG_READ_LIMIT);
    // An SVG too large to read is refused like a scripted one: its content cannot be vouched for.
    const svgRefused = svgRefusal(declared, content === null ? '<script>' : content.toString('utf8'));
    if (svgRefused) throw svgRefused;
    const replay = Readable.from([content as Buffer]) as Readable & { truncated?: boolean };
    if ((stream as Readable & { truncated?: boolean }).truncated) replay.truncated = true;
    return uploadOne.call(this, replay, data, primaryKey, opts);
  };
  prototype[GUARDED] = true;
}

/** The whole stream, or null (the rest drained) when it is longer than `limit` bytes. */
async function readUpTo(stream: Readable, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > limit) {
      stream.resume();
      return null;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Directus's asset route sets the file's stored type and an inline disposition; a type not known
 * to be passive is replaced by `application/octet-stream` as an attachment, and browsers are told
 * not to guess (a script tag then refuses it, and a frame downloads it instead of showing it).
 */
function serveAssetsPassively(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const setHeader = res.setHeader.bind(res);
  let neutral = false;
  res.setHeader = ((name: string, value: number | string | readonly string[]) => {
    const header = name.toLowerCase();
    if (header === 'content-type') {
      neutral = !servesInline(String(value));
      if (!neutral) return setHeader(name, value);
      const disposition = res.getHeader('Content-Disposition');
      if (disposition !== undefined) setHeader('Content-Disposition', asAttachment(String(disposition)));
      return setHeader(name, 'application/octet-stream');
    }
    if (header === 'content-disposition' && neutral) return setHeader(name, asAttachment(String(value)));
    return setHeader(name, value);
  }) as Response['setHeader'];
  next();
}

function asAttachment(disposition: string): string {
  return /^\s*(inline|attachment)\b/i.test(disposition) ? disposition.replace(/^\s*(inline|attachment)\b/i, 'attachment') : `attachment; ${disposition}`;
}
