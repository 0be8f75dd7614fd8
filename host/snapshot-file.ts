import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import type { Snapshot } from '../src/setup/schema-snapshot.ts';
import { SNAPSHOT_FILE } from './paths.ts';

/** The committed schema Concord owns (snapshots/schema.yaml); the bundle carries it as schema.json. */
export function readSnapshot(file: string = SNAPSHOT_FILE): Snapshot {
  return load(readFileSync(file, 'utf8')) as Snapshot;
}
