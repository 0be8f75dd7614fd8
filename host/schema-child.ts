/**
 * `node host/schema-child.ts apply|plan|export <snapshot.yaml> <out>`, spawned with the Directus
 * environment by host/directus.ts, running the functions `directus schema snapshot|apply` run:
 * - apply: brings what Concord owns in the database to the snapshot, aligned with the database's
 *   own vendor terms, deleting nothing it does not list (src/setup/schema-snapshot.ts), and writes the
 *   changes it made to `out` (JSON);
 * - plan: writes the changes apply would make, making none;
 * - export: writes the database's schema to `out` as YAML, in the snapshot's terms wherever they
 *   mean the same (what `npm run snapshot` commits).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dump, load } from 'js-yaml';
import getDatabase, { isInstalled } from '@directus/api/database/index';
import type { SnapshotDiff } from '@directus/api/utils/get-snapshot-diff';
import { alignSnapshot, describeDiff, ownedDiff, type SchemaSyncResult, type Snapshot } from '../src/setup/schema-snapshot.ts';

/**
 * Directus's snapshot functions live in `utils/` on 11 and `utils/schema/` on 12: the newer place
 * first, so the start survives the move.
 */
async function snapshotModule<T>(name: string): Promise<T> {
  try {
    return (await import(`@directus/api/utils/schema/${name}`)) as T;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
    return (await import(`@directus/api/utils/${name}`)) as T;
  }
}
const { applySnapshot } = await snapshotModule<typeof import('@directus/api/utils/apply-snapshot')>('apply-snapshot');
const { getSnapshot } = await snapshotModule<typeof import('@directus/api/utils/get-snapshot')>('get-snapshot');
const { getSnapshotDiff } = await snapshotModule<typeof import('@directus/api/utils/get-snapshot-diff')>('get-snapshot-diff');

const [mode, file, out] = process.argv.slice(2) as ['apply' | 'plan' | 'export', string, string];
const database = getDatabase();
try {
  if (!(await isInstalled())) throw new Error('Directus is not installed on this database; run its bootstrap first.');
  const current = (await getSnapshot({ database })) as Snapshot;
  const snapshot = load(readFileSync(file, 'utf8')) as Snapshot;
  if (mode === 'export') {
    writeFileSync(out, dump(alignSnapshot(current, snapshot)));
  } else {
    const wanted = alignSnapshot(snapshot, current);
    // Only what Concord owns: whatever else the database holds (an admin's collections and fields, the host project's) stays.
    const diff = ownedDiff(getSnapshotDiff(current, wanted), wanted) as SnapshotDiff;
    const changes = describeDiff(diff);
    if (mode === 'apply' && changes.length > 0) await applySnapshot(wanted, { current, diff, database });
    const result: SchemaSyncResult = { vendor: current.vendor ?? 'unknown', changes };
    writeFileSync(out, JSON.stringify(result));
  }
} finally {
  await database.destroy();
}
// Directus's cache and bus clients keep the event loop alive.
process.exit(0);
