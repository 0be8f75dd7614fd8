import type { DemoPlan, DemoWorld, Row, TablePlan } from './plan.ts';

/**
 * Known problems planted into a generated company (issue 19 item 6), so the diagnostics can be
 * checked against something true: each planted row carries a marker in its title
 * (`[plant:<kind>]`), and every case event is a legal transition of the workflow taken by someone
 * whose department holds its capability.
 *
 * The pair is the first handoff X → S out of a workflow's initial state X with a way back S → X (in
 * the reference workflows: 需求已收集 (marketing) → 需求已分析 (tech), and 退回补充 back).
 *
 * - slow_pair: in the last complete calendar month (UTC), 12 × scale handoffs from department A into
 *   a state S owned by B, each answered 48 h after S's response SLA — the pair (A, B, S) is the
 *   worst bottleneck of B that month.
 * - ping_pong: 3 cases in that month handed A → B → A → B → A → B → A (5 bounces each).
 * - drop: B's communication score drops in that month's cycle (planted by the slow pair; asking
 *   for it plants the pair).
 * - overload: one member of B logs 10 × a month's capacity on a task due that month.
 * - breach: 3 open cases handed into S moments before its SLA runs out (`breachEntry`: at most
 *   10 minutes, 5 % of the SLA, left). Of the waits into S that went that long, all answered ones
 *   went past the SLA (the slow pair's, and the natural ones, answered within 95 % of the SLA or
 *   after 105 %; only a still-open case could be between), so by metrics.md each has a breach
 *   probability of (almost always exactly) 1 and next to no time left: truly the cases most heading
 *   for a breach. (Planted at 0.75 × the SLA they were not: natural cases nearer their SLA
 *   rightly came first; a natural case still nearer its SLA, with a probability of 1, still does.) A
 *   company kept between benchmark runs ages; `breachEntry` gives the times
 *   to set them again at the moment of measuring.
 */

export const PLANT_KINDS = ['slow_pair', 'ping_pong', 'drop', 'overload', 'breach'] as const;
export type PlantKind = (typeof PLANT_KINDS)[number];

export interface Planted {
  /** The pair's from department, receiving department and state. */
  pair: { from: string; to: string; state: number; month: { starts_on: string; ends_on: string } } | null;
  kinds: PlantKind[];
  overloaded: string | null;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * When the planted breach cases entered their state (SLA `slaHours`), as of `now` (ms), with at most
 * `marginMinutes` left (the benchmark, which sets them again just before it measures, leaves 2: a
 * natural case nearer its SLA then rarely outranks them, and rightly so when one does). All at the
 * same moment: a planted case that had waited longer would be one of the waits past the others'
 * time that did not (yet) go past the SLA, and lower their probability below 1.
 */
export function breachEntry(now: number, slaHours: number, marginMinutes = 10): number {
  return now - slaHours * HOUR + Math.min(marginMinutes * 60_000, 0.05 * slaHours * HOUR);
}

export function parsePlantKinds(text: string | undefined): PlantKind[] {
  if (!text) return [];
  const kinds = text === 'all' ? [...PLANT_KINDS] : text.split(',').map((k) => k.trim()).filter(Boolean);
  for (const kind of kinds) if (!(PLANT_KINDS as readonly string[]).includes(kind)) throw new Error(`unknown problem "${kind}" to plant; choose from ${PLANT_KINDS.join(', ')} or all`);
  return kinds as PlantKind[];
}

export function plantProblems(plan: DemoPlan, world: DemoWorld, kinds: readonly PlantKind[], scale: number): Planted {
  const planted: Planted = { pair: null, kinds: [...kinds], overloaded: null };
  if (kinds.length === 0) return planted;
  const table = (name: string, refs: Record<string, string> = {}): TablePlan => {
    let found = plan.tables.find((t) => t.table === name);
    if (!found) plan.tables.push((found = { table: name, rows: [], refs }));
    return found;
  };
  const add = (t: TablePlan, row: Row): number => {
    const id = t.rows.length + 1;
    t.rows.push({ id, ...row });
    return id;
  };
  const holders = (capability: string) => world.departments.filter((d) => (world.capabilities[d] ?? []).includes(capability));
  const someone = (department: string, salt: number) => {
    const people = world.staff[department] ?? [];
    return people.length === 0 ? null : (people[salt % people.length] as string);
  };

  // A workflow with a handoff X → S and one back S → X, between departments holding them.
  let choice: { workflow: DemoWorld['workflows'][number]; there: DemoWorld['workflows'][number]['transitions'][number]; back: DemoWorld['workflows'][number]['transitions'][number]; from: string; to: string } | null = null;
  for (const workflow of world.workflows) {
    const state = new Map(workflow.states.map((s) => [s.id, s]));
    for (const there of workflow.transitions) {
      const x = state.get(there.from_state);
      const s = state.get(there.to_state);
      if (!x || !s || !x.is_initial || x.owner_department === s.owner_department || s.is_terminal || !(s.response_sla_hours > 0) || there.is_reopen || there.is_resolution) continue;
      const back = workflow.transitions.find((t) => t.from_state === s.id && t.to_state === x.id && !t.is_reopen && !t.is_resolution);
      if (!back) continue;
      if (!holders(there.capability).includes(x.owner_department) || !holders(back.capability).includes(s.owner_department)) continue;
      choice = { workflow, there, back, from: x.owner_department, to: s.owner_department };
      break;
    }
    if (choice) break;
  }
  if (!choice) return planted;
  const { workflow, there, back, from, to } = choice;
  const target = workflow.states.find((s) => s.id === there.to_state)!;
  const sla = target.response_sla_hours;
  const now = world.now.getTime();
  const today = new Date(now);
  const monthStart = Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1);
  const monthEnd = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1);
  planted.pair = { from, to, state: target.id, month: { starts_on: new Date(monthStart).toISOString().slice(0, 10), ends_on: new Date(monthEnd).toISOString().slice(0, 10) } };

  const cases = table('cc_cases', { customer: 'cc_customers' });
  const events = table('cc_case_events', { case: 'cc_cases' });
  const customer = (table('cc_customers').rows[0]?.['id'] as number | undefined) ?? null;
  const teamOf = (table('cc_customers').rows[0]?.['team'] as number | undefined) ?? world.teams[0]?.id ?? null;
  const at = (ms: number) => new Date(Math.round(ms / 60_000) * 60_000);
  let salt = 0;
  /** A case opened in X at `opened`, then the `steps` (each a transition after `after` hours). */
  const plantCase = (kind: PlantKind, opened: number, steps: Array<{ transition: typeof there; after: number }>) => {
    const reporter = someone(from, salt++);
    if (!reporter) return;
    let t = opened;
    let stateId = there.from_state;
    const rows: Row[] = [{ from_state: null, to_state: stateId, transition: null, actor: reporter, actor_department: from, occurred_at: at(t), is_handoff: false, note: '登记事项' }];
    for (const step of steps) {
      t += step.after * HOUR;
      const department = step.transition === there ? from : to;
      const actor = someone(department, salt++) as string;
      const next = step.transition.to_state;
      rows.push({ from_state: stateId, to_state: next, transition: step.transition.id, actor, actor_department: department, occurred_at: at(t), is_handoff: true, note: null });
      stateId = next;
    }
    const caseId = add(cases, {
      title: `[plant:${kind}] ${kind === 'breach' ? '即将超时' : kind === 'ping_pong' ? '来回转交' : '交接缓慢'}`,
      priority: 'normal', workflow: workflow.id, state: stateId, customer, team: teamOf, reporter, description: '[plant] 预置问题,用于检验诊断', resolution_note: null, reopened_count: 0,
      opened_at: at(opened), state_entered_at: at(t), resolved_at: null, closed_at: null,
    });
    for (const row of rows) add(events, { case: caseId, ...row });
  };

  const monthDays = (monthEnd - monthStart) / DAY;
  if (kinds.includes('slow_pair') || kinds.includes('drop')) {
    const n = 12 * scale;
    // Handed over, answered (by handing it back) 48 h past the SLA: inside the month.
    for (let i = 0; i < n; i += 1) plantCase('slow_pair', monthStart + ((i * (monthDays - 7)) / n) * DAY + HOUR, [{ transition: there, after: 1 }, { transition: back, after: sla + 48 }]);
  }
  if (kinds.includes('ping_pong')) {
    for (let i = 0; i < 3; i += 1) {
      const steps = [there, back, there, back, there, back, there].map((transition) => ({ transition, after: Math.max(0.5, sla / 4) }));
      plantCase('ping_pong', monthStart + (3 + i * 5) * DAY, steps);
    }
  }
  if (kinds.includes('breach')) {
    for (let i = 0; i < 3; i += 1) plantCase('breach', breachEntry(now, sla) - HOUR, [{ transition: there, after: 1 }]);
  }
  if (kinds.includes('overload')) {
    const person = someone(to, 7);
    if (person) {
      planted.overloaded = person;
      const tasks = table('cc_tasks', { project: 'cc_projects', meeting: 'cc_meetings' });
      add(tasks, {
        project: null, meeting: null, title: '[plant:overload] 超负荷任务', assignee: person, department: to, status: 'done',
        due_at: at(monthStart + 10 * DAY), done_at: at(monthStart + 9 * DAY), estimate_hours: 1600, logged_hours: 1760, notes: null,
      });
    }
  }
  return planted;
}
