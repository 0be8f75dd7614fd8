/**
 * Which collections Concord's global guards govern. Concord installs into a Directus project that
 * may have collections of its own; those behave exactly as on plain Directus unless an admin opts
 * them in. Governed are:
 *
 * - Concord's own collections, every one named `cc_…`;
 * - the system collections Concord's rules need: `directus_users` (people: their department, role
 *   and policies follow from it; writer stamps and history point at them) and `directus_files`
 *   (uploads and product images, refused when they could run as script), which carry Concord's
 *   fields and rules, and `directus_dashboards` and `directus_panels`, which Concord's policies
 *   open to each audience (src/access/model.ts grants no other system collection);
 * - host collections named in the CONCORD_GOVERNED_COLLECTIONS setting (`a,b`).
 *
 * Guards that act on a read or write of "any collection" (read-scope rewriting, value checks,
 * create scope, writer fields, judged updates, delete references, caller exports) ask here first.
 * A read that starts in an ungoverned collection is still limited where its filter reaches a
 * governed one (src/access/read-scope.ts).
 */

/** The name of the setting that opts host collections in. */
export const GOVERNED_SETTING = 'CONCORD_GOVERNED_COLLECTIONS';

/** The prefix of every collection Concord brings. */
export const CONCORD_PREFIX = 'cc_';

/** System collections Concord's rules and fields rely on. */
export const GOVERNED_SYSTEM_COLLECTIONS: readonly string[] = ['directus_users', 'directus_files', 'directus_dashboards', 'directus_panels'];

export interface GovernedCollections {
  /** Whether Concord's guards apply to reads and writes of `collection`. */
  governs(collection: string): boolean;
  /** Host collections opted in by the setting, as given (trimmed, without repeats). */
  readonly optedIn: readonly string[];
}

/**
 * Reads the setting from Directus's env (the hook context's `env`). Directus casts a value with a
 * comma to an array, and may parse one without as JSON, so a string, an array or a JSON array of
 * names is accepted; blanks are ignored.
 */
export function governedCollections(env: Readonly<Record<string, unknown>>): GovernedCollections {
  const optedIn = [...new Set(names(env[GOVERNED_SETTING]))];
  const extra = new Set(optedIn);
  return {
    optedIn,
    governs: (collection) => collection.startsWith(CONCORD_PREFIX) || GOVERNED_SYSTEM_COLLECTIONS.includes(collection) || extra.has(collection),
  };
}

function names(value: unknown): string[] {
  if (value === undefined || value === null || value === false) return [];
  if (Array.isArray(value)) return value.flatMap(names);
  const text = String(value).trim();
  if (text.startsWith('[')) {
    try {
      return names(JSON.parse(text) as unknown);
    } catch {
      // Not JSON after all: read as a list.
    }
  }
  return text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}
