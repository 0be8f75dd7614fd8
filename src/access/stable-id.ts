import { createHash } from 'node:crypto';

/**
 * Fixed ids for configuration rows (roles, policies, access links, presets), derived from a name
 * so that applying the configuration twice, or on another database, targets the same rows.
 * Formatted as a version-5-style UUID.
 */
export function stableId(name: string): string {
  const hex = createHash('sha1').update(`concord:${name}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
