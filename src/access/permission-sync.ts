import type { PermissionRule } from './model.ts';

export interface StoredPermission extends PermissionRule {
  id: number;
}

export interface PermissionRow {
  policy: string;
  collection: string;
  action: string;
  fields: string[];
  permissions: Record<string, unknown> | null;
  validation: Record<string, unknown> | null;
  presets: Record<string, unknown> | null;
}

/** Where permissions are read and written: the REST API from scripts, Directus services in hooks. */
export interface PermissionStore {
  list(policy: string): Promise<StoredPermission[]>;
  create(row: PermissionRow): Promise<void>;
  update(id: number, row: PermissionRow): Promise<void>;
  remove(ids: number[]): Promise<void>;
}

/** Sets exactly `wanted` on the policy, matching rows by collection and action; untouched rows stay as they are. */
export async function syncPolicyPermissions(store: PermissionStore, policy: string, wanted: readonly PermissionRule[]): Promise<void> {
  const byKey = new Map((await store.list(policy)).map((row) => [`${row.collection}:${row.action}`, row]));
  for (const rule of wanted) {
    const row: PermissionRow = {
      policy,
      collection: rule.collection,
      action: rule.action,
      fields: rule.fields,
      permissions: rule.permissions ?? null,
      validation: rule.validation ?? null,
      presets: rule.presets ?? null,
    };
    const key = `${rule.collection}:${rule.action}`;
    const current = byKey.get(key);
    byKey.delete(key);
    if (!current) await store.create(row);
    else if (!samePermission(current, row)) await store.update(current.id, row);
  }
  const extra = [...byKey.values()].map((row) => row.id);
  if (extra.length > 0) await store.remove(extra);
}

type Comparable = { fields?: unknown; permissions?: unknown; validation?: unknown; presets?: unknown };

function samePermission(a: Comparable, b: Comparable): boolean {
  const norm = (v: unknown) => JSON.stringify(v ?? null);
  return (
    norm(a.fields) === norm(b.fields) &&
    norm(a.permissions) === norm(b.permissions) &&
    norm(a.validation) === norm(b.validation) &&
    norm(a.presets) === norm(b.presets)
  );
}
