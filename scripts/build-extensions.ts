/**
 * `npm run build`: builds Concord as one Directus bundle extension at dist/concord/ — its
 * package.json (type `bundle`, the Directus 11 `host` range, one entry per hook, endpoint,
 * interface, display, panel and module) and its built dist/app.js and dist/api.js, with the schema
 * Concord owns beside them. The entries are read from extensions/<part>/package.json, whose sources
 * stay where they are; nothing of host/ or node_modules ships except what the build bundles in.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BIN_DIR, BUNDLE_DIR, EXTENSIONS_DIR, ROOT, SNAPSHOT_FILE } from '../host/paths.ts';
import { readSnapshot } from '../host/snapshot-file.ts';

/** Directus 11 from the version Concord is tested on; 12 changes the licence terms Concord relies on (README). */
export const DIRECTUS_HOST_RANGE = '^11.17.4';

type Entry = { type: string; name: string; source: string | { app: string; api: string } };

function bundleEntries(): Entry[] {
  const entries: Entry[] = [];
  for (const part of readdirSync(EXTENSIONS_DIR).sort()) {
    const manifest = join(EXTENSIONS_DIR, part, 'package.json');
    if (!existsSync(manifest)) continue;
    const options = (JSON.parse(readFileSync(manifest, 'utf8')) as { 'directus:extension': { entries?: Entry[] } })['directus:extension'];
    const fromRoot = (source: string) => relative(ROOT, join(EXTENSIONS_DIR, part, source));
    for (const entry of options.entries ?? []) {
      const source = typeof entry.source === 'string' ? fromRoot(entry.source) : { app: fromRoot(entry.source.app), api: fromRoot(entry.source.api) };
      entries.push({ type: entry.type, name: entry.name, source });
    }
  }
  return entries;
}

const started = Date.now();
const entries = bundleEntries();
rmSync(BUNDLE_DIR, { recursive: true, force: true });
mkdirSync(BUNDLE_DIR, { recursive: true });
const output = { app: relative(ROOT, join(BUNDLE_DIR, 'dist', 'app.js')), api: relative(ROOT, join(BUNDLE_DIR, 'dist', 'api.js')) };
const result = spawnSync(join(BIN_DIR, 'directus-extension'), ['build', '--no-minify', '-t', 'bundle', '-i', JSON.stringify(entries), '-o', JSON.stringify(output)], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'pipe'],
  encoding: 'utf8',
});
if (result.status !== 0 || !existsSync(join(ROOT, output.app)) || !existsSync(join(ROOT, output.api))) {
  process.stderr.write(result.stdout + result.stderr);
  console.error('Building the Concord bundle failed (see above).');
  process.exit(1);
}
const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; description: string };
writeFileSync(
  join(BUNDLE_DIR, 'package.json'),
  JSON.stringify(
    {
      name: 'concord',
      description: root.description,
      version: root.version,
      type: 'module',
      // `source` names each entry's source in the Concord repository (extensions/<part>/src), relative to its root.
      'directus:extension': { type: 'bundle', path: { app: 'dist/app.js', api: 'dist/api.js' }, entries, host: DIRECTUS_HOST_RANGE },
    },
    null,
    2,
  ) + '\n',
);
// The schema Concord owns, as JSON: the bundle reads it on start without a YAML parser.
writeFileSync(join(BUNDLE_DIR, 'schema.json'), JSON.stringify(readSnapshot(SNAPSHOT_FILE)));
console.log(`built ${relative(ROOT, BUNDLE_DIR)} (${entries.length} entries) in ${((Date.now() - started) / 1000).toFixed(1)}s`);
