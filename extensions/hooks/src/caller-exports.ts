import { defineHook } from '@directus/extensions-sdk';
import type { Accountability, SchemaOverview } from '@directus/types';
import type { NextFunction, Request, Response } from 'express';
import { governedCollections } from '../../../src/access/governed-collections.ts';
import { EXPORT_FORMATS, exportForCaller, type ExportFormat, type ExportServices } from '../../../src/exports/caller-export.ts';

type ExportRequestBody = { query?: unknown; format?: unknown; file?: unknown };
/** What Directus's own middlewares have put on the request by the time routes are mounted. */
type DirectusRequest = Request & { accountability?: Accountability; schema?: SchemaOverview };

/** Exports by non-administrators run without holding SQLite's one connection (see caller-export.ts). */
export default defineHook(({ init }, { services, env, logger }) => {
  // The host's service classes satisfy the slice the export declares.
  const directus = services as ExportServices;
  const { governs } = governedCollections(env);
  const batchSize = Number(env['EXPORT_BATCH_SIZE']) > 0 ? Number(env['EXPORT_BATCH_SIZE']) : 5000;

  init('routes.before', (meta) => {
    // routes.before hands over the Express app, before Directus mounts /utils.
    const app = meta['app'] as { post(path: string, handler: (req: DirectusRequest, res: Response, next: NextFunction) => void): void };
    app.post('/utils/export/:collection', (req, res, next) => {
      const { accountability, schema } = req;
      const collection = String(req.params['collection']);
      const body = (req.body ?? {}) as ExportRequestBody;
      // Directus answers everything else itself: admins, unknown collections, system and ungoverned collections, malformed requests.
      if (!accountability || accountability.admin || !schema?.collections[collection] || collection.startsWith('directus_') || !governs(collection)) return next();
      if (typeof body.query !== 'object' || body.query === null || !EXPORT_FORMATS.includes(body.format as ExportFormat)) return next();
      const file = typeof body.file === 'object' && body.file !== null ? (body.file as Record<string, unknown>) : undefined;
      exportForCaller(directus, { schema, accountability }, { collection, query: body.query as Record<string, unknown>, format: body.format as ExportFormat, file, batchSize }).catch(
        (error: unknown) => logger.error(error, `Concord: the export of ${collection} failed`),
      );
      res.status(204).end();
    });
  });
});
