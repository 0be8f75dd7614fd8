import type { CapabilityEntry } from './capability-catalogue.ts';

/**
 * The authority matrix as a grid: one row per capability, one column per department, a cell held
 * when the department has an authority row for the capability. Pure; Studio's matrix module reads
 * the rows through the API and edits cc_authorities cell by cell.
 */

export interface MatrixDepartment {
  code: string;
  name_zh: string;
  name_en: string | null;
  sort?: number | null;
}

export interface AuthorityRow {
  id: number;
  department: string;
  capability: string;
}

export interface MatrixRow {
  key: string;
  zh: string | null;
  en: string | null;
  /** Authority row id per department code holding it. */
  held: Record<string, number>;
}

export interface AuthorityMatrix {
  departments: MatrixDepartment[];
  rows: MatrixRow[];
}

/**
 * Rows follow the departments: capabilities of the first department first (as Table 2 lists
 * them), then the next department's new ones; capabilities nobody holds come last, by key.
 */
export function buildAuthorityMatrix(departments: readonly MatrixDepartment[], catalogue: readonly CapabilityEntry[], authorities: readonly AuthorityRow[]): AuthorityMatrix {
  const columns = [...departments].sort((a, b) => (a.sort ?? 0) - (b.sort ?? 0) || a.code.localeCompare(b.code));
  const order = new Map(columns.map((d, index) => [d.code, index]));
  const rows = new Map<string, MatrixRow>(catalogue.map((c) => [c.key, { key: c.key, zh: c.zh, en: c.en, held: {} }]));
  for (const authority of authorities) {
    if (!order.has(authority.department)) continue;
    const row = rows.get(authority.capability) ?? { key: authority.capability, zh: null, en: null, held: {} };
    row.held[authority.department] = authority.id;
    rows.set(authority.capability, row);
  }
  const firstHolder = (row: MatrixRow) => Math.min(...Object.keys(row.held).map((code) => order.get(code) ?? Infinity), Infinity);
  const sorted = [...rows.values()].sort((a, b) => firstHolder(a) - firstHolder(b) || a.key.localeCompare(b.key));
  return { departments: columns, rows: sorted };
}

/** How many capabilities each department holds. */
export function heldPerDepartment(matrix: AuthorityMatrix): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(matrix.departments.map((d) => [d.code, 0]));
  for (const row of matrix.rows) for (const code of Object.keys(row.held)) counts[code] = (counts[code] ?? 0) + 1;
  return counts;
}
