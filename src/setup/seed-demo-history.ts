import type { Knex } from 'knex';
import { generateDemoCompany } from '../demo/generator.ts';
import { plantProblems, type PlantKind, type Planted } from '../demo/plant.ts';
import { readDemoWorld } from './demo-world.ts';
import { progressBar, writePlan } from './demo-writer.ts';
import { refreshDueTimes } from '../workflows/sla-due.ts';
import { refreshHistoryFacts } from '../workflows/history-facts.ts';

export const DEMO_SEED = 20261126;

export interface SeedReport {
  seconds: number;
  rows: Record<string, number>;
  planted?: Planted;
}

/**
 * Generates the demo company's history and bulk-inserts it. With `onlyIfEmpty`, nothing happens
 * when cases already exist (the demo is seeded once; later starts keep what users changed).
 */
export async function seedDemoHistory(
  db: Knex,
  options: { scale: number; seed?: number; now?: Date; onlyIfEmpty?: boolean; progress?: boolean; plant?: readonly PlantKind[] },
): Promise<SeedReport | null> {
  const started = Date.now();
  if (options.onlyIfEmpty) {
    const row = await db('cc_cases').count({ n: '*' }).first();
    if (Number(row?.['n'] ?? 0) > 0) return null;
  }
  const world = await readDemoWorld(db, options.now ?? new Date());
  if (world.teams.length === 0 || world.workflows.length === 0) return null;
  const plan = generateDemoCompany(world, { seed: options.seed ?? DEMO_SEED, scale: options.scale });
  const planted = plantProblems(plan, world, options.plant ?? [], options.scale);
  const rows = await writePlan(db, plan, options.progress ? progressBar(`Seeding scale ${options.scale}`) : undefined);
  await refreshDueTimes(db);
  // One pass over the history written: each handoff's answer time and each case's first closure (src/workflows/history-facts.ts).
  await refreshHistoryFacts(db);
  return { seconds: (Date.now() - started) / 1000, rows, planted };
}
