/**
 * `npm run snapshot`: writes the schema of Concord's database (the one the environment or .env
 * names) back to snapshots/, in the committed file's terms wherever they mean the same, so a
 * snapshot taken on PostgreSQL changes only what really changed (host/schema-snapshot.ts). Reads
 * the database directly: no running server or token needed.
 */
import { writeFileSync } from 'node:fs';
import { exportSchema } from '../host/directus.ts';
import { loadLocalEnv, resolveSettings, SettingError } from '../host/env.ts';
import { SNAPSHOT_FILE } from '../host/paths.ts';

async function main(): Promise<void> {
  const settings = resolveSettings(loadLocalEnv());
  writeFileSync(SNAPSHOT_FILE, await exportSchema(settings.directus));
  console.log(`Wrote ${SNAPSHOT_FILE}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof SettingError ? `Cannot snapshot: ${error.message}` : error instanceof Error ? error.message.slice(0, 2000) : error);
  process.exit(1);
});
