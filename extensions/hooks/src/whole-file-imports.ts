import { defineHook } from '@directus/extensions-sdk';
import type { Accountability, SchemaOverview } from '@directus/types';
import Busboy from 'busboy';
import type { NextFunction, Request, Response } from 'express';
import { InvalidPayloadError } from '../../../src/errors.ts';
import { governedCollections } from '../../../src/access/governed-collections.ts';
import { importWholeFile, type ImportServices } from '../../../src/imports/whole-file-import.ts';

/** What Directus's own middlewares have put on the request by the time routes are mounted. */
type DirectusRequest = Request & { accountability?: Accountability; schema?: SchemaOverview };

/** Imports into Concord's collections read the whole file before its rows are saved (see whole-file-import.ts). */
export default defineHook(({ init }, { services, env }) => {
  // The host's service classes satisfy the slice the import declares.
  const directus = services as ImportServices;
  const { governs } = governedCollections(env);
  init('routes.before', (meta) => {
    const app = meta['app'] as { post(path: string, handler: (req: DirectusRequest, res: Response, next: NextFunction) => void): void };
    app.post('/utils/import/:collection', (req, res, next) => {
      const { accountability, schema } = req;
      const collection = String(req.params['collection']);
      // Directus answers everything else itself: unknown, system and the host's collections, bodies that are not a form.
      if (!schema?.collections[collection] || collection.startsWith('directus_') || !governs(collection) || !req.is('multipart/form-data')) return next();
      let answered = false;
      const answer = (error?: unknown) => {
        if (answered) return;
        answered = true;
        if (error === undefined) res.status(200).end();
        else next(error);
      };
      let busboy: Busboy.Busboy;
      try {
        busboy = Busboy({ headers: req.headers });
      } catch (error) {
        return next(error);
      }
      let files = 0;
      busboy.on('file', (_field, stream, info) => {
        files += 1;
        // One file an import, as in Studio; any other is read and dropped.
        if (files > 1) return void stream.resume();
        const background = ['true', '1'].includes(String(req.query['background']).toLowerCase());
        importWholeFile(directus, { schema, accountability: accountability ?? null }, collection, { mimeType: info.mimeType, stream }, { background }).then(() => answer(), answer);
      });
      busboy.on('error', (error) => answer(error));
      busboy.on('close', () => {
        if (files === 0) answer(new InvalidPayloadError({ field: 'file', reason: { 'zh-CN': '请上传一个要导入的文件', 'en-US': 'send the file to import' } }));
      });
      req.pipe(busboy);
    });
  });
});
