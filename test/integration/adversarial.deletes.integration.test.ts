import { beforeAll, describe, expect, it } from 'vitest';
import { concord, createStaff, http, rawAdmin, tokenOf, type Json, type StaffUser } from '../harness/concord.ts';

/**
 * Deletes that would change what the deleter could not: the database carries a delete on to other
 * rows (SET NULL empties their reference, CASCADE removes them) without hooks or activity, so a
 * delete is refused (IN_USE) unless the deleter could make each of those changes themselves; and
 * a person with any history is suspended, never deleted, by anyone on any path.
 */

const TAG = `advd-${Date.now().toString(36)}`;
const code = (result: { json?: Json | undefined }) => result.json?.errors?.[0]?.extensions?.['code'] as string | undefined;
const extensions = (result: { json?: Json | undefined }) => result.json?.errors?.[0]?.extensions ?? {};
const as = async (user: StaffUser, method: string, path: string, body?: unknown) => http(method, path, { token: await tokenOf(user), ...(body === undefined ? {} : { body }) });
const adminHttp = (method: string, path: string, body?: unknown) => http(method, path, { token: concord().adminToken, ...(body === undefined ? {} : { body }) });

let lead: StaffUser;
let team: number;

beforeAll(async () => {
  lead = await createStaff('service', { label: `${TAG}.lead`, manager: true });
  team = (await rawAdmin<{ id: number }>('POST', '/items/cc_teams', { name: `${TAG} team`, status: 'forming', lead: lead.id })).id;
});

describe('a delete carries on only to rows the deleter could change', () => {
  let project: number;
  let tasks: number[];
  let transaction: number;
  let budget: number;

  beforeAll(async () => {
    project = (await rawAdmin<{ id: number }>('POST', '/items/cc_projects', { name: `${TAG} project`, team })).id;
    tasks = (await rawAdmin<Array<{ id: number }>>('POST', '/items/cc_tasks', [1, 2, 3, 4, 5].map((n) => ({ title: `${TAG} task ${n}`, project })))).map((t) => t.id);
    transaction = (await rawAdmin<{ id: number }>('POST', '/items/cc_transactions', { kind: 'expense', amount: 1200, occurred_on: '2026-11-02', department: 'finance', project })).id;
    budget = (await rawAdmin<{ id: number }>('POST', '/items/cc_budgets', { amount: 5000, period_start: '2026-10-01', period_end: '2027-01-01', department: 'finance', project })).id;
  });

  it("a lead deleting their project is refused (IN_USE) while finance rows they cannot touch point at it, on REST, batch and GraphQL; nothing changes", async () => {
    expect((await as(lead, 'GET', `/items/cc_transactions/${transaction}`)).status).toBe(403);
    const single = await as(lead, 'DELETE', `/items/cc_projects/${project}`);
    const batch = await as(lead, 'DELETE', '/items/cc_projects', [project]);
    const graphql = await as(lead, 'POST', '/graphql', { query: `mutation { delete_cc_projects_item(id: ${project}) { id } }` });
    expect([single.status, code(single)]).toEqual([409, 'IN_USE']);
    expect([batch.status, code(batch)]).toEqual([409, 'IN_USE']);
    expect(code(graphql), JSON.stringify(graphql.json)).toBe('IN_USE');
    expect(['cc_transactions', 'cc_budgets']).toContain(extensions(single)['referenced_by']);
    expect(extensions(single)['count']).toBe(1);
    expect(single.json?.errors?.[0]?.message).toContain('无权修改');

    expect(await rawAdmin<{ id: number }>('GET', `/items/cc_projects/${project}?fields=id`)).toEqual({ id: project });
    expect(await rawAdmin('GET', `/items/cc_transactions/${transaction}?fields=project`)).toEqual({ project });
    expect(await rawAdmin('GET', `/items/cc_budgets/${budget}?fields=project`)).toEqual({ project });
    const linked = await rawAdmin<Array<{ id: number }>>('GET', `/items/cc_tasks?filter[project][_eq]=${project}&fields=id&limit=-1`);
    expect(linked.map((t) => t.id).sort()).toEqual([...tasks].sort());
  });

  it('once finance has moved its rows off the project, the lead deletes it and their own tasks lose the project', async () => {
    await rawAdmin('PATCH', `/items/cc_transactions/${transaction}`, { project: null });
    await rawAdmin('PATCH', `/items/cc_budgets/${budget}`, { project: null });
    const removed = await as(lead, 'DELETE', `/items/cc_projects/${project}`);
    expect(removed.status, removed.text).toBe(204);
    const unlinked = await rawAdmin<Array<{ project: number | null }>>('GET', `/items/cc_tasks?filter[id][_in]=${tasks.join(',')}&fields=project&limit=-1`);
    expect(unlinked.map((t) => t.project)).toEqual([null, null, null, null, null]);
  });

  it("a lead deleting their meeting is refused while another team's task points at it (SET NULL they could not make)", async () => {
    const meeting = (await rawAdmin<{ id: number }>('POST', '/items/cc_meetings', { title: `${TAG} meeting`, team, starts_at: '2026-11-03T09:00:00Z' })).id;
    const other = (await rawAdmin<{ id: number }>('POST', '/items/cc_projects', { name: `${TAG} other project` })).id;
    const foreignTask = (await rawAdmin<{ id: number }>('POST', '/items/cc_tasks', { title: `${TAG} foreign task`, project: other, meeting })).id;
    const refused = await as(lead, 'DELETE', `/items/cc_meetings/${meeting}`);
    expect([refused.status, code(refused), extensions(refused)['referenced_by']]).toEqual([409, 'IN_USE', 'cc_tasks']);
    expect(await rawAdmin('GET', `/items/cc_tasks/${foreignTask}?fields=meeting`)).toEqual({ meeting });
  });
});

describe('rows that are part of what is deleted', () => {
  it("a draft cycle goes with its computed scores, deleted by an evaluation.publish holder who may not touch scores", async () => {
    const publisher = await createStaff('hr', { label: `${TAG}.publisher` });
    const created = await as(publisher, 'POST', '/items/cc_evaluation_cycles', { period_kind: 'monthly', starts_on: '2024-06-01' });
    const cycle = (created.json?.data as { id: number }).id;
    expect((await as(publisher, 'POST', `/concord/evaluation/cycles/${cycle}/run`)).status).toBe(200);
    expect((await rawAdmin<unknown[]>('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${cycle}&fields=id&limit=-1`)).length).toBeGreaterThan(0);
    const removed = await as(publisher, 'DELETE', `/items/cc_evaluation_cycles/${cycle}`);
    expect(removed.status, removed.text).toBe(204);
    expect(await rawAdmin<unknown[]>('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${cycle}&fields=id&limit=-1`)).toEqual([]);
  });
});

describe('a person with history is suspended, not deleted', () => {
  let assignee: StaffUser;
  let participant: StaffUser;
  let task: number;

  beforeAll(async () => {
    [assignee, participant] = await Promise.all([createStaff('finance', { label: `${TAG}.assignee` }), createStaff('tech', { label: `${TAG}.participant` })]);
    task = (await rawAdmin<{ id: number }>('POST', '/items/cc_tasks', { title: `${TAG} assigned`, assignee: assignee.id })).id;
    const meeting = (await rawAdmin<{ id: number }>('POST', '/items/cc_meetings', { title: `${TAG} attended`, starts_at: '2026-11-04T09:00:00Z' })).id;
    await rawAdmin('POST', '/items/cc_meeting_participants', { meeting, user: participant.id, attended: true });
  });

  it('DELETE of a user with history is IN_USE for an admin, on REST single and batch, GraphQL; the person and their history stay', async () => {
    for (const user of [assignee, participant]) {
      const single = await adminHttp('DELETE', `/users/${user.id}`);
      const batch = await adminHttp('DELETE', '/users', [user.id]);
      const graphql = await adminHttp('POST', '/graphql/system', { query: `mutation { delete_users_item(id: "${user.id}") { id } }` });
      expect([single.status, code(single)]).toEqual([409, 'IN_USE']);
      expect([batch.status, code(batch)]).toEqual([409, 'IN_USE']);
      expect(code(graphql), JSON.stringify(graphql.json)).toBe('IN_USE');
      expect(single.json?.errors?.[0]?.message).toContain('suspended');
      expect(await rawAdmin('GET', `/users/${user.id}?fields=id`)).toEqual({ id: user.id });
    }
    expect(extensions(await adminHttp('DELETE', `/users/${participant.id}`))['referenced_by']).toBe('cc_meeting_participants');
    expect(await rawAdmin('GET', `/items/cc_tasks/${task}?fields=assignee`)).toEqual({ assignee: assignee.id });
    expect(await rawAdmin<unknown[]>('GET', `/items/cc_meeting_participants?filter[user][_eq]=${participant.id}&fields=id`)).toHaveLength(1);
    // Suspending is the way: it is allowed and keeps everything.
    await rawAdmin('PATCH', `/users/${assignee.id}`, { status: 'suspended' });
    expect(await rawAdmin('GET', `/users/${assignee.id}?fields=status`)).toEqual({ status: 'suspended' });
  });

  it('a person without history is deleted as before', async () => {
    const newcomer = await createStaff('marketing', { label: `${TAG}.newcomer` });
    const removed = await adminHttp('DELETE', `/users/${newcomer.id}`);
    expect(removed.status, removed.text).toBe(204);
  });
});
