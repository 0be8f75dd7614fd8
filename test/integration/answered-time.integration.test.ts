import { beforeAll, describe, expect, it } from 'vitest';
import { handoffAnsweredAt } from '../../src/evaluation/dimensions/communication.ts';
import { storedAnsweredAt } from '../../src/workflows/answered-at.ts';
import { rows } from '../../src/evaluation/sql.ts';
import { toDbTime } from '../../src/directus/time.ts';
import { concord, createStaff, http, rawAdmin, testDb, tokenOf, type Json, type StaffUser } from '../harness/concord.ts';

/**
 * Each handoff's stored answer time (`cc_case_events.answered_at`) against the definition the
 * communication score and the handoff flow were written with (`handoffAnsweredAt`): on every handoff
 * of the demo company, and as transitions by real users, admin repairs and a state's new owner
 * change who answered when. Nobody writes the column but Concord.
 */

const TAG = `ans-${Date.now().toString(36)}`;
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
