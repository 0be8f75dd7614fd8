import type { Knex } from 'knex';

/**
 * What an evaluation scores (metrics.md): every department, and every team whose status is not
 * `forming`. A scope's manager (the department's head, the team's lead) receives its scorecard and
 * owns the improvement actions proposed for it.
 */
export type ScopeKind = 'department' | 'team';

export interface Scope {
  kind: ScopeKind;
  /** Department code, or team id as text. */
  key: string;
  name: string;
  name_en: string | null;
  manager: string | null;
}

/** `department:sales`, `team:3`: how metric rows and stored scores are matched to scopes. */
export function scopeId(kind: string, key: string | number): string {
  return `${kind}:${key}`;
}

export async function loadScopes(db: Knex, filter: { kind?: ScopeKind; key?: string } = {}): Promise<Scope[]> {
  const scopes: Scope[] = [];
  if (filter.kind !== 'team') {
    const query = db('cc_departments').select('code', 'name_zh', 'name_en', 'head').orderBy(['sort', 'code']);
    if (filter.key !== undefined) query.where('code', filter.key);
    for (const row of await query) scopes.push({ kind: 'department', key: String(row.code), name: String(row.name_zh), name_en: (row.name_en as string | null) ?? null, manager: (row.head as string | null) ?? null });
  }
  if (filter.kind !== 'department') {
    const query = db('cc_teams').select('id', 'name', 'lead').whereNot('status', 'forming').orderBy('id');
    if (filter.key !== undefined) query.where('id', Number(filter.key));
    for (const row of await query) scopes.push({ kind: 'team', key: String(row.id), name: String(row.name), name_en: null, manager: (row.lead as string | null) ?? null });
  }
  return scopes;
}
