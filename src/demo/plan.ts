/**
 * What the demo generator produces: rows per table with plan-local integer ids (1..n per table),
 * and which fields point at which planned table, so the writer can shift ids past existing rows.
 * Timestamps are Date objects; `date` fields are Dates at UTC midnight.
 */
export type Cell = string | number | boolean | Date | null | Record<string, unknown> | unknown[];
export type Row = Record<string, Cell>;

export interface TablePlan {
  table: string;
  rows: Row[];
  /** field → planned table whose plan-local ids the field holds. */
  refs: Record<string, string>;
}

export interface DemoPlan {
  tables: TablePlan[];
}

/** Existing rows the generator builds on (read from the database before generating). */
export interface DemoWorld {
  now: Date;
  departments: string[];
  /** Staff by department (user ids). */
  staff: Record<string, string[]>;
  /** Capabilities held by each department (live matrix). */
  capabilities: Record<string, string[]>;
  teams: Array<{ id: number; members: string[]; lead: string | null }>;
  workflows: Array<{
    id: number;
    key: string;
    case_type: string;
    resolution_sla_hours: number;
    states: Array<{ id: number; key: string; owner_department: string; response_sla_hours: number; is_initial: boolean; is_terminal: boolean }>;
    transitions: Array<{ id: number; from_state: number; to_state: number; capability: string; required_fields: string[]; is_reopen: boolean; is_resolution: boolean }>;
  }>;
}
