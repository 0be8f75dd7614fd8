import { beforeAll, describe, expect, it } from 'vitest';
import { concord, createStaff, http, rawAdmin, testDb, type Client, type Json, type StaffUser } from '../harness/concord.ts';
import { IMPROVEMENT_CATEGORY } from '../../src/evaluation/improvement.ts';
import { DASHBOARDS } from '../../src/insights/dashboards.ts';
import { actionDueOn } from '../../src/evaluation/cycles.ts';
import { zonedDate } from '../../src/evaluation/period.ts';

/**
 * Evaluation against a real Directus: the demo's evaluated history, run → review → publish by an
 * evaluation.publish holder (HR), frozen on every write path, fed back to heads and leads, acted on
 * with improvement actions, the schedule under concurrency, previews that store nothing, and who may
 * see and do what.
 */

interface Cycle {
  id: number;
  name: string;
  period_kind: 'monthly' | 'quarterly';
  starts_on: string;
  ends_on: string;
  status: 'draft' | 'published';
  computed_at: string | null;
  published_at: string | null;
  period_key: string;
}

interface Score {
  id: number;
  cycle: number;
  scope_kind: 'department' | 'team';
  department: string | null;
  team: number | null;
  dimension: string;
  score: number | null;
  raw: Record<string, unknown>;
  counts: Record<string, number>;
}

interface Action {
  id: number;
  cycle: number;
  scope_kind: string;
  department: string | null;
  team: number | null;
  dimension: string;
  category: string;
  owner: string | null;
  due_on: string;
  status: string;
  score_before: number | null;
  score_after: number | null;
}

const DIMENSIONS = ['communication', 'execution', 'satisfaction', 'utilisation', 'cohesion', 'overall'];
const code = (result: { json?: Json | undefined }) => result.json?.errors?.[0]?.extensions?.['code'] as string | undefined;
const admin = () => concord().adminToken;

async function tokenOf(user: StaffUser | Client): Promise<string> {
  const client = 'client' in user ? user.client : user;
  const token = await (client as unknown as { getToken(): Promise<string | null> }).getToken();
  if (!token) throw new Error('no token');
  return token;
}

async function scopesCount(): Promise<number> {
  const departments = await rawAdmin<unknown[]>('GET', '/items/cc_departments?fields=code&limit=-1');
  const teams = await rawAdmin<unknown[]>('GET', '/items/cc_teams?fields=id&filter[status][_neq]=forming&limit=-1');
  return departments.length + teams.length;
}

let publisher: StaffUser;
let staff: StaffUser;
let executive: string;

beforeAll(async () => {
  [publisher, staff] = await Promise.all([createStaff('hr', { label: 'eval.publisher' }), createStaff('marketing', { label: 'eval.staff' })]);
  executive = await tokenOf(await createExecutive());
});

async function createExecutive(): Promise<Client> {
  const { signIn, TEST_STAFF_PASSWORD } = await import('../harness/concord.ts');
  const { ROLE_IDS } = await import('../../src/access/model.ts');
  const email = `eval.exec.${Date.now().toString(36)}@example.com`;
  await rawAdmin('POST', '/users', { email, password: TEST_STAFF_PASSWORD, first_name: 'Exec', last_name: 'Utive', role: ROLE_IDS.executive });
  return signIn(email, TEST_STAFF_PASSWORD);
}

describe('the demo company ships evaluated history', () => {
  it('has every complete month and quarter of its history published, each scored for every scope on all six dimensions', async () => {
    const cycles = await rawAdmin<Cycle[]>('GET', '/items/cc_evaluation_cycles?filter[status][_eq]=published&limit=-1&sort=ends_on');
    const monthly = cycles.filter((c) => c.period_kind === 'monthly');
    expect(monthly.length).toBeGreaterThanOrEqual(5);
    expect(cycles.some((c) => c.period_kind === 'quarterly')).toBe(true);
    // Six departments and the two active demo teams (other suites may add scopes later).
    for (const cycle of cycles.slice(-3)) {
      const scores = await rawAdmin<Score[]>('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${cycle.id}&limit=-1`);
      const byScope = new Map<string, string[]>();
      for (const s of scores) byScope.set(`${s.scope_kind}:${s.department ?? s.team}`, [...(byScope.get(`${s.scope_kind}:${s.department ?? s.team}`) ?? []), s.dimension]);
      expect(byScope.size).toBeGreaterThanOrEqual(8);
      for (const dimensions of byScope.values()) expect(dimensions.sort()).toEqual([...DIMENSIONS].sort());
    }
  });

  it('stores the metrics.md raw keys beside each score', async () => {
    const [latest] = await rawAdmin<Cycle[]>('GET', '/items/cc_evaluation_cycles?filter[status][_eq]=published&filter[period_kind][_eq]=monthly&sort=-ends_on&limit=1');
    const scores = await rawAdmin<Score[]>('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${latest!.id}&filter[department][_eq]=service&limit=-1`);
    const keys = Object.fromEntries(scores.map((s) => [s.dimension, Object.keys(s.raw).sort()]));
    expect(keys).toEqual({
      communication: ['handoffs', 'handoffs_with_sla', 'median_response_hours', 'within_sla_share'],
      execution: ['case_sla_share', 'on_time_share', 'reopen_rate', 'reopens', 'resolutions', 'resolutions_with_sla', 'resolutions_within_sla', 'tasks_due', 'tasks_on_time'],
      satisfaction: ['csat_mean', 'csat_share', 'nps', 'nps_responses', 'responses'],
      utilisation: ['budget', 'budget_execution', 'budget_score', 'capacity_hours', 'expense', 'hours_score', 'logged_hours', 'utilisation'],
      cohesion: ['attendance_share', 'attendances', 'closed_cases', 'cross_department_cases', 'cross_department_share', 'invitations', 'pulse_mean', 'pulse_responses', 'pulse_score'],
      overall: ['dimensions', 'weights'],
    });
  });

  it('recomputes the CSAT share of a department from the raw responses (an independent check of the stored figure)', async () => {
    const [latest] = await rawAdmin<Cycle[]>('GET', '/items/cc_evaluation_cycles?filter[status][_eq]=published&filter[period_kind][_eq]=quarterly&sort=-ends_on&limit=1');
    const start = Date.parse(`${latest!.starts_on}T00:00:00+08:00`);
    const end = Date.parse(`${latest!.ends_on}T00:00:00+08:00`);
    const responses = await rawAdmin<Array<{ csat: number; responded_at: string; department: string | null }>>(
      'GET',
      '/items/cc_survey_responses?filter[survey][kind][_eq]=csat&filter[csat][_nnull]=true&fields=csat,responded_at,department&limit=-1',
    );
    const mine = responses.filter((r) => r.department === 'service' && Date.parse(r.responded_at) >= start && Date.parse(r.responded_at) < end);
    const [stored] = await rawAdmin<Score[]>('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${latest!.id}&filter[department][_eq]=service&filter[dimension][_eq]=satisfaction`);
    expect(mine.length).toBeGreaterThan(0);
    expect(stored!.raw['responses']).toBe(mine.length);
    expect(stored!.raw['csat_share']).toBeCloseTo(mine.filter((r) => r.csat >= 4).length / mine.length, 12);
    expect(stored!.score).toBeCloseTo((100 * mine.filter((r) => r.csat >= 4).length) / mine.length, 9);
  });

  it('proposed improvement actions under the threshold, in the mapped category, owned by the head or lead, and filled in the "after" score from the next cycle', async () => {
    const cycles = await rawAdmin<Cycle[]>('GET', '/items/cc_evaluation_cycles?filter[status][_eq]=published&filter[period_kind][_eq]=monthly&sort=starts_on&limit=-1');
    const [first, second] = cycles;
    const actions = await rawAdmin<Action[]>('GET', `/items/cc_improvement_actions?filter[cycle][_eq]=${first!.id}&limit=-1`);
    const scores = await rawAdmin<Score[]>('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${first!.id}&filter[dimension][_neq]=overall&limit=-1`);
    const low = scores.filter((s) => s.score !== null && s.score < 60);
    expect(actions).toHaveLength(low.length);
    const laterScores = await rawAdmin<Score[]>('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${second!.id}&limit=-1`);
    for (const action of actions) {
      expect(action.category).toBe(IMPROVEMENT_CATEGORY[action.dimension as keyof typeof IMPROVEMENT_CATEGORY]);
      expect(action.status).toBe('proposed');
      const before = low.find((s) => s.dimension === action.dimension && s.department === action.department && s.team === action.team);
      expect(action.score_before).toBe(before!.score);
      const after = laterScores.find((s) => s.dimension === action.dimension && s.department === action.department && s.team === action.team);
      expect(action.score_after).toBe(after?.score ?? null);
    }
  });
});

describe('a cycle from draft to published', () => {
  let february: Cycle;
  let march: Cycle;
  let head: StaffUser;
  let lead: string;

  beforeAll(async () => {
    const token = await tokenOf(publisher);
    head = await createStaff('sales', { head: true, label: 'eval.saleshead' });
    const teams = await rawAdmin<Array<{ id: number; lead: string }>>('GET', '/items/cc_teams?filter[status][_eq]=active&fields=id,lead&sort=id&limit=1');
    lead = teams[0]!.lead;
    const created = await http('POST', '/items/cc_evaluation_cycles', { token, body: { period_kind: 'monthly', starts_on: '2025-02-01' } });
    expect(created.status).toBe(200);
    february = created.json!.data as Cycle;
    expect(february).toMatchObject({ ends_on: '2025-03-01', status: 'draft', name: '2025年2月', period_key: 'monthly:2025-02-01' });
    expect((await http('POST', `/concord/evaluation/cycles/${february.id}/run`, { token })).status).toBe(200);
    expect((await http('POST', `/concord/evaluation/cycles/${february.id}/publish`, { token })).status).toBe(200);
    march = (await http('POST', '/items/cc_evaluation_cycles', { token, body: { period_kind: 'monthly', starts_on: '2025-03-01', weights: { communication: 2, execution: 1, satisfaction: 1, utilisation: 1, cohesion: 1 } } })).json!.data as Cycle;
  });

  it('refuses to publish a draft that was never run', async () => {
    const result = await http('POST', `/concord/evaluation/cycles/${march.id}/publish`, { token: await tokenOf(publisher) });
    expect(result.status).toBe(409);
    expect(code(result)).toBe('CYCLE_NOT_RUN');
  });

  it('runs a draft: one score per scope and dimension, replaced (not added to) by a second run, visible only to evaluation.publish holders', async () => {
    const token = await tokenOf(publisher);
    const first = await http('POST', `/concord/evaluation/cycles/${march.id}/run`, { token });
    expect(first.status).toBe(200);
    const second = await http('POST', `/concord/evaluation/cycles/${march.id}/run`, { token });
    expect(second.json!.data).toMatchObject({ cycle: march.id, scopes: await scopesCount() });
    const stored = await rawAdmin<Score[]>('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${march.id}&limit=-1`);
    expect(stored).toHaveLength((await scopesCount()) * 6);
    const overall = stored.find((s) => s.dimension === 'overall')!;
    expect(overall.raw['weights']).toEqual({ communication: 2, execution: 1, satisfaction: 1, utilisation: 1, cohesion: 1 });
    const asPublisher = await http('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${march.id}&limit=-1`, { token });
    expect((asPublisher.json!.data as unknown[]).length).toBe(stored.length);
    for (const reader of [await tokenOf(staff), executive]) {
      const read = await http('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${march.id}&limit=-1`, { token: reader });
      expect(read.json!.data).toEqual([]);
      const cards = await http('GET', `/concord/evaluation/scorecards?cycle=${march.id}`, { token: reader });
      expect(cards.json!.data).toMatchObject({ scorecards: [], company: {} });
    }
  });

  it('lets only evaluation.publish holders run, publish and preview', async () => {
    const token = await tokenOf(staff);
    for (const [method, path] of [['POST', `/concord/evaluation/cycles/${march.id}/run`], ['POST', `/concord/evaluation/cycles/${march.id}/publish`], ['GET', '/concord/evaluation/preview?starts_on=2026-11-01&ends_on=2026-11-15']] as const) {
      const result = await http(method, path, { token });
      expect(result.status).toBe(403);
      expect(code(result)).toBe('MISSING_CAPABILITY');
      expect(result.json!.errors![0]!.message).toContain('evaluation.publish');
    }
    expect(code(await http('POST', '/concord/evaluation/cycles/99999999/run', { token: await tokenOf(publisher) }))).toBe('NOT_FOUND');
  });

  it('publishes in one step: frozen, fed back to each head and lead with the change on last time, actions proposed and the previous ones followed up', async () => {
    const token = await tokenOf(publisher);
    const published = await http('POST', `/concord/evaluation/cycles/${march.id}/publish`, { token });
    expect(published.status).toBe(200);
    expect(published.json!.data).toMatchObject({ cycle: march.id, previous: february.id });
    const cycle = await rawAdmin<Cycle>('GET', `/items/cc_evaluation_cycles/${march.id}`);
    expect(cycle.status).toBe('published');
    expect(cycle.published_at).not.toBeNull();

    const scores = await rawAdmin<Score[]>('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${march.id}&filter[department][_eq]=sales&limit=-1`);
    const overall = scores.find((s) => s.dimension === 'overall')!;
    const notes = await rawAdmin<Array<{ subject: string; message: string; item: string; collection: string }>>('GET', `/notifications?filter[recipient][_eq]=${head.id}&filter[subject][_contains]=2025年3月&limit=-1`);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ collection: 'cc_evaluation_cycles', item: String(march.id) });
    expect(overall.score).not.toBeNull();
    expect(notes[0]!.subject).toContain('2025年3月');
    expect(notes[0]!.subject).toContain('销售部');
    expect(notes[0]!.message).toContain('较上期');
    expect(notes[0]!.message).toContain(`/admin/insights/${DASHBOARDS.find((d) => d.name.startsWith('部门看板'))!.id}?`);
    // The link opens the cycle it announced, for the head's department.
    const link = new URL(/\((https?:[^)\s]+)\)/.exec(notes[0]!.message)![1]!);
    expect(Object.fromEntries(link.searchParams)).toEqual({ period: 'month', starts_on: '2025-03-01', ends_on: '2025-04-01', scope_kind: 'department', scope: 'sales' });
    for (const dimension of ['沟通效率', '任务执行质量', '客户满意度', '资源利用率', '凝聚力与协同度', '综合']) expect(notes[0]!.message).toContain(dimension);
    const leadNotes = await rawAdmin<Array<{ subject: string }>>('GET', `/notifications?filter[recipient][_eq]=${lead}&filter[subject][_contains]=2025年3月&limit=-1`);
    expect(leadNotes.length).toBeGreaterThanOrEqual(1);

    const actions = await rawAdmin<Action[]>('GET', `/items/cc_improvement_actions?filter[cycle][_eq]=${march.id}&filter[department][_eq]=sales&limit=-1`);
    const low = scores.filter((s) => s.dimension !== 'overall' && s.score !== null && s.score < 60);
    expect(actions.map((a) => a.dimension).sort()).toEqual(low.map((s) => s.dimension).sort());
    // Planned for the last day of April 2025, already past when this test publishes March 2025: a whole
    // period from the day it is proposed instead, so it is not overdue on the day it appears.
    const proposedOn = zonedDate(new Date(), 'Asia/Shanghai');
    const dueOn = actionDueOn('2025-04-30', proposedOn, { starts_on: '2025-04-01', ends_on: '2025-05-01' });
    expect(dueOn >= proposedOn).toBe(true);
    for (const action of actions) expect(action).toMatchObject({ owner: head.id, due_on: dueOn, status: 'proposed' });
    const previous = await rawAdmin<Action[]>('GET', `/items/cc_improvement_actions?filter[cycle][_eq]=${february.id}&limit=-1`);
    const marchScores = await rawAdmin<Score[]>('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${march.id}&limit=-1`);
    for (const action of previous) {
      const after = marchScores.find((s) => s.dimension === action.dimension && s.department === action.department && s.team === action.team);
      expect(action.score_after).toBe(after!.score);
    }
  });

  it('an English-speaking head gets the scorecard in English', async () => {
    const english = await createStaff('finance', { head: true, label: 'eval.financehead' });
    await rawAdmin('PATCH', `/users/${english.id}`, { language: 'en-US' });
    const token = await tokenOf(publisher);
    const april = (await http('POST', '/items/cc_evaluation_cycles', { token, body: { period_kind: 'monthly', starts_on: '2025-04-01' } })).json!.data as Cycle;
    await http('POST', `/concord/evaluation/cycles/${april.id}/run`, { token });
    await http('POST', `/concord/evaluation/cycles/${april.id}/publish`, { token });
    const [note] = await rawAdmin<Array<{ subject: string; message: string }>>('GET', `/notifications?filter[recipient][_eq]=${english.id}&limit=-1`);
    // The cycle Concord named 2025年4月 is named from its period in English.
    expect(note!.subject).toContain('Collaboration scorecard April 2025');
    expect(note!.message).toContain('The collaboration evaluation for April 2025');
    expect(`${note!.subject}\n${note!.message}`).not.toContain('2025年4月');
    expect(note!.message).toContain('| Dimension | Score | Change |');
  });

  it('keeps a published cycle and its scores frozen on every write path, admins included', async () => {
    const token = admin();
    const scores = await rawAdmin<Score[]>('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${march.id}&limit=2`);
    const [a, b] = scores.map((s) => s.id);
    const attempts = [
      await http('PATCH', `/items/cc_evaluation_scores/${a}`, { token, body: { score: 1 } }),
      await http('DELETE', `/items/cc_evaluation_scores/${a}`, { token }),
      await http('PATCH', '/items/cc_evaluation_scores', { token, body: { keys: [a, b], data: { score: 1 } } }),
      await http('PATCH', '/items/cc_evaluation_scores', { token, body: { query: { filter: { cycle: { _eq: march.id } } }, data: { score: 1 } } }),
      await http('DELETE', '/items/cc_evaluation_scores', { token, body: [a, b] }),
      await http('POST', '/graphql', { token, body: { query: `mutation { update_cc_evaluation_scores_item(id: ${a}, data: { score: 1 }) { id } }` } }),
      await http('POST', '/graphql', { token, body: { query: `mutation { delete_cc_evaluation_scores_item(id: ${a}) { id } }` } }),
      await http('POST', '/utils/import/cc_evaluation_scores', { token, form: jsonFile([{ id: a, score: 1 }]) }),
    ];
    for (const attempt of attempts) expect(code(attempt)).toBe('SCORE_FROZEN');
    expect(code(await http('POST', '/items/cc_evaluation_scores', { token, body: { cycle: march.id, scope_kind: 'department', department: 'sales', dimension: 'overall', score: 100 } }))).toBe('SCORE_MANAGED');

    const cycleAttempts = [
      await http('PATCH', `/items/cc_evaluation_cycles/${march.id}`, { token, body: { status: 'draft' } }),
      await http('PATCH', `/items/cc_evaluation_cycles/${march.id}`, { token, body: { weights: { communication: 1, execution: 1, satisfaction: 1, utilisation: 1, cohesion: 5 } } }),
      await http('PATCH', `/items/cc_evaluation_cycles/${march.id}`, { token, body: { starts_on: '2025-05-01' } }),
      await http('DELETE', `/items/cc_evaluation_cycles/${march.id}`, { token }),
      await http('POST', '/graphql', { token, body: { query: `mutation { update_cc_evaluation_cycles_item(id: ${march.id}, data: { status: "draft" }) { id } }` } }),
      await http('POST', `/concord/evaluation/cycles/${march.id}/publish`, { token }),
      await http('POST', `/concord/evaluation/cycles/${march.id}/run`, { token }),
    ];
    for (const attempt of cycleAttempts) expect(code(attempt)).toBe('CYCLE_PUBLISHED');

    // Beneath the hooks: a write that runs none (a knex write, a Flow without events) meets the triggers.
    await expect(testDb()('cc_evaluation_scores').where('id', a!).update({ score: 1 })).rejects.toThrow(/CONCORD_SCORE_FROZEN/);
    await expect(testDb()('cc_evaluation_cycles').where('id', march.id).update({ status: 'draft' })).rejects.toThrow(/CONCORD_CYCLE_PUBLISHED/);
    await expect(testDb()('cc_evaluation_cycles').where('id', march.id).delete()).rejects.toThrow(/CONCORD_CYCLE_PUBLISHED/);

    const after = await rawAdmin<Score[]>('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${march.id}&limit=2`);
    expect(after).toEqual(scores);
    expect((await rawAdmin<Cycle>('GET', `/items/cc_evaluation_cycles/${march.id}`)).status).toBe('published');
  });

  it('keeps the name of a published cycle too: scorecards, charts and feedback show it', async () => {
    const result = await http('PATCH', `/items/cc_evaluation_cycles/${march.id}`, { token: admin(), body: { name: '2025年3月(复核)' } });
    expect(code(result)).toBe('CYCLE_PUBLISHED');
    // The same name again changes nothing and passes.
    expect((await http('PATCH', `/items/cc_evaluation_cycles/${march.id}`, { token: admin(), body: { name: march.name } })).status).toBe(200);
  });
});

describe('cycles are checked on every write path', () => {
  it('derives the end, refuses other first days, a second cycle of a period, bad weights and targets', async () => {
    const token = await tokenOf(publisher);
    const quarter = await http('POST', '/items/cc_evaluation_cycles', { token, body: { period_kind: 'quarterly', starts_on: '2024-10-01' } });
    expect(quarter.json!.data).toMatchObject({ ends_on: '2025-01-01', name: '2024年第4季度' });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ period_kind: 'quarterly', starts_on: '2024-11-01' }, 'INVALID_PERIOD'],
      [{ period_kind: 'monthly', starts_on: '2024-11-15' }, 'INVALID_PERIOD'],
      [{ period_kind: 'weekly', starts_on: '2024-11-01' }, 'INVALID_PERIOD'],
      [{ period_kind: 'monthly', starts_on: '2024-11-01', ends_on: '2024-12-15' }, 'INVALID_PERIOD'],
      [{ period_kind: 'quarterly', starts_on: '2024-10-01' }, 'DUPLICATE_CYCLE'],
      [{ period_kind: 'monthly', starts_on: '2024-11-01', weights: { communication: -1, execution: 1, satisfaction: 1, utilisation: 1, cohesion: 1 } }, 'INVALID_WEIGHTS'],
      [{ period_kind: 'monthly', starts_on: '2024-11-01', weights: { communication: 0, execution: 0, satisfaction: 0, utilisation: 0, cohesion: 0 } }, 'INVALID_WEIGHTS'],
      [{ period_kind: 'monthly', starts_on: '2024-11-01', weights: { communication: 1 } }, 'INVALID_WEIGHTS'],
      [{ period_kind: 'monthly', starts_on: '2024-11-01', targets: { improvement_threshold: 150 } }, 'INVALID_PAYLOAD'],
      [{ period_kind: 'monthly', starts_on: '2024-11-01', status: 'published' }, 'INVALID_PAYLOAD'],
      [{ period_kind: 'monthly', starts_on: '2024-11-01', period_key: 'x' }, 'MANAGED_FIELD'],
    ];
    for (const [body, expected] of cases) expect([JSON.stringify(body), code(await http('POST', '/items/cc_evaluation_cycles', { token, body }))]).toEqual([JSON.stringify(body), expected]);
    // The same rules through GraphQL, a batch and an import; nothing of a refused batch is written.
    const graphql = await http('POST', '/graphql', { token, body: { query: 'mutation { create_cc_evaluation_cycles_item(data: { period_kind: "monthly", starts_on: "2024-11-20" }) { id } }' } });
    expect(code(graphql)).toBe('INVALID_PERIOD');
    const batch = await http('POST', '/items/cc_evaluation_cycles', { token, body: [{ period_kind: 'monthly', starts_on: '2024-07-01' }, { period_kind: 'monthly', starts_on: '2024-07-02' }] });
    expect(code(batch)).toBe('INVALID_PERIOD');
    expect(await rawAdmin<unknown[]>('GET', '/items/cc_evaluation_cycles?filter[period_key][_eq]=monthly:2024-07-01')).toEqual([]);
    const imported = await http('POST', '/utils/import/cc_evaluation_cycles', { token: admin(), form: jsonFile([{ period_kind: 'quarterly', starts_on: '2024-10-01' }]) });
    expect(code(imported)).toBe('DUPLICATE_CYCLE');
  });

  it('moves a draft to another period with its end and key, and discards its now stale draft scores', async () => {
    const token = await tokenOf(publisher);
    const draft = (await http('POST', '/items/cc_evaluation_cycles', { token, body: { period_kind: 'monthly', starts_on: '2024-05-01' } })).json!.data as Cycle;
    await http('POST', `/concord/evaluation/cycles/${draft.id}/run`, { token });
    expect((await rawAdmin<unknown[]>('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${draft.id}&limit=-1`)).length).toBeGreaterThan(0);
    const moved = await http('PATCH', `/items/cc_evaluation_cycles/${draft.id}`, { token, body: { starts_on: '2024-06-01' } });
    expect(moved.json!.data).toMatchObject({ starts_on: '2024-06-01', ends_on: '2024-07-01', period_key: 'monthly:2024-06-01', name: '2024年6月', computed_at: null });
    // The stale scores are discarded by an action hook, after the response.
    await expect.poll(async () => rawAdmin<unknown[]>('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${draft.id}&limit=-1`)).toEqual([]);
    // A draft may be deleted (its draft scores go with it).
    await http('POST', `/concord/evaluation/cycles/${draft.id}/run`, { token });
    expect((await http('DELETE', `/items/cc_evaluation_cycles/${draft.id}`, { token })).status).toBe(204);
    expect(await rawAdmin<unknown[]>('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${draft.id}&limit=-1`)).toEqual([]);
  });
});

describe('preview', () => {
  it('computes any period for a scope and stores nothing', async () => {
    const before = await rawAdmin<Array<{ count: { id: number } }>>('GET', '/items/cc_evaluation_scores?aggregate[count]=id');
    const result = await http('GET', '/concord/evaluation/preview?starts_on=2026-01-01&ends_on=2026-12-01&scope_kind=department&scope=service', { token: await tokenOf(publisher) });
    expect(result.status).toBe(200);
    const data = result.json!.data as { stored: boolean; scorecards: Array<{ scope: string; dimensions: Record<string, unknown> }> };
    expect(data.stored).toBe(false);
    expect(data.scorecards.map((c) => c.scope)).toEqual(['service']);
    expect(Object.keys(data.scorecards[0]!.dimensions).sort()).toEqual([...DIMENSIONS].sort());
    const after = await rawAdmin<Array<{ count: { id: number } }>>('GET', '/items/cc_evaluation_scores?aggregate[count]=id');
    expect(after).toEqual(before);
    expect(code(await http('GET', '/concord/evaluation/preview?starts_on=2026-12-01&ends_on=2026-11-01', { token: await tokenOf(publisher) }))).toBe('INVALID_PERIOD');
  });
});

describe('the schedule', () => {
  it('run twice at once makes one cycle per period and runs it once', async () => {
    const at = '2025-10-01T02:00:00+08:00';
    const [first, second] = await Promise.all([
      http('POST', '/concord/evaluation/schedule/run', { token: admin(), body: { at } }),
      http('POST', '/concord/evaluation/schedule/run', { token: admin(), body: { at } }),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const reports = [first, second].map((r) => r.json!.data as { created: Array<{ cycle: number }>; existing: string[] });
    expect(reports.flatMap((r) => r.created)).toHaveLength(2);
    expect(reports.flatMap((r) => r.existing).sort()).toEqual(['monthly:2025-09-01', 'quarterly:2025-07-01']);
    for (const key of ['monthly:2025-09-01', 'quarterly:2025-07-01']) {
      const [cycle] = await rawAdmin<Cycle[]>('GET', `/items/cc_evaluation_cycles?filter[period_key][_eq]=${key}`);
      expect(cycle).toMatchObject({ status: 'draft' });
      expect(cycle!.computed_at).not.toBeNull();
      expect(await rawAdmin<unknown[]>('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${cycle!.id}&limit=-1`)).toHaveLength((await scopesCount()) * 6);
    }
  });
});

describe('scorecards', () => {
  it('show a member of staff their own department and teams only, with the previous cycle beside each score', async () => {
    const member = await createStaff('service', { label: 'eval.cards' });
    const result = await http('GET', '/concord/evaluation/scorecards?period_kind=monthly', { token: await tokenOf(member) });
    const data = result.json!.data as { cycle: Cycle; previous: { id: number }; company: Record<string, number | null>; scorecards: Array<{ scope_kind: string; scope: string | number; dimensions: Record<string, { score: number | null; previous: number | null; change: number | null }> }> };
    expect(data.cycle.status).toBe('published');
    expect(data.previous).not.toBeNull();
    expect(data.scorecards.map((c) => `${c.scope_kind}:${c.scope}`)).toEqual(['department:service']);
    const card = data.scorecards[0]!;
    for (const value of Object.values(card.dimensions)) {
      if (value.score !== null && value.previous !== null) expect(value.change).toBeCloseTo(value.score - value.previous, 9);
    }
    expect(Object.keys(data.company).sort()).toEqual([...DIMENSIONS].sort());
    expect(code(await http('GET', '/concord/evaluation/scorecards?scope=sales', { token: await tokenOf(member) }))).toBe('INVALID_PAYLOAD');
    expect(code(await http('GET', '/concord/evaluation/scorecards?cycle=abc', { token: await tokenOf(member) }))).toBe('INVALID_PAYLOAD');
  });

  it('show executives every department and team', async () => {
    const result = await http('GET', '/concord/evaluation/scorecards?period_kind=monthly', { token: executive });
    const data = result.json!.data as { cycle: Cycle; scorecards: unknown[] };
    const overall = await rawAdmin<unknown[]>('GET', `/items/cc_evaluation_scores?filter[cycle][_eq]=${data.cycle.id}&filter[dimension][_eq]=overall&limit=-1`);
    expect(data.scorecards).toHaveLength(overall.length);
  });
});

describe('improvement actions', () => {
  it('are worked by their owner and steered by the scope head, and nobody else', async () => {
    const [action] = await rawAdmin<Action[]>('GET', '/items/cc_improvement_actions?filter[department][_eq]=marketing&sort=-id&limit=1');
    expect(action).toBeDefined();
    const head = await createStaff('marketing', { head: true, label: 'eval.mkthead' });
    const owner = await createStaff('marketing', { label: 'eval.owner' });
    expect((await http('PATCH', `/items/cc_improvement_actions/${action!.id}`, { token: await tokenOf(head), body: { owner: owner.id } })).status).toBe(200);
    expect((await http('PATCH', `/items/cc_improvement_actions/${action!.id}`, { token: await tokenOf(owner), body: { status: 'in_progress' } })).status).toBe(200);
    expect((await http('PATCH', `/items/cc_improvement_actions/${action!.id}`, { token: await tokenOf(staff), body: { status: 'done' } })).status).toBe(403);
    expect(await rawAdmin<Action>('GET', `/items/cc_improvement_actions/${action!.id}`)).toMatchObject({ owner: owner.id, status: 'in_progress' });
  });
});

function jsonFile(rows: unknown[]): FormData {
  const form = new FormData();
  form.append('file', new Blob([JSON.stringify(rows)], { type: 'application/json' }), 'rows.json');
  return form;
}
