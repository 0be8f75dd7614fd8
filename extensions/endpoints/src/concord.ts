import { defineEndpoint } from '@directus/extensions-sdk';
import { ForbiddenError } from '@directus/errors';
import type { Accountability } from '@directus/types';
import type { NextFunction, Request, Response } from 'express';
import { assessTeamComposition } from '../../../src/organisation/composition-store.ts';
import { listCapabilities } from '../../../src/organisation/capability-catalogue.ts';
import { customer360, type ItemsReader } from '../../../src/customers/customer-360.ts';
import { InvalidPayloadError, NotFoundError } from '../../../src/errors.ts';

type Handler = (req: Request & { accountability?: Accountability }, res: Response) => Promise<void>;

/** Routes under /concord. Each checks visibility with the caller's own permissions first. */
export default defineEndpoint({
  id: 'concord',
  handler: (router, { services, getSchema, database }) => {
    const wrap = (handler: Handler) => (req: Request, res: Response, next: NextFunction) => {
      handler(req, res).catch(next);
    };

    router.get(
      '/teams/composition',
      wrap(async (req, res) => {
        const teams = new services.ItemsService('cc_teams', { schema: await getSchema(), accountability: req.accountability ?? null });
        const status = typeof req.query['status'] === 'string' ? req.query['status'] : undefined;
        const visible = await teams.readByQuery({
          fields: ['id', 'name', 'status'],
          filter: status ? { status: { _eq: status } } : { status: { _neq: 'archived' } },
          sort: ['name'],
          limit: -1,
        });
        const data = [];
        for (const team of visible) data.push({ team, ...(await assessTeamComposition(database, team['id'])) });
        res.json({ data });
      }),
    );

    router.get(
      '/teams/:id/composition',
      wrap(async (req, res) => {
        const id = req.params['id'] ?? '';
        if (!/^\d+$/.test(id)) throw new InvalidPayloadError({ field: 'id', reason: 'a team id is a positive whole number' });
        const teams = new services.ItemsService('cc_teams', { schema: await getSchema(), accountability: req.accountability ?? null });
        const [team] = await teams.readByQuery({ filter: { id: { _eq: Number(id) } }, fields: ['id', 'name', 'status'], limit: 1 });
        if (!team) throw new NotFoundError({ collection: 'cc_teams', id });
        const assessment = await assessTeamComposition(database, Number(id));
        res.json({ data: { team, ...assessment, canActivate: assessment.satisfied } });
      }),
    );

    router.get(
      '/customers/:id/360',
      wrap(async (req, res) => {
        const id = req.params['id'] ?? '';
        if (!/^\d+$/.test(id)) throw new InvalidPayloadError({ field: 'id', reason: 'a customer id is a positive whole number' });
        const schema = await getSchema();
        const accountability = req.accountability ?? null;
        const readerFor = (collection: string): ItemsReader => new services.ItemsService(collection, { schema, accountability });
        const picture = await customer360(readerFor, Number(id));
        if (!picture) throw new NotFoundError({ collection: 'cc_customers', id });
        res.json({ data: picture });
      }),
    );

    router.get(
      '/capabilities',
      wrap(async (req, res) => {
        if (!req.accountability?.user) throw new ForbiddenError();
        res.json({ data: await listCapabilities(database) });
      }),
    );
  },
});
