import { defineHook } from '@directus/extensions-sdk';
import type { Accountability, SchemaOverview } from '@directus/types';
import { LimitExceededError } from '@directus/errors';
import Busboy from 'busboy';
import type { NextFunction, Request, Response } from 'express';
import { InvalidPayloadError, UnreadableBodyError } from '../../../src/errors.ts';
import { governedCollections } from '../../../src/access/governed-collections.ts';
import { UPLOAD_REFUSALS, importWholeFile, type ImportServices } from '../../../src/imports/whole-file-import.ts';
import { bodyTimeoutMs, settleBody } from '../../../src/http/request-body.ts';

/** What Directus's own middlewares have put on the request by the time routes are mounted. */
type DirectusRequest = Request & { accountability?: Accountability; schema?: SchemaOverview };

/** Imports into Concord's collections: the whole file received, then handed to Directus's import as JSON (see whole-file-import.ts). */
export default defineHook(({ init }, { services, env }) => {
  // The host's service classes satisfy the slice the import declares.
  const directus = services as ImportServices;
  const { governs } = governedCollections(env);
  const idleMs = bodyTimeoutMs(env);
  const maxReceiving = Number(env['IMPORT_MAX_CONCURRENCY']) > 0 ? Number(env['IMPORT_MAX_CONCURRENCY']) : 20;
  let receiving = 0;
  init('routes.before', (meta) => {
    const app = meta['app'] as { post(path: string, handler: (req: DirectusRequest, res: Response, next: NextFunction) => void): void };
    app.post('/utils/import/:collection', (req, res, next) => {
      const { accountability, schema } = req;
      const collection = String(req.params['collection']);
      // Directus answers everything else itself: unknown, system and the host's collections, bodies
      // that are not a form, and callers without a login (refused before their file is read).
      if (!schema?.collections[collection] || collection.startsWith('directus_') || !governs(collection) || !req.is('multipart/form-data')) return next();
      if (!accountability?.user && !accountability?.admin) return next();
      // Uploads are held whole before Directus counts its imports: at most as many at once as it allows.
      if (receiving >= maxReceiving) return void settleBody(req, res).then(() => next(new LimitExceededError({ category: 'Concurrent import' })), next);
      receiving += 1;
      let released = false;
      const release = () => {
        if (!released) receiving -= 1;
        released = true;
      };
      // A sender who goes away, or sends no file part in time, is not waited for.
      const cutOff = new AbortController();
      req.once('close', () => {
        if (!req.complete) cutOff.abort();
      });
      cutOff.signal.addEventListener('abort', () => answer(new UnreadableBodyError({ reason: UPLOAD_REFUSALS.cutOff })));
      const noFile = setTimeout(() => answer(new UnreadableBodyError({ reason: UPLOAD_REFUSALS.noFile })), idleMs);
      let answered = false;
      const answer = (error?: unknown) => {
        clearTimeout(noFile);
        release();
        if (answered) return;
        answered = true;
        if (error === undefined) res.status(200).end();
        else next(error);
      };
      let busboy: Busboy.Busboy;
      try {
        busboy = Busboy({ headers: req.headers });
      } catch (error) {
        return answer(error);
      }
      let files = 0;
      busboy.on('file', (_field, stream, info) => {
        files += 1;
        clearTimeout(noFile);
        // One file an import, as in Studio; any other is read and dropped.
        if (files > 1) return void stream.resume();
        const background = ['true', '1'].includes(String(req.query['background']).toLowerCase());
        importWholeFile(directus, { schema, accountability }, collection, { mimeType: info.mimeType, stream }, { background, idleMs, signal: cutOff.signal }).then(() => answer(), answer);
      });
      busboy.on('error', (error) => answer(error));
      busboy.on('close', () => {
        if (files === 0) answer(new InvalidPayloadError({ field: 'file', reason: { 'zh-CN': '请上传一个要导入的文件', 'en-US': 'send the file to import' } }));
      });
      req.pipe(busboy);
    });
  });
});
