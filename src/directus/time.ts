import type { Knex } from 'knex';

/**
 * Directus stores timestamps on SQLite as epoch milliseconds and as native timestamps elsewhere;
 * values we write or compare against through knex must follow suit.
 */
export function toDbTime(db: Knex, date: Date): Date | number {
  return isSqlite(db) ? date.getTime() : date;
}

export function fromDbTime(value: unknown): Date | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  const text = String(value);
  return /^\d+$/.test(text) ? new Date(Number(text)) : new Date(text.includes('T') || text.endsWith('Z') ? text : `${text.replace(' ', 'T')}Z`);
}

export function isSqlite(db: Knex): boolean {
  const client = db.client.config.client;
  return client === 'sqlite3' || client === 'better-sqlite3';
}
