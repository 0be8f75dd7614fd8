import { defineEndpoint } from '@directus/extensions-sdk';
import { ForbiddenError } from '@directus/errors';
import type { Accountability } from '@directus/types';
import type { NextFunction, Request, Response } from 'express';
import { assessTeamComposition } from '../../../src/organisation/composition-store.ts';
import { listCapabilities } from '../../../src/organisation/capability-catalogue.ts';
import { customer360, type ItemsReader } from '../../../src/customers/customer-360.ts';
import type { DirectusServices } from '../../../src/directus-services.ts';
import { availableTransitions, transitionCase } from '../../../src/workflows/case-workflow.ts';
import { overrideCaseState, repairCaseEvent } from '../../../src/workflows/admin-repairs.ts';
import { escalateSlaBreaches } from '../../../src/workflows/sla-escalation.ts';
import { recordUnrecordedStateChanges } from '../../../src/workflows/state-audit.ts';
import { AdminOnlyError, InvalidPayloadError, NotFoundError } from '../../../src/errors.ts';

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

    // The host's service classes satisfy the slice Concord declares.
    const directus = services as DirectusServices;
    const positiveId = (value: string | undefined, field: string): number => {
      if (!value || !/^\d+$/.test(value) || Number(value) <= 0 || Number(value) > 2_147_483_647) {
        throw new InvalidPayloadError({ field, reason: 'an id is a positive whole number' });
      }
      return Number(value);
    };
    const body = (req: Request): Record<string, unknown> => {
      const value: unknown = req.body;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidPayloadError({ field: 'body', reason: 'send a JSON object' });
      return value as Record<string, unknown>;
    };

    router.get(
      '/cases/:id/transitions',
      wrap(async (req, res) => {
        const caseId = positiveId(req.params['id'], 'id');
        const context = { db: database, services: directus, schema: await getSchema(), accountability: req.accountability ?? null };
        res.json({ data: await availableTransitions(context, caseId) });
      }),
    );

    router.post(
      '/cases/:id/transitions',
      wrap(async (req, res) => {
        const caseId = positiveId(req.params['id'], 'id');
        const { to, from, fields, note } = body(req);
        if (from !== undefined && from !== null && typeof from !== 'number' && typeof from !== 'string') {
          throw new InvalidPayloadError({ field: 'from', reason: 'the state id or key you saw the case in' });
        }
        if (fields !== undefined && (typeof fields !== 'object' || fields === null || Array.isArray(fields))) {
          throw new InvalidPayloadError({ field: 'fields', reason: 'an object such as { "resolution_note": "…" }' });
        }
        const context = { db: database, services: directus, schema: await getSchema(), accountability: req.accountability ?? null };
        const result = await transitionCase(context, {
          caseId,
          to: to as number | string,
          from: (from as number | string | null | undefined) ?? null,
          fields: (fields as Record<string, string | null> | undefined) ?? {},
          note: (note as string | null | undefined) ?? null,
        });
        res.json({ data: result });
      }),
    );

    router.post(
      '/cases/:id/override',
      wrap(async (req, res) => {
        const caseId = positiveId(req.params['id'], 'id');
        const { to, reason } = body(req);
        res.json({ data: await overrideCaseState(database, req.accountability ?? null, { caseId, to, reason }) });
      }),
    );

    router.post(
      '/case-events/:id/repair',
      wrap(async (req, res) => {
        const eventId = positiveId(req.params['id'], 'id');
        const { action, changes, reason } = body(req);
        res.json({ data: await repairCaseEvent(database, req.accountability ?? null, { eventId, action, changes, reason }) });
      }),
    );

    router.post(
      '/sla/escalate',
      wrap(async (req, res) => {
        if (!req.accountability?.admin) throw new AdminOnlyError({ action: 'run the SLA escalation by hand' });
        res.json({ data: await escalateSlaBreaches({ db: database, services: directus, schema: await getSchema() }) });
      }),
    );

    router.post(
      '/audit/case-states',
      wrap(async (req, res) => {
        if (!req.accountability?.admin) throw new AdminOnlyError({ action: 'run the case state audit by hand' });
        res.json({ data: { recorded: await recordUnrecordedStateChanges(database) } });
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
