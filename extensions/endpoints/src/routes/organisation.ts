import { ForbiddenError } from '@directus/errors';
import { assessTeamComposition, firstCompositionGap } from '../../../../src/organisation/composition-store.ts';
import { listCapabilities } from '../../../../src/organisation/capability-catalogue.ts';
import { previewTeamComposition } from '../../../../src/organisation/composition-preview.ts';
import { NotFoundError } from '../../../../src/errors.ts';
import { jsonBody, positiveId, wrap, type RouteContext } from './context.ts';

/** Teams against the composition rules (Table 1) and the capability catalogue (Table 2). */
export function registerOrganisationRoutes({ router, services, getSchema, database }: RouteContext): void {
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
      for (const team of visible) data.push({ team, ...(await assessTeamComposition(database, team['id'] as number)) });
      res.json({ data });
    }),
  );

  router.get(
    '/teams/:id/composition',
    wrap(async (req, res) => {
      const id = positiveId(req.params['id'], 'id');
      const teams = new services.ItemsService('cc_teams', { schema: await getSchema(), accountability: req.accountability ?? null });
      const [team] = await teams.readByQuery({ filter: { id: { _eq: id } }, fields: ['id', 'name', 'status'], limit: 1 });
      if (!team) throw new NotFoundError({ collection: 'cc_teams', id: String(id) });
      const [assessment, gap] = await Promise.all([assessTeamComposition(database, id), firstCompositionGap(database, id)]);
      // Activation is judged on every day from today on: a scheduled departure can stand in its way.
      res.json({ data: { team, ...assessment, canActivate: gap === null, firstGapOn: gap?.day ?? null } });
    }),
  );

  // The team form's composition while it is being edited: stored members plus the staged changes.
  router.post(
    '/teams/composition/preview',
    wrap(async (req, res) => {
      if (!req.accountability?.user) throw new ForbiddenError();
      const { team, members } = jsonBody(req);
      let teamId: number | null = null;
      if (team !== undefined && team !== null) {
        teamId = positiveId(String(team), 'team');
        const teams = new services.ItemsService('cc_teams', { schema: await getSchema(), accountability: req.accountability });
        const visible = await teams.readByQuery({ filter: { id: { _eq: teamId } }, fields: ['id'], limit: 1 });
        if (visible.length === 0) throw new NotFoundError({ collection: 'cc_teams', id: String(teamId) });
      }
      const assessment = await previewTeamComposition(database, teamId, members);
      res.json({ data: { ...assessment, canActivate: assessment.firstGapOn === null } });
    }),
  );

  router.get(
    '/capabilities',
    wrap(async (req, res) => {
      if (!req.accountability?.user) throw new ForbiddenError();
      res.json({ data: await listCapabilities(database) });
    }),
  );
}
