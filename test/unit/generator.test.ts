import { describe, it, expect } from 'vitest';
import { dependencyOrder } from '../../src/setup/demo-writer.ts';
import { generateDemoCompany } from '../../src/demo/generator.ts';
import { parsePlantKinds, plantProblems } from '../../src/demo/plant.ts';
import type { DemoPlan, DemoWorld, Row, TablePlan } from '../../src/demo/plan.ts';
import { Random } from '../../src/demo/random.ts';
import { DEPARTMENTS } from '../../src/organisation/reference-data.ts';
import { WORKFLOWS } from '../../src/workflows/reference-workflows.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = new Date('2026-11-26T00:00:00Z');
const SEED = 20261126;
const STAFF_PER_DEPARTMENT = 3;

type Workflow = DemoWorld['workflows'][number];
type Transition = Workflow['transitions'][number];

/** A world shaped like what host/demo-world.ts reads, with made-up ids. */
function buildWorld(): DemoWorld {
  const departments = DEPARTMENTS.map((d) => d.code);
  const staff: Record<string, string[]> = Object.fromEntries(
    departments.map((code) => [code, Array.from({ length: STAFF_PER_DEPARTMENT }, (_, i) => `user-${code}-${i + 1}`)]),
  );
  const capabilities: Record<string, string[]> = Object.fromEntries(DEPARTMENTS.map((d) => [d.code, d.authorities.map(([, , capability]) => capability)]));
  const teams = [
    { id: 7, members: departments.flatMap((code) => [staff[code]![0]!, staff[code]![1]!]), lead: staff['service']![0]! },
    { id: 8, members: departments.flatMap((code) => [staff[code]![1]!, staff[code]![2]!]), lead: staff['sales']![2]! },
  ];
  let stateId = 100;
  let transitionId = 500;
  const workflows: Workflow[] = WORKFLOWS.map((seed, index) => {
    const stateIds = new Map(seed.states.map((s) => [s.key, (stateId += 1)]));
    return {
      id: 11 + index * 3,
      key: seed.key,
      case_type: seed.case_type,
      resolution_sla_hours: seed.resolution_sla_hours,
      states: seed.states.map((s) => ({
        id: stateIds.get(s.key)!,
        key: s.key,
        owner_department: s.owner,
        response_sla_hours: s.response_sla_hours,
        is_initial: Boolean(s.is_initial),
        is_terminal: Boolean(s.is_terminal),
      })),
      transitions: seed.transitions.map((t) => ({
        id: (transitionId += 2),
        from_state: stateIds.get(t.from)!,
        to_state: stateIds.get(t.to)!,
        capability: t.capability,
        required_fields: [...(t.required_fields ?? [])],
        is_reopen: Boolean(t.is_reopen),
        is_resolution: Boolean(t.is_resolution),
      })),
    };
  });
  return { now: new Date(NOW), departments, staff, capabilities, teams, workflows };
}

function tableOf(plan: DemoPlan, name: string): TablePlan | undefined {
  return plan.tables.find((t) => t.table === name);
}

function rowsOf(plan: DemoPlan, name: string): Row[] {
  return tableOf(plan, name)?.rows ?? [];
}

const ms = (value: unknown): number => (value as Date).getTime();

const world = buildWorld();
const plan = generateDemoCompany(world, { seed: SEED, scale: 1 });
const workflowById = new Map(world.workflows.map((w) => [w.id, w]));
const departmentOf = new Map(Object.entries(world.staff).flatMap(([department, users]) => users.map((u) => [u, department] as const)));

describe('generateDemoCompany: determinism', () => {
  it('gives deep-equal plans for the same seed and world', () => {
    const a = generateDemoCompany(buildWorld(), { seed: SEED, scale: 1 });
    const b = generateDemoCompany(buildWorld(), { seed: SEED, scale: 1 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).toBe(JSON.stringify(plan));
  });

  it('gives a different plan for a different seed', () => {
    const other = generateDemoCompany(buildWorld(), { seed: SEED + 1, scale: 1 });
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(plan));
  });

  it('does not mutate the world it is given', () => {
    const fresh = buildWorld();
    const before = JSON.stringify(fresh);
    generateDemoCompany(fresh, { seed: SEED, scale: 2 });
    expect(JSON.stringify(fresh)).toBe(before);
  });
});

describe('generateDemoCompany: scale', () => {
  const plan2 = generateDemoCompany(buildWorld(), { seed: SEED, scale: 2 });
  const seededStaff = Object.values(world.staff).reduce((n, list) => n + list.length, 0);

  it('has 300 cases and 50 customers at scale 1, exactly twice that at scale 2', () => {
    expect(rowsOf(plan, 'cc_cases')).toHaveLength(300);
    expect(rowsOf(plan, 'cc_customers')).toHaveLength(50);
    expect(rowsOf(plan2, 'cc_cases')).toHaveLength(600);
    expect(rowsOf(plan2, 'cc_customers')).toHaveLength(100);
  });

  it('adds no users or memberships at scale 1', () => {
    expect(tableOf(plan, 'directus_users')).toBeUndefined();
    expect(tableOf(plan, 'cc_team_members')).toBeUndefined();
  });

  it('adds generated staff users and their team memberships at scale 2', () => {
    const users = rowsOf(plan2, 'directus_users');
    const memberships = rowsOf(plan2, 'cc_team_members');
    expect(users).toHaveLength(seededStaff);
    expect(memberships).toHaveLength(seededStaff);
    const ids = users.map((u) => u['id'] as string);
    expect(new Set(ids).size).toBe(ids.length);
    for (const user of users) {
      expect(user['id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(world.departments).toContain(user['cc_department']);
      expect(user['status']).toBe('active');
      expect(departmentOf.has(user['id'] as string)).toBe(false);
    }
    const teamIds = world.teams.map((t) => t.id);
    expect(new Set(memberships.map((m) => m['user']))).toEqual(new Set(ids));
    for (const m of memberships) expect(teamIds).toContain(m['team']);
  });
});

describe('generateDemoCompany: plan-local ids and references', () => {
  const plans: Array<[string, DemoPlan]> = [
    ['scale 1', plan],
    ['scale 2', generateDemoCompany(buildWorld(), { seed: SEED, scale: 2 })],
  ];

  it.each(plans)('numbers every table 1..n (%s)', (_, p) => {
    for (const t of p.tables) {
      if (t.table === 'directus_users') continue; // Directus users keep uuid ids; the writer does not shift them.
      expect(t.rows.map((r) => r['id']), t.table).toEqual(Array.from({ length: t.rows.length }, (_, i) => i + 1));
    }
  });

  it.each(plans)('keeps every refs value within the referenced planned table (%s)', (_, p) => {
    const problems: string[] = [];
    for (const t of p.tables) {
      for (const [field, target] of Object.entries(t.refs)) {
        const size = tableOf(p, target)?.rows.length ?? 0;
        for (const row of t.rows) {
          const value = row[field];
          if (value === null || value === undefined) continue;
          if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > size) {
            problems.push(`${t.table}#${String(row['id'])}.${field} = ${String(value)} (${target} has ${size})`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(plans)('is written with every referenced planned table before the tables that reference it (%s)', (_, p) => {
    // Foreign keys are enforced on insert, so the writer's order must respect the plan's refs.
    const ordered = dependencyOrder(p.tables);
    expect(ordered.map((t) => t.table).sort()).toEqual(p.tables.map((t) => t.table).sort());
    const position = new Map(ordered.map((t, i) => [t.table, i]));
    const problems: string[] = [];
    for (const t of ordered) {
      for (const [field, target] of Object.entries(t.refs)) {
        const used = t.rows.some((row) => row[field] !== null && row[field] !== undefined);
        if (used && (position.get(target) ?? -1) > position.get(t.table)!) problems.push(`${t.table}.${field} → ${target} is written later`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('generateDemoCompany: cases and case events', () => {
  const cases = rowsOf(plan, 'cc_cases');
  const eventsByCase = new Map<number, Row[]>();
  for (const event of rowsOf(plan, 'cc_case_events')) {
    const list = eventsByCase.get(event['case'] as number) ?? [];
    list.push(event);
    eventsByCase.set(event['case'] as number, list);
  }
  const start = NOW.getTime() - 182 * DAY;

  it('gives every case at least its opening event', () => {
    expect(cases.length).toBe(300);
    for (const c of cases) expect(eventsByCase.get(c['id'] as number)?.length ?? 0, `case ${String(c['id'])}`).toBeGreaterThan(0);
    expect([...eventsByCase.keys()].every((id) => id >= 1 && id <= cases.length)).toBe(true);
  });

  it('walks every case through legal transitions of its own workflow', () => {
    const problems: string[] = [];
    for (const c of cases) {
      const id = c['id'] as number;
      const workflow = workflowById.get(c['workflow'] as number);
      if (!workflow) {
        problems.push(`case ${id}: unknown workflow ${String(c['workflow'])}`);
        continue;
      }
      const states = new Map(workflow.states.map((s) => [s.id, s]));
      const transitions = new Map(workflow.transitions.map((t) => [t.id, t]));
      const initial = workflow.states.find((s) => s.is_initial)!;
      const events = eventsByCase.get(id) ?? [];
      const first = events[0]!;
      if (first['from_state'] !== null) problems.push(`case ${id}: first event from_state ${String(first['from_state'])}`);
      if (first['to_state'] !== initial.id) problems.push(`case ${id}: first event to_state ${String(first['to_state'])}, initial is ${initial.id}`);
      if (first['transition'] !== null) problems.push(`case ${id}: first event has transition ${String(first['transition'])}`);
      if (first['is_handoff'] !== false) problems.push(`case ${id}: first event is_handoff ${String(first['is_handoff'])}`);
      const taken: Transition[] = [];
      for (let i = 1; i < events.length; i += 1) {
        const e = events[i]!;
        const transition = transitions.get(e['transition'] as number);
        if (!transition) {
          problems.push(`case ${id} event ${i}: transition ${String(e['transition'])} not in workflow ${workflow.key}`);
          continue;
        }
        taken.push(transition);
        if (e['from_state'] !== transition.from_state || e['to_state'] !== transition.to_state) {
          problems.push(`case ${id} event ${i}: ${String(e['from_state'])}→${String(e['to_state'])} does not match transition ${transition.id}`);
        }
        if (e['from_state'] !== events[i - 1]!['to_state']) problems.push(`case ${id} event ${i}: does not continue from the previous state`);
        const from = states.get(e['from_state'] as number);
        const to = states.get(e['to_state'] as number);
        if (from && to && e['is_handoff'] !== (from.owner_department !== to.owner_department)) {
          problems.push(`case ${id} event ${i}: is_handoff ${String(e['is_handoff'])} for ${from.owner_department}→${to.owner_department}`);
        }
        const department = e['actor_department'] as string;
        if (!(world.capabilities[department] ?? []).includes(transition.capability)) {
          problems.push(`case ${id} event ${i}: ${department} lacks ${transition.capability}`);
        }
        if (departmentOf.get(e['actor'] as string) !== department) problems.push(`case ${id} event ${i}: actor ${String(e['actor'])} is not in ${department}`);
      }
      const last = events[events.length - 1]!;
      if (c['state'] !== last['to_state']) problems.push(`case ${id}: state ${String(c['state'])} but last event reached ${String(last['to_state'])}`);
      const reopens = taken.filter((t) => t.is_reopen).length;
      if (c['reopened_count'] !== reopens) problems.push(`case ${id}: reopened_count ${String(c['reopened_count'])}, ${reopens} reopen transitions`);
      const needsNote = taken.some((t) => t.required_fields.includes('resolution_note'));
      if (needsNote && !c['resolution_note']) problems.push(`case ${id}: resolution_note missing`);
      if (!needsNote && c['resolution_note'] !== null) problems.push(`case ${id}: resolution_note set without a transition requiring it`);
    }
    expect(problems).toEqual([]);
  });

  it('orders events strictly in time within the last 182 days', () => {
    const problems: string[] = [];
    for (const [id, events] of eventsByCase) {
      for (let i = 0; i < events.length; i += 1) {
        const t = ms(events[i]!['occurred_at']);
        if (t < start || t > NOW.getTime()) problems.push(`case ${id} event ${i}: ${new Date(t).toISOString()} outside the window`);
        if (i > 0 && t <= ms(events[i - 1]!['occurred_at'])) problems.push(`case ${id} event ${i}: not after the previous event`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('spreads case types near 40/30/30 %', () => {
    const counts: Record<string, number> = {};
    for (const c of cases) {
      const type = workflowById.get(c['workflow'] as number)!.case_type;
      counts[type] = (counts[type] ?? 0) + 1;
    }
    const share = (type: string) => ((counts[type] ?? 0) / cases.length) * 100;
    expect(Math.abs(share('complaint') - 40)).toBeLessThanOrEqual(10);
    expect(Math.abs(share('requirement') - 30)).toBeLessThanOrEqual(10);
    expect(Math.abs(share('inquiry') - 30)).toBeLessThanOrEqual(10);
  });

  it('reopens some cases', () => {
    expect(cases.filter((c) => (c['reopened_count'] as number) > 0).length).toBeGreaterThan(0);
  });

  it('misses the from-state response SLA on a minority of transitions', () => {
    let total = 0;
    let late = 0;
    for (const c of cases) {
      const workflow = workflowById.get(c['workflow'] as number)!;
      const states = new Map(workflow.states.map((s) => [s.id, s]));
      const events = eventsByCase.get(c['id'] as number)!;
      for (let i = 1; i < events.length; i += 1) {
        const delay = ms(events[i]!['occurred_at']) - ms(events[i - 1]!['occurred_at']);
        total += 1;
        if (delay > states.get(events[i]!['from_state'] as number)!.response_sla_hours * HOUR) late += 1;
      }
    }
    expect(total).toBeGreaterThan(100);
    expect(late / total).toBeGreaterThanOrEqual(0.1);
    expect(late / total).toBeLessThanOrEqual(0.45);
  });
});

describe('generateDemoCompany: surveys and tasks', () => {
  const responses = rowsOf(plan, 'cc_survey_responses');
  const surveys = rowsOf(plan, 'cc_surveys');

  it('records CSAT answers 1..5 with a mean between 3 and 4.8', () => {
    const csat = responses.filter((r) => r['csat'] !== null).map((r) => r['csat'] as number);
    expect(csat.length).toBeGreaterThan(20);
    for (const value of csat) expect([1, 2, 3, 4, 5]).toContain(value);
    const mean = csat.reduce((a, b) => a + b, 0) / csat.length;
    expect(mean).toBeGreaterThanOrEqual(3);
    expect(mean).toBeLessThanOrEqual(4.8);
    for (const r of responses.filter((x) => x['csat'] !== null)) expect(surveys[(r['survey'] as number) - 1]!['kind']).toBe('csat');
  });

  it('records pulse answers 1..5', () => {
    const pulse = responses.filter((r) => r['pulse'] !== null);
    expect(pulse.length).toBeGreaterThan(20);
    for (const r of pulse) {
      expect([1, 2, 3, 4, 5]).toContain(r['pulse']);
      expect(surveys[(r['survey'] as number) - 1]!['kind']).toBe('pulse');
    }
  });

  it('finishes most, not all, past-due tasks on time', () => {
    const due = rowsOf(plan, 'cc_tasks').filter((t) => ms(t['due_at']) < NOW.getTime());
    expect(due.length).toBeGreaterThan(50);
    const onTime = due.filter((t) => t['done_at'] !== null && ms(t['done_at']) <= ms(t['due_at'])).length;
    expect(onTime / due.length).toBeGreaterThanOrEqual(0.5);
    expect(onTime / due.length).toBeLessThanOrEqual(0.9);
  });
});

describe('Random', () => {
  it('int() stays within its inclusive bounds and reaches both ends', () => {
    const rng = new Random(42);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i += 1) {
      const value = rng.int(-3, 7);
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(-3);
      expect(value).toBeLessThanOrEqual(7);
      seen.add(value);
    }
    expect(seen.size).toBe(11);
  });

  it('weighted() never picks a zero-weight item', () => {
    const rng = new Random(7);
    const items = [['zero-first', 0], ['a', 1], ['zero-middle', 0], ['b', 3], ['zero-last', 0]] as const;
    const counts: Record<string, number> = {};
    for (let i = 0; i < 10_000; i += 1) {
      const item = rng.weighted(items);
      counts[item] = (counts[item] ?? 0) + 1;
    }
    expect(Object.keys(counts).sort()).toEqual(['a', 'b']);
    expect(counts['b']! / 10_000).toBeGreaterThan(0.7);
    expect(counts['b']! / 10_000).toBeLessThan(0.8);
  });

  it('logNormal() is positive and finite', () => {
    const rng = new Random(3);
    for (let i = 0; i < 10_000; i += 1) {
      const value = rng.logNormal(6, 1.2);
      expect(value).toBeGreaterThan(0);
      expect(Number.isFinite(value)).toBe(true);
    }
  });

  it('repeats its sequence for the same seed', () => {
    const a = new Random(99);
    const b = new Random(99);
    expect(Array.from({ length: 20 }, () => a.next())).toEqual(Array.from({ length: 20 }, () => b.next()));
  });
});

describe('plantProblems', () => {
  const planted = generateDemoCompany(buildWorld(), { seed: SEED, scale: 2 });
  const report = plantProblems(planted, world, parsePlantKinds('all'), 2);
  const cases = rowsOf(planted, 'cc_cases').filter((c) => String(c['title']).startsWith('[plant:'));
  const events = rowsOf(planted, 'cc_case_events');

  it('plants the slow pair, ping-pong and at-risk cases between the departments of a real handoff and its way back, and one overloaded person', () => {
    expect(report.pair).toMatchObject({ from: 'marketing', to: 'tech', month: { starts_on: '2026-10-01', ends_on: '2026-11-01' } });
    const count = (kind: string) => cases.filter((c) => String(c['title']).startsWith(`[plant:${kind}]`)).length;
    expect([count('slow_pair'), count('ping_pong'), count('breach')]).toEqual([24, 3, 3]);
    const overload = rowsOf(planted, 'cc_tasks').filter((t) => String(t['title']).startsWith('[plant:overload]'));
    expect(overload).toHaveLength(1);
    expect(overload[0]).toMatchObject({ assignee: report.overloaded, department: 'tech', logged_hours: 1760 });
    expect(() => parsePlantKinds('slow_pair,weather')).toThrow('weather');
  });

  it('takes only legal transitions, by people of departments holding them, in time order, and leaves at-risk cases short of their SLA', () => {
    const problems: string[] = [];
    for (const c of cases) {
      const id = c['id'] as number;
      const workflow = workflowById.get(c['workflow'] as number)!;
      const transitions = new Map(workflow.transitions.map((t) => [t.id, t]));
      const states = new Map(workflow.states.map((s) => [s.id, s]));
      const mine = events.filter((e) => e['case'] === id);
      if (mine[0]?.['to_state'] !== workflow.states.find((s) => s.is_initial)?.id) problems.push(`case ${id}: does not open in the initial state`);
      for (let i = 1; i < mine.length; i += 1) {
        const e = mine[i]!;
        const t = transitions.get(e['transition'] as number);
        if (!t || t.from_state !== e['from_state'] || t.to_state !== e['to_state'] || e['from_state'] !== mine[i - 1]!['to_state']) problems.push(`case ${id} event ${i}: not a legal step`);
        else if (!(world.capabilities[e['actor_department'] as string] ?? []).includes(t.capability)) problems.push(`case ${id} event ${i}: ${String(e['actor_department'])} lacks ${t.capability}`);
        if (departmentOf.get(e['actor'] as string) !== e['actor_department']) problems.push(`case ${id} event ${i}: actor not in department`);
        if (e['is_handoff'] !== (states.get(e['from_state'] as number)?.owner_department !== states.get(e['to_state'] as number)?.owner_department)) problems.push(`case ${id} event ${i}: is_handoff`);
        if (ms(e['occurred_at']) <= ms(mine[i - 1]!['occurred_at'])) problems.push(`case ${id} event ${i}: not after the previous`);
      }
      if (c['state'] !== mine[mine.length - 1]?.['to_state']) problems.push(`case ${id}: state is not where its history ends`);
      if (String(c['title']).startsWith('[plant:breach]')) {
        const sla = states.get(c['state'] as number)!.response_sla_hours;
        const waited = (NOW.getTime() - ms(c['state_entered_at'])) / HOUR;
        if (!(waited > 0.95 * sla && waited < sla)) problems.push(`case ${id}: waited ${waited} h of ${sla}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
