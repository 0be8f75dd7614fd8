/**
 * Which of a form's fields differ from the item as stored. Studio's form holds related items as
 * keys or as objects, and empty text as '' or null; both sides are compared as stored values.
 */
export function unsavedChanges(fields: readonly string[], values: Record<string, unknown>, stored: Record<string, unknown>): string[] {
  return fields.filter((field) => field in values && !sameValue(values[field], stored[field]));
}

function normalised(value: unknown): unknown {
  if (value === undefined || value === '') return null;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'id' in value) return (value as { id: unknown }).id;
  return value;
}

function sameValue(a: unknown, b: unknown): boolean {
  const x = normalised(a);
  const y = normalised(b);
  if (typeof x === 'object' || typeof y === 'object') return JSON.stringify(x) === JSON.stringify(y);
  return String(x) === String(y) || x === y;
}
