import { beforeAll, describe, expect, it } from 'vitest';
import { handoffAnsweredAt } from '../../src/evaluation/dimensions/communication.ts';
import { storedAnsweredAt } from '../../src/workflows/answered-at.ts';
import { rows } from '../../src/evaluation/sql.ts';
import { fromDbTime, toDbTime } from '../../src/directus/time.ts';
import { concord, createStaff, http, rawAdmin, testDb, tokenOf, type Json, type StaffUser } from '../harness/concord.ts';

/**
 * What Concord stores beside the history (src/workflows/history-facts.ts) against the definitions it
 * stands for, over HTTP as real users:
 * - each handoff's stored answer time (`cc_case_events.answered_at`) against the definition the
 *   communication score and the handoff flow were written with (`handoffAnsweredAt`): on every
 *   handoff of the demo company, and as transitions by real users, admin repairs and a state's new
 *   owner change who answered when;
 * - each case's stored first closure (`cc_cases.first_closed_at`, `closing_departments`), which the
 *   cohesion dimension reads, against metrics.md §5 worked out here from the history: on every case
 *   of the demo company, and as transitions, a reopen and a state that becomes terminal change it.
 * Nobody writes these columns but Concord.
 */

const TAG = `facts-${Date.now().toString(36)}`;
const code = (result: { json?: Json | undefined }) => result.json?.errors?.[0]?.extensions?.['code'] as string | undefined;
const ms = (value: unknown): number | null => (value === null || value === undefined ? null : new Date(value as string).getTime());

/** Handoffs (not overrides) whose stored answer time bounded by `end` differs from the definition's, and how many were compared. */
async function compareAt(end: Date): Promise<{ compared: number; answered: number; differing: Array<Record<string, unknown>> }> {
  const db = testDb();
  const bound = toDbTime(db, end);
  const found = await rows(
    db,
    `select e.id, e.answered_at, ${storedAnsweredAt('e')} as stored, ${handoffAnsweredAt('e', 'st')} as defined
      from cc_case_events e join cc_workflow_states st on st.id = e.to_state
      where e.is_handoff is true and e.is_override is not true`,
    [bound, bound, bound, bound],
  );
  return {
    compared: found.length,
    answered: found.filter((row) => row['answered_at'] !== null).length,
    differing: found.filter((row) => ms(row['stored']) !== ms(row['defined'])),
  };
}

interface Closure {
  first_closed_at: number | null;
  closing_departments: string[] | null;
}

const parsed = (value: unknown): string[] | null => (typeof value === 'string' ? (JSON.parse(value) as string[]) : ((value as string[] | null | undefined) ?? null));

async function storedClosure(caseId: number): Promise<Closure> {
  const row = await testDb()('cc_cases').where('id', caseId).first('first_closed_at', 'closing_departments');
  return { first_closed_at: fromDbTime(row?.first_closed_at)?.getTime() ?? null, closing_departments: parsed(row?.closing_departments) };
}

/** Cases whose stored closure differs from the definition over their history, and how many were compared. */
async function compareAll(): Promise<{ compared: number; closed: number; crossing: number; differing: unknown[] }> {
  const db = testDb();
  const terminal = new Set((await db('cc_workflow_states').where('is_terminal', true).pluck('id')).map(Number));
  const events: Array<{ case: number; to_state: number; actor_department: string | null; occurred_at: unknown; is_override: unknown }> = await db('cc_case_events').select('case', 'to_state', 'actor_department', 'occurred_at', 'is_override');
  const byCase = new Map<number, Array<{ to_state: number; actor_department: string | null; t: number }>>();
  for (const e of events) {
    if (e.is_override === true || Number(e.is_override) === 1) continue;
    const list = byCase.get(Number(e.case)) ?? [];
    list.push({ to_state: Number(e.to_state), actor_department: e.actor_department, t: fromDbTime(e.occurred_at)!.getTime() });
    byCase.set(Number(e.case), list);
  }
  const cases: Array<{ id: number; first_closed_at: unknown; closing_departments: unknown }> = await db('cc_cases').select('id', 'first_closed_at', 'closing_departments');
  const differing: unknown[] = [];
  let closed = 0;
  let crossing = 0;
  for (const c of cases) {
    const rows = byCase.get(Number(c.id)) ?? [];
    const closing = rows.filter((e) => terminal.has(e.to_state)).map((e) => e.t);
    const first = closing.length === 0 ? null : Math.min(...closing);
    const defined: Closure = {
      first_closed_at: first,
      closing_departments: first === null ? null : [...new Set(rows.filter((e) => e.t <= first && e.actor_department !== null).map((e) => e.actor_department as string))].sort(),
    };
    const stored: Closure = { first_closed_at: fromDbTime(c.first_closed_at)?.getTime() ?? null, closing_departments: parsed(c.closing_departments) };
    if (first !== null) closed += 1;
    if ((defined.closing_departments?.length ?? 0) >= 2) crossing += 1;
    if (JSON.stringify(stored) !== JSON.stringify(defined)) differing.push({ case: c.id, stored, defined });
  }
  return { compared: cases.length, closed, crossing, differing };
}

let complaintWorkflow: number;
const S = { received: 0, investigating: 0, escalated: 0, resolved: 0 };
let customerId: number;
let teamId: number;
let service: StaffUser;
let tech: StaffUser;

beforeAll(async () => {
  [service, tech] = await Promise.all([createStaff('service', { label: `${TAG}.svc` }), createStaff('tech', { label: `${TAG}.tech` })]);
  const workflows = await rawAdmin<Array<{ id: number; key: string }>>('GET', '/items/cc_workflows?fields=id,key&limit=-1');
  complaintWorkflow = workflows.find((w) => w.key === 'complaint')!.id;
  const states = await rawAdmin<Array<{ id: number; key: string }>>('GET', `/items/cc_workflow_states?filter[workflow][_eq]=${complaintWorkflow}&fields=id,key&limit=-1`);
  for (const key of Object.keys(S) as Array<keyof typeof S>) S[key] = states.find((s) => s.key === key)!.id;
  customerId = (await rawAdmin<{ id: number }>('POST', '/items/cc_customers', { name: `${TAG} 客户`, tier: 'standard' })).id;
  teamId = (
    await rawAdmin<{ id: number }>('POST', '/items/cc_teams', {
      name: `${TAG} 团队`,
      members: [service, tech].map((member) => ({ user: member.id, role_in_team: 'representative' })),
    })
  ).id;
});

async function move(caseId: number, actor: StaffUser, to: string, fields: Record<string, string> = {}): Promise<number> {
  const result = await http('POST', `/concord/cases/${caseId}/transitions`, { token: await tokenOf(actor), body: { to, fields } });
  if (result.status !== 200) throw new Error(`move ${caseId} to ${to}: ${result.status} ${result.text}`);
  return ((result.json as Json).data as { event: number }).event;
}

async function openCase(workflow: number, title: string): Promise<number> {
  const created = await http('POST', '/items/cc_cases', { token: await tokenOf(service), body: { title: `${TAG} ${title}`, workflow, customer: customerId, team: teamId } });
  if (created.status !== 200) throw new Error(`open: ${created.status} ${created.text}`);
  return ((created.json as Json).data as { id: number }).id;
}

async function occurredAt(eventId: number): Promise<number> {
  const row = await testDb()('cc_case_events').where('id', eventId).first('occurred_at');
  return fromDbTime(row?.occurred_at)!.getTime();
}

async function eventRow(id: number): Promise<{ occurred_at: unknown; answered_at: unknown }> {
  const row = await testDb()('cc_case_events').where('id', id).first('occurred_at', 'answered_at');
  if (!row) throw new Error(`no event ${id}`);
  return row as { occurred_at: unknown; answered_at: unknown };
}

describe('the stored answer time of a handoff', () => {
  it('equals the definition on every handoff of the demo company, at the end of its history and at period ends inside it', async () => {
    const far = await compareAt(new Date('2999-01-01T00:00:00Z'));
    // The demo's half year holds hundreds of handoffs, answered and not.
    expect(far.compared).toBeGreaterThan(300);
    expect(far.answered).toBeGreaterThan(100);
    expect(far.answered).toBeLessThan(far.compared);
    expect(far.differing).toEqual([]);
    const latest = ms((await testDb()('cc_case_events').max({ last: 'occurred_at' }).first())?.['last']) as number;
    for (const daysBack of [1, 7, 30, 90]) {
      expect((await compareAt(new Date(latest - daysBack * 86_400_000))).differing).toEqual([]);
    }
  });

  it('is written in the transition that answers it, followed by admin repairs, and refused from everyone else', async () => {
    const created = await http('POST', '/items/cc_cases', { token: await tokenOf(service), body: { title: `${TAG} 投诉`, workflow: complaintWorkflow, customer: customerId, team: teamId } });
    expect(created.status).toBe(200);
    const caseId = ((created.json as Json).data as { id: number }).id;
    await move(caseId, service, 'investigating');
    const handoff = await move(caseId, service, 'escalated', { description: `${TAG} 需要技术部` });
    // Handed to tech: unanswered until tech writes history.
    expect((await eventRow(handoff)).answered_at).toBeNull();
    const answer = await move(caseId, tech, 'resolved', { resolution_note: `${TAG} 已修复` });
    const answered = await eventRow(answer);
    expect(ms((await eventRow(handoff)).answered_at)).toBe(ms(answered.occurred_at));

    // An admin repair that says sales wrote the answer takes it back; another that restores tech brings it back.
    const repair = (changes: Record<string, unknown>) =>
      http('POST', `/concord/case-events/${answer}/repair`, { token: concord().adminToken, body: { action: 'update', changes, reason: `${TAG} 更正记录部门` } });
    expect((await repair({ actor_department: 'sales' })).status).toBe(200);
    expect((await eventRow(handoff)).answered_at).toBeNull();
    expect((await repair({ actor_department: 'tech' })).status).toBe(200);
    expect(ms((await eventRow(handoff)).answered_at)).toBe(ms(answered.occurred_at));

    // Nobody sets it: not through a repair, not through the items API, admins included.
    const viaRepair = await repair({ answered_at: '2026-01-01T00:00:00Z' });
    expect(viaRepair.status).toBe(400);
    expect(code(viaRepair)).toBe('INVALID_PAYLOAD');
    const viaItems = await http('PATCH', `/items/cc_case_events/${handoff}`, { token: concord().adminToken, body: { answered_at: '2026-01-01T00:00:00Z' } });
    expect(viaItems.status).toBeGreaterThanOrEqual(400);
    expect(['HISTORY_APPEND_ONLY', 'SET_BY_SERVER']).toContain(code(viaItems));
    expect(ms((await eventRow(handoff)).answered_at)).toBe(ms(answered.occurred_at));
    // Readers see it as the history's other fields.
    const read = await rawAdmin<{ answered_at: string | null }>('GET', `/items/cc_case_events/${handoff}?fields=answered_at`);
    expect(ms(read.answered_at)).toBe(ms(answered.occurred_at));
  });

  it('follows a state given to another department', async () => {
    const created = await http('POST', '/items/cc_cases', { token: await tokenOf(service), body: { title: `${TAG} 投诉 2`, workflow: complaintWorkflow, customer: customerId, team: teamId } });
    const caseId = ((created.json as Json).data as { id: number }).id;
    await move(caseId, service, 'investigating');
    const handoff = await move(caseId, service, 'escalated', { description: `${TAG} 需要技术部` });
    await move(caseId, tech, 'resolved', { resolution_note: `${TAG} 已修复` });
    const before = (await eventRow(handoff)).answered_at;
    expect(before).not.toBeNull();
    // "escalated" owned by sales for a moment: nobody from sales wrote this case's history.
    await rawAdmin('PATCH', `/items/cc_workflow_states/${S.escalated}`, { owner_department: 'sales' });
    try {
      await expect.poll(async () => (await eventRow(handoff)).answered_at, { timeout: 10_000 }).toBeNull();
    } finally {
      await rawAdmin('PATCH', `/items/cc_workflow_states/${S.escalated}`, { owner_department: 'tech' });
    }
    await expect.poll(async () => ms((await eventRow(handoff)).answered_at), { timeout: 10_000 }).toBe(ms(before));
    expect((await compareAt(new Date('2999-01-01T00:00:00Z'))).differing).toEqual([]);
  });
});

describe("a case's stored first closure", () => {
  it('equals the definition on every case of the demo company', async () => {
    const all = await compareAll();
    // The demo's half year closes hundreds of cases, by one department and by several.
    expect(all.closed).toBeGreaterThan(100);
    expect(all.crossing).toBeGreaterThan(20);
    expect(all.closed).toBeLessThan(all.compared);
    expect(all.differing).toEqual([]);
  });

  it('is written by the transition that first closes a case, kept through a reopen and a second closing, and refused from everyone else', async () => {
    const caseId = await openCase(complaintWorkflow, '投诉');
    await move(caseId, service, 'investigating');
    await move(caseId, service, 'escalated', { description: `${TAG} 需要技术部` });
    expect(await storedClosure(caseId)).toEqual({ first_closed_at: null, closing_departments: null });
    await move(caseId, tech, 'resolved', { resolution_note: `${TAG} 已修复` });
    const closing = await move(caseId, service, 'closed');
    const first = { first_closed_at: await occurredAt(closing), closing_departments: ['service', 'tech'] };
    expect(await storedClosure(caseId)).toEqual(first);
    // Reopened and closed again by service alone: the first closure stays.
    await move(caseId, service, 'investigating');
    await move(caseId, service, 'resolved', { resolution_note: `${TAG} 再次解决` });
    await move(caseId, service, 'closed');
    expect(await storedClosure(caseId)).toEqual(first);

    for (const body of [{ first_closed_at: '2026-01-01T00:00:00Z' }, { closing_departments: ['sales'] }]) {
      const viaItems = await http('PATCH', `/items/cc_cases/${caseId}`, { token: concord().adminToken, body });
      expect(viaItems.status).toBe(400);
      expect(['MANAGED_FIELD', 'SET_BY_SERVER']).toContain(code(viaItems));
    }
    expect(await storedClosure(caseId)).toEqual(first);
    // Readers see them as the case's other fields.
    const read = await rawAdmin<{ first_closed_at: string | null; closing_departments: string[] | null }>('GET', `/items/cc_cases/${caseId}?fields=first_closed_at,closing_departments`);
    expect(new Date(read.first_closed_at as string).getTime()).toBe(first.first_closed_at);
    expect(read.closing_departments).toEqual(['service', 'tech']);
  });

  it('follows a state that becomes, then stops being, terminal', async () => {
    const workflow = await rawAdmin<{ id: number }>('POST', '/items/cc_workflows', { key: `${TAG}-wf`, name_zh: `${TAG} 流程`, case_type: 'inquiry' });
    const state = async (key: string, extra: Record<string, unknown>) =>
      (await rawAdmin<{ id: number }>('POST', '/items/cc_workflow_states', { workflow: workflow.id, key, name_zh: key, owner_department: 'service', ...extra })).id;
    const open = await state('open', { is_initial: true });
    const middle = await state('middle', {});
    await state('done', { is_terminal: true });
    await rawAdmin('POST', '/items/cc_workflow_transitions', { workflow: workflow.id, from_state: open, to_state: middle, name_zh: `${TAG} 推进`, capability: 'complaint.handle' });
    const caseId = await openCase(workflow.id, '咨询');
    const moved = await move(caseId, service, 'middle');
    expect(await storedClosure(caseId)).toEqual({ first_closed_at: null, closing_departments: null });
    await rawAdmin('PATCH', `/items/cc_workflow_states/${middle}`, { is_terminal: true });
    await expect.poll(() => storedClosure(caseId), { timeout: 10_000 }).toEqual({ first_closed_at: await occurredAt(moved), closing_departments: ['service'] });
    await rawAdmin('PATCH', `/items/cc_workflow_states/${middle}`, { is_terminal: false });
    await expect.poll(() => storedClosure(caseId), { timeout: 10_000 }).toEqual({ first_closed_at: null, closing_departments: null });
    expect((await compareAll()).differing).toEqual([]);
  });
});
