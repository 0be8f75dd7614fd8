/**
 * What the schema cannot say about a value, as data. The schema already gives every field its
 * type, length, whether it may be empty, its choices (`meta.options.choices`) and, for numeric
 * inputs, its range (`meta.options.min` / `max`); field-values.ts enforces those for every
 * collection. Add a line here for a rule beyond them; it applies on every write path at once.
 */

export interface FieldRule {
  /** `collection.field` */
  field: string;
  min?: number;
  max?: number;
  /** Allowed values (null is governed by whether the field may be empty). */
  choices?: readonly string[];
  /**
   * Digits and decimal places of a decimal number. PostgreSQL's column says it itself; SQLite keeps
   * no decimal column (Directus makes it a float), so money states it here for both vendors.
   */
  decimal?: { precision: number; scale: number };
  /** The guard that checks this field itself, with a more helpful refusal; the generic check leaves it alone. */
  checkedBy?: string;
}

export interface DateOrderRule {
  collection: string;
  /** The earlier date or time … */
  from: string;
  /** … which this one may not precede. */
  to: string;
}

const MONEY = { precision: 14, scale: 2 };

/**
 * Every date and time a person writes falls within these calendar days (inclusive): the range
 * every supported database and JavaScript hold alike, and wide enough for any record a company
 * keeps. A typo such as 20266-01-01 or 0202-01-01 is refused rather than stored.
 */
export const DATE_RANGE = { from: '1900-01-01', to: '2999-12-31' } as const;

export const FIELD_RULES: readonly FieldRule[] = [
  // Money: the kind of a transaction says whether it is income or expense, so amounts are not negative;
  // yuan to the fen, up to a company's books (decimal(14,2) in snapshots/schema.yaml).
  { field: 'cc_budgets.amount', min: 0, decimal: MONEY },
  { field: 'cc_transactions.amount', min: 0, decimal: MONEY },
  { field: 'cc_purchases.amount', min: 0, decimal: MONEY },
  { field: 'cc_purchases.quantity', min: 0 },
  { field: 'cc_products.list_price', min: 0, decimal: MONEY },
  // Time spent and allowed.
  { field: 'cc_tasks.estimate_hours', min: 0 },
  { field: 'cc_tasks.logged_hours', min: 0 },
  { field: 'cc_trainings.hours', min: 0 },
  { field: 'cc_meetings.duration_minutes', min: 0 },
  { field: 'cc_workflow_states.response_sla_hours', min: 0 },
  { field: 'cc_workflow_states.resolution_sla_hours', min: 0 },
  { field: 'cc_workflows.resolution_sla_hours', min: 0 },
  // A case's state is asked for by id or key and judged by the workflow (ILLEGAL_TRANSITION lists the way on).
  { field: 'cc_cases.state', checkedBy: 'src/workflows/case-guards.ts' },
  // A cycle's kind decides its period; the cycle guard says which kinds and first days fit (INVALID_PERIOD).
  { field: 'cc_evaluation_cycles.period_kind', checkedBy: 'src/evaluation/cycles.ts' },
  // Concord speaks these two languages; Studio offers more.
  { field: 'directus_users.language', choices: ['zh-CN', 'en-US'] },
];

export const DATE_ORDER: readonly DateOrderRule[] = [
  { collection: 'cc_budgets', from: 'period_start', to: 'period_end' },
  { collection: 'cc_projects', from: 'start_on', to: 'due_on' },
  { collection: 'cc_team_members', from: 'since', to: 'until' },
  { collection: 'cc_evaluation_cycles', from: 'starts_on', to: 'ends_on' },
  { collection: 'cc_surveys', from: 'sent_at', to: 'expires_at' },
];
