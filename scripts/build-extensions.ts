/** Builds the four extension bundles (each is its own Directus bundle under extensions/). */
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSIONS_DIR } from '../host/paths.ts';

const bundles = readdirSync(EXTENSIONS_DIR).filter((name) => existsSync(join(EXTENSIONS_DIR, name, 'package.json')));
for (const bundle of bundles) {
  const started = Date.now();
  const result = spawnSync('directus-extension', ['build', '--no-minify'], { cwd: join(EXTENSIONS_DIR, bundle), stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    console.error(`Building the ${bundle} bundle failed (see above).`);
    process.exit(1);
  }
  console.log(`built extensions/${bundle} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}
