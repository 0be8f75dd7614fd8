import { defineEndpoint } from '@directus/extensions-sdk';
import type { DirectusServices } from '../../../src/directus/services.ts';
import { callerThenBody, type RouteContext } from './routes/context.ts';
import { registerCaseRoutes } from './routes/cases.ts';
import { registerCustomerRoutes } from './routes/customers.ts';
import { registerEvaluationRoutes } from './routes/evaluation.ts';
import { registerInsightRoutes } from './routes/insights.ts';
import { registerOrganisationRoutes } from './routes/organisation.ts';
import { registerSurveyRoutes } from './routes/surveys.ts';

/** Routes under /concord, one module per area. Each checks visibility with the caller's own permissions first. */
export default defineEndpoint({
  id: 'concord',
  handler: (router, { services, getSchema, database, env, logger }) => {
    router.use(callerThenBody);
    // The host's service classes satisfy the slice Concord declares.
    const context: RouteContext = { router, services: services as DirectusServices, database, getSchema: () => getSchema(), env, logger };
    registerOrganisationRoutes(context);
    registerCustomerRoutes(context);
    registerCaseRoutes(context);
    registerEvaluationRoutes(context);
    registerSurveyRoutes(context);
    registerInsightRoutes(context);
  },
});
