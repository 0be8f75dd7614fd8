import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const EXTENSIONS_DIR = join(ROOT, 'extensions');
/** Where `npm run build` leaves the Concord bundle extension. */
export const BUNDLE_DIR = join(ROOT, 'dist', 'concord');
export const SNAPSHOT_FILE = join(ROOT, 'snapshots', 'schema.yaml');
export const DATA_DIR = join(ROOT, '.data');
export const ENV_FILE = join(ROOT, '.env');
export const BIN_DIR = join(ROOT, 'node_modules', '.bin');
