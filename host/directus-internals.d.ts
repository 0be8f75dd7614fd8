/**
 * The few Directus internals the schema step runs in-process (host/schema-child.ts): the same
 * functions `directus schema snapshot|apply` call, of the exact @directus/api version in package.json.
 */
declare module '@directus/api/database/index' {
  import type { Knex } from 'knex';
  export default function getDatabase(): Knex;
  export function isInstalled(): Promise<boolean>;
}

declare module '@directus/api/utils/get-snapshot' {
  import type { Knex } from 'knex';
  export function getSnapshot(options: { database: Knex }): Promise<unknown>;
}

declare module '@directus/api/utils/get-snapshot-diff' {
  export interface SnapshotDiffEntry {
    collection: string;
    field?: string;
    diff: Array<{ kind: 'N' | 'D' | 'E' | 'A'; path?: Array<string | number> }>;
  }
  export interface SnapshotDiff {
    collections: SnapshotDiffEntry[];
    fields: SnapshotDiffEntry[];
    systemFields: SnapshotDiffEntry[];
    relations: SnapshotDiffEntry[];
  }
  export function getSnapshotDiff(current: unknown, after: unknown): SnapshotDiff;
}

declare module '@directus/api/utils/apply-snapshot' {
  import type { Knex } from 'knex';
  import type { SnapshotDiff } from '@directus/api/utils/get-snapshot-diff';
  export function applySnapshot(snapshot: unknown, options: { current: unknown; diff: SnapshotDiff; database: Knex }): Promise<void>;
}
