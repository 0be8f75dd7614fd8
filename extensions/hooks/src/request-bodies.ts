import { defineHook } from '@directus/extensions-sdk';
import type { Express } from 'express';
import { bodyTimeoutMs, deferBody } from '../../../src/http/request-body.ts';

/**
 * Bodies sent to /concord are read by the routes themselves, after the caller or the survey token
 * is checked and within a limit, never by Directus's JSON parser ahead of authentication
 * (src/http/request-body.ts says why and how).
 */
export default defineHook(({ init }, { env }) => {
  const timeoutMs = bodyTimeoutMs(env);
  // middlewares.before: after Directus's security headers, before its body parser.
  init('middlewares.before', (meta) => {
    (meta['app'] as Express).use('/concord', (req, res, next) => {
      deferBody(req, res, timeoutMs);
      next();
    });
  });
});
