import type { Accountability, SchemaOverview } from '@directus/types';
import type { NextFunction, Request, Response, Router } from 'express';
import type { Knex } from 'knex';
import type { DirectusServices } from '../../../../src/directus/services.ts';
import { ForbiddenError } from '@directus/errors';
import { InvalidPayloadError } from '../../../../src/errors.ts';
import { BODY_LIMIT, readBody, settleBody } from '../../../../src/http/request-body.ts';

export type ConcordRequest = Request & { accountability?: Accountability };
type Handler = (req: ConcordRequest, res: Response) => Promise<void>;

/** What every group of routes is given by the endpoint entry. */
export interface RouteContext {
  router: Router;
  services: DirectusServices;
  database: Knex;
  getSchema: () => Promise<SchemaOverview>;
  env: Record<string, unknown>;
  logger: { error(error: unknown, message?: string): void };
}

/**
 * Hands a rejected promise to Directus's error handler, which answers with the error's code, once
 * whatever is left of the request body is settled (see src/http/request-body.ts).
 */
export const wrap = (handler: Handler) => (req: Request, res: Response, next: NextFunction) => {
  handler(req as ConcordRequest, res).catch((error: unknown) => settleBody(req, res).then(() => next(error), () => next(error)));
};

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);

/**
 * In front of every route: the public survey routes check their token and read their own bodies;
 * every other route needs a signed-in caller, checked before a byte of the body is read, and gets
 * its JSON body read within BODY_LIMIT into `req.body` (`{}` when there is none).
 */
export const callerThenBody = (req: Request, res: Response, next: NextFunction) => {
  const run = async () => {
    if (/^\/public\//i.test(req.path)) return next();
    const accountability = (req as ConcordRequest).accountability;
    if (!accountability?.user && !accountability?.admin) {
      await settleBody(req, res);
      return next(new ForbiddenError());
    }
    if (BODYLESS.has(req.method)) {
      await settleBody(req, res);
      req.body = {};
      return next();
    }
    req.body = await readBody(req, res, { limit: BODY_LIMIT, accept: ['json'] });
    next();
  };
  run().catch((error: unknown) => settleBody(req, res).then(() => next(error), () => next(error)));
};

export function positiveId(value: string | undefined, field: string): number {
  if (!value || !/^\d+$/.test(value) || Number(value) <= 0 || Number(value) > 2_147_483_647) {
    throw new InvalidPayloadError({ field, reason: { 'zh-CN': '编号须为正整数', 'en-US': 'an id is a positive whole number' } });
  }
  return Number(value);
}

export function jsonBody(req: Request): Record<string, unknown> {
  const value: unknown = req.body;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidPayloadError({ field: 'body', reason: { 'zh-CN': '请发送一个 JSON 对象', 'en-US': 'send a JSON object' } });
  return value as Record<string, unknown>;
}
