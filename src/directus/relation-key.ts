/**
 * Directus accepts a relational value as a bare key or as a nested object carrying it
 * (`{ id }`, or `{ code }` for departments). Returns the key, or null when there is none.
 */
export function relationKey(value: unknown): number | string | null {
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return null;
  for (const field of ['id', 'code']) {
    const key = (value as Record<string, unknown>)[field];
    if (typeof key === 'number' || typeof key === 'string') return key;
  }
  return null;
}
