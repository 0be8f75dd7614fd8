import { defineHook } from '@directus/extensions-sdk';
import type { DirectusServices } from '../../../src/directus/services.ts';
import { warnAtRiskCases } from '../../../src/diagnostics/early-warning.ts';
import { escalateSlaBreaches } from '../../../src/workflows/sla-escalation.ts';
import { recordUnrecordedStateChanges } from '../../../src/workflows/state-audit.ts';

/**
 * On a schedule (CONCORD_SLA_CRON, default every five minutes): records state changes made
 * without events, then escalates SLA breaches, then warns the owning heads of cases newly at risk of
 * breaching (src/diagnostics/early-warning.ts).
 */
export default defineHook(({ schedule }, { services, getSchema, database, env, logger }) => {
  const cron = typeof env['CONCORD_SLA_CRON'] === 'string' ? env['CONCORD_SLA_CRON'] : '*/5 * * * *';
  if (env['CONCORD_SLA_ENABLED'] === false || env['CONCORD_SLA_ENABLED'] === 'false') return;
  schedule(cron, async () => {
    try {
      const drifted = await recordUnrecordedStateChanges(database);
      if (drifted.length > 0) logger.warn(`Concord: recorded state changes made outside the workflow on cases ${drifted.join(', ')}`);
      const report = await escalateSlaBreaches({ db: database, services: services as DirectusServices, schema: await getSchema() });
      if (report.escalated > 0) logger.info(`Concord: escalated ${report.escalated} SLA breaches`);
      const warnings = await warnAtRiskCases({ db: database, services: services as DirectusServices, schema: await getSchema() });
      if (warnings.warned > 0) logger.info(`Concord: warned of ${warnings.warned} cases at risk of an SLA breach`);
    } catch (error) {
      logger.error(error, 'Concord: SLA escalation failed');
    }
  });
});
