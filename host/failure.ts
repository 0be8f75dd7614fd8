import { SettingError } from './env.ts';

/**
 * What went wrong, for a person at a terminal: a setting they can fix as the sentence it is, a
 * database error as the database said it (knex prefixes the whole SQL statement, which can run to
 * thousands of characters), a failed Directus step as its own error lines rather than its log.
 */
export function describeFailure(error: unknown): string {
  if (error instanceof SettingError) return error.message;
  if (!(error instanceof Error)) return String(error);
  const database = databaseError(error);
  if (database) return database;
  const [headline = '', ...rest] = error.message.split('\n');
  if (rest.length === 0) return clip(headline);
  const errorLines = rest.filter((line) => /\b(ERROR|Error|error:)/.test(line)).slice(0, 8);
  return clip([headline, ...(errorLines.length > 0 ? errorLines : rest.slice(-12))].join('\n'));
}

function databaseError(error: Error): string | null {
  const e = error as Error & { code?: unknown; detail?: unknown; table?: unknown; constraint?: unknown };
  if (typeof e.code !== 'string' || !/^(SQLITE_|[0-9A-Z]{5}$)/.test(e.code)) return null;
  // knex: "<statement> - <the database's message>"
  const said = e.message.includes(' - ') ? e.message.slice(e.message.lastIndexOf(' - ') + 3) : e.message;
  const detail = typeof e.detail === 'string' ? ` (${e.detail})` : '';
  return clip(`The database refused a write: ${said}${detail} [${e.code}]`);
}

function clip(text: string): string {
  return text.length > 1500 ? `${text.slice(0, 1500)}…` : text;
}
