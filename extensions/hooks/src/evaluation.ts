import { defineHook } from '@directus/extensions-sdk';
import { CronJob } from 'cron';
import {
  discardStaleDraftScores,
  guardCycleDelete,
  guardCycleUpdate,
  prepareCycleCreate,
  refuseScoreWrite,
} from '../../../src/evaluation/cycles.ts';
import { guardActionUpdate, refuseActionCreate } from '../../../src/evaluation/improvement-guards.ts';
import { concordRefusal } from '../../../src/directus/refusals.ts';
import { runScheduledEvaluation } from '../../../src/evaluation/schedule.ts';
import { evaluationSettings } from '../../../src/evaluation/settings.ts';

type Payload = Record<string, unknown>;
type Keys = Array<number | string>;

/** Evaluation cycles, their frozen scores and their improvement actions on every write path; the monthly evaluation schedule. */
export default defineHook(({ filter, action, init }, { database, env, logger }) => {
  const settings = evaluationSettings(env);

  filter<Payload>('cc_evaluation_cycles.items.create', (payload, _meta, { database: db }) => prepareCycleCreate(db, payload, settings));
  filter<Payload>('cc_evaluation_cycles.items.update', (payload, meta, { database: db }) => guardCycleUpdate(db, meta['keys'] as Keys, payload, settings));
  action('cc_evaluation_cycles.items.update', async (meta) => {
    try {
      await discardStaleDraftScores(database, meta['keys'] as Keys, meta['payload'] as Payload);
    } catch (error) {
      logger.error(error, 'Concord: discarding stale draft scores failed');
    }
  });
  filter<Keys>('cc_evaluation_cycles.items.delete', async (keys, _meta, { database: db }) => {
    await guardCycleDelete(db, keys);
    return keys;
  });

  filter('cc_evaluation_scores.items.create', (_payload, _meta, { database: db }) => refuseScoreWrite(db, 'created'));
  filter('cc_evaluation_scores.items.update', (_payload, meta, { database: db }) => refuseScoreWrite(db, 'changed', meta['keys'] as Keys));
  filter<Keys>('cc_evaluation_scores.items.delete', (keys, _meta, { database: db }) => refuseScoreWrite(db, 'deleted', keys));

  filter('cc_improvement_actions.items.create', () => refuseActionCreate());
  filter<Payload>('cc_improvement_actions.items.update', (payload, meta, { database: db }) => guardActionUpdate(db, meta['keys'] as Keys, payload));

  // Freeze triggers and race-settling unique keys become the refusals they stand for.
  filter('database.error', (error) => concordRefusal(error));

  if (env['CONCORD_EVALUATION_ENABLED'] === false || env['CONCORD_EVALUATION_ENABLED'] === 'false') return;
  const cron = typeof env['CONCORD_EVALUATION_CRON'] === 'string' && env['CONCORD_EVALUATION_CRON'] !== '' ? env['CONCORD_EVALUATION_CRON'] : '0 2 1 * *';
  // Directus's own schedule reads cron in the server's zone; the evaluation runs on company time.
  init('app.after', () => {
    CronJob.from({
      cronTime: cron,
      timeZone: settings.timeZone,
      start: true,
      onTick: async () => {
        try {
          const report = await runScheduledEvaluation({ db: database, settings });
          if (report.created.length > 0) logger.info(`Concord: evaluated ${report.created.map((r) => `cycle ${r.cycle}`).join(', ')} (drafts, to be reviewed and published)`);
        } catch (error) {
          logger.error(error, 'Concord: the scheduled evaluation failed');
        }
      },
    });
  });
});
