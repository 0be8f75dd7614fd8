import type { Knex } from 'knex';

/**
 * The authority matrix is read live from the database on every check, so an edit in Studio
 * applies to the next request on every instance; there is no cache to go stale.
 */
export async function userCapabilities(db: Knex, userId: string): Promise<Set<string>> {
  return (await userAuthority(db, userId)).capabilities;
}

/**
 * The user's department and what it may do, in one read (a transition needs both): the department
 * row joined to its capabilities, one row per capability, or one row of nulls-but-department.
 */
export async function userAuthority(db: Knex, userId: string): Promise<{ department: string | null; capabilities: Set<string> }> {
  const rows: Array<{ department: string | null; capability: string | null }> = await db('directus_users as u')
    .leftJoin('cc_authorities as a', 'a.department', 'u.cc_department')
    .where('u.id', userId)
    .select('u.cc_department as department', 'a.capability');
  return {
    department: rows[0]?.department ?? null,
    capabilities: new Set(rows.flatMap((row) => (row.capability === null || row.capability === undefined ? [] : [row.capability]))),
  };
}

export async function userDepartment(db: Knex, userId: string): Promise<string | null> {
  const row = await db('directus_users').select('cc_department').where('id', userId).first();
  return (row?.cc_department as string | null | undefined) ?? null;
}

export async function departmentsHeadedBy(db: Knex, userId: string): Promise<Set<string>> {
  const rows: Array<{ code: string }> = await db('cc_departments').select('code').where('head', userId);
  return new Set(rows.map((row) => row.code));
}

export async function teamsLedBy(db: Knex, userId: string): Promise<Set<string>> {
  const rows: Array<{ id: number | string }> = await db('cc_teams').select('id').where('lead', userId);
  return new Set(rows.map((row) => String(row.id)));
}
