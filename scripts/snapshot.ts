/** `npm run snapshot`: writes the live schema (from the running local Concord) back to snapshots/. */
import { writeFileSync } from 'node:fs';
import { loadLocalEnv, resolveSettings, SettingError } from '../host/env.ts';
import { SNAPSHOT_FILE } from '../host/paths.ts';

async function main(): Promise<void> {
  const settings = resolveSettings(loadLocalEnv());
  const url = process.env['CONCORD_URL'] ?? `http://127.0.0.1:${settings.port}`;
  const response = await fetch(`${url}/schema/snapshot?export=yaml`, { headers: { authorization: `Bearer ${settings.adminToken}` } }).catch(() => null);
  if (!response) throw new SettingError(`No Concord answers at ${url}; start it with npm start first (or set CONCORD_URL).`);
  if (!response.ok) throw new Error(`Snapshot failed: ${response.status} ${await response.text()}`);
  writeFileSync(SNAPSHOT_FILE, await response.text());
  console.log(`Wrote ${SNAPSHOT_FILE}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
