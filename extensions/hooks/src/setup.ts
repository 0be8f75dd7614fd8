import { readFileSync } from 'node:fs';
import { defineHook } from '@directus/extensions-sdk';
import { setUpConcord } from '../../../src/setup/setup.ts';
import { SettingError } from '../../../src/setup/setting-error.ts';
import type { Snapshot } from '../../../src/setup/schema-snapshot.ts';

/**
 * Sets Concord up in the Directus project that loads the bundle, as it starts and before it serves
 * (Directus's createApp awaits `app.before`): src/setup/setup.ts. The schema Concord owns ships
 * beside the built api.js (dist/concord/schema.json). A setup that cannot finish stops the server
 * with one sentence: Directus would otherwise only log a failed init hook and serve Concord's
 * routes on a half-set-up database.
 */
export default defineHook(({ init }, { services, getSchema, database, env, logger }) => {
  init('app.before', async () => {
    const print = (line: string) => process.stdout.write(`${line}\n`);
    try {
      const started = Date.now();
      const snapshot = JSON.parse(readFileSync(new URL('../schema.json', import.meta.url), 'utf8')) as Snapshot;
      const report = await setUpConcord({ database, services: services as unknown as Record<string, unknown>, getSchema, env, snapshot, print });
      const changed = report.schemaChanges.length === 0 ? 'no schema change' : `${report.schemaChanges.length} schema change${report.schemaChanges.length === 1 ? '' : 's'}`;
      print(`Concord is set up (${changed}${report.demoSeeded ? ', demo company seeded' : ''}) in ${((Date.now() - started) / 1000).toFixed(1)}s.`);
    } catch (error) {
      const sentence = error instanceof SettingError || (error as Error | undefined)?.name === 'SettingError' ? (error as Error).message : null;
      // A refusal the person starting it can act on is one sentence; anything else is logged whole.
      if (sentence !== null) process.stderr.write(`Concord cannot start: ${sentence}\n`);
      else logger.error(error, 'Concord: the setup failed; each of its steps is idempotent, so starting again is safe once the cause is gone');
      process.exit(1);
    }
  });
});
