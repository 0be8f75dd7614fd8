import type { Knex } from 'knex';
import type { DemoPlan, Row, TablePlan } from '../demo/plan.ts';

export type Progress = (written: number, total: number) => void;

/**
 * Inserts a generated plan in dependency order, in batches, all in one transaction: a write cut
 * off half-way leaves nothing, so "no cases yet" still means "not seeded". Plan-local integer ids
 * are shifted past the rows already in each table, and so are the references to them. Returns the
 * number of rows written per table.
 */
export async function writePlan(db: Knex, plan: DemoPlan, progress?: Progress): Promise<Record<string, number>> {
  const ordered = dependencyOrder(plan.tables);
  const total = ordered.reduce((n, t) => n + t.rows.length, 0);
  const sqlite = db.client.config.client === 'sqlite3';
  return db.transaction(async (trx) => {
    const offsets = new Map<string, number>();
    for (const { table, rows } of ordered) {
      if (typeof rows[0]?.['id'] !== 'number') continue;
      const result = await trx(table).max({ max: 'id' }).first();
      offsets.set(table, Number(result?.['max'] ?? 0));
    }
    const written: Record<string, number> = {};
    let done = 0;
    for (const { table, rows, refs } of ordered) {
      const shift = offsets.get(table);
      const prepared = rows.map((row) => prepareRow(row, shift, refs, offsets, sqlite));
      const columns = Math.max(1, Object.keys(prepared[0] ?? {}).length);
      // knex writes SQLite multi-row inserts as a compound SELECT (at most 500 terms) and SQLite
      // binds at most 32766 variables; stay below both.
      const chunk = Math.max(1, Math.min(400, Math.floor(8000 / columns)));
      for (let i = 0; i < prepared.length; i += chunk) {
        await trx(table).insert(prepared.slice(i, i + chunk));
        done += Math.min(chunk, prepared.length - i);
        progress?.(done, total);
      }
      if (shift !== undefined && !sqlite) {
        await trx.raw(`select setval(pg_get_serial_sequence(?, 'id'), (select max(id) from ??))`, [table, table]);
      }
      written[table] = prepared.length;
    }
    return written;
  });
}

/**
 * Tables ordered so that every table comes after the planned tables it references (foreign keys
 * are enforced); otherwise the plan's own order is kept.
 */
export function dependencyOrder(tables: readonly TablePlan[]): TablePlan[] {
  const byName = new Map(tables.map((t) => [t.table, t]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const result: TablePlan[] = [];
  const visit = (plan: TablePlan) => {
    if (done.has(plan.table)) return;
    if (visiting.has(plan.table)) throw new Error(`Planned tables reference each other in a cycle at ${plan.table}`);
    visiting.add(plan.table);
    for (const target of Object.values(plan.refs)) {
      const dependency = byName.get(target);
      if (dependency && dependency !== plan) visit(dependency);
    }
    visiting.delete(plan.table);
    done.add(plan.table);
    result.push(plan);
  };
  for (const plan of tables) visit(plan);
  return result;
}

/** Dates go in as Directus itself stores them: epoch milliseconds on SQLite, timestamps elsewhere. */
function prepareRow(row: Row, shift: number | undefined, refs: Record<string, string>, offsets: Map<string, number>, sqlite: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(row)) {
    if (value instanceof Date) {
      out[field] = sqlite ? value.getTime() : value;
      continue;
    }
    if (field === 'id' && typeof value === 'number' && shift !== undefined) out[field] = value + shift;
    else if (refs[field] && typeof value === 'number') out[field] = value + (offsets.get(refs[field] as string) ?? 0);
    else if (value !== null && typeof value === 'object' && !(value instanceof Date)) out[field] = JSON.stringify(value);
    else out[field] = value;
  }
  return out;
}

/** A one-line progress bar on stderr for long seeds. */
export function progressBar(label: string): Progress {
  let last = -1;
  return (written, total) => {
    const percent = Math.floor((written / total) * 100);
    if (percent === last) return;
    last = percent;
    const width = 30;
    const filled = Math.round((percent / 100) * width);
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${percent}% (${written}/${total})`);
    if (written === total) process.stderr.write('\n');
  };
}
