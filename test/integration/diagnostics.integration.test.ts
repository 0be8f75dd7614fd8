import { createItem, readItems } from '@directus/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { toDbTime } from '../../src/directus/time.ts';
import { refreshHistoryFacts } from '../../src/workflows/history-facts.ts';
import { DEMO_PEOPLE } from '../../src/organisation/demo-organisation.ts';
import { adminClient, concord, createStaff, http, rawAdmin, signIn, testDb, type Json, type StaffUser } from '../harness/concord.ts';

/**
 * GET /concord/insights/diagnostics on the demo company: the documented shape for a department head,
 * and for a staff member no case they cannot open through the API.
 */

interface Diagnosis {
  period: { starts_on: string; ends_on: string };
  bottlenecks: Array<Record<string, unknown> & { cases: number[] }>;
  ping_pong: Array<{ case: number; departments: string[]; bounces: number }>;
  anomalies: Array<Record<string, unknown>>;
  at_risk: Array<Record<string, unknown> & { case: number }>;
  findings: Array<{ kind: string; dimension: string; title: string; detail: string; impact: { value: number; unit: string }; evidence: { cases: number[]; tasks?: number[]; people?: string[] } }>;
}

async function tokenOf(user: StaffUser): Promise<string> {
  const token = await (user.client as unknown as { getToken(): Promise<string | null> }).getToken();
  if (!token) throw new Error('no token');
  return token;
}

async function diagnose(token: string, query: string): Promise<Diagnosis> {
  const result = await http('GET', `/concord/insights/diagnostics?${query}`, { token });
  if (result.status !== 200) throw new Error(`${result.status} ${result.text}`);
  return (result.json as Json).data as Diagnosis;
}

const PERIOD = 'starts_on=2026-01-01&ends_on=2026-12-01';
const casesNamed = (d: Diagnosis) => new Set([...d.bottlenecks.flatMap((b) => b.cases), ...d.ping_pong.map((p) => p.case), ...d.at_risk.map((a) => a.case), ...d.findings.flatMap((f) => f.evidence.cases)]);

let head: StaffUser;
let staff: StaffUser;

beforeAll(async () => {
  [head, staff] = await Promise.all([createStaff('service', { head: true, label: 'diag.head' }), createStaff('tech', { label: 'diag.tech' })]);
});

describe('diagnostics endpoint', () => {
  it('answers a department head with the documented shape', async () => {
    const data = await diagnose(await tokenOf(head), `${PERIOD}&scope_kind=department&scope=service`);
    expect(data.period).toEqual({ starts_on: '2026-01-01', ends_on: '2026-12-01' });
    for (const f of data.findings) {
      expect(f).toEqual({
        kind: expect.stringMatching(/^(bottleneck|ping_pong|anomaly|late_tasks|reopens|csat_by_handoffs|csat_by_product|csat_by_path|over_capacity|under_capacity|attendance|pulse_trend)$/),
        dimension: expect.stringMatching(/^(communication|execution|satisfaction|utilisation|cohesion)$/),
        title: expect.any(String),
        detail: expect.any(String),
        impact: { value: expect.any(Number), unit: expect.any(String) },
        evidence: expect.objectContaining({ cases: expect.any(Array) }),
      });
    }
    // Beyond the four kinds: the demo's half year has late tasks somewhere in the service department.
    expect(new Set(data.findings.map((f) => f.dimension)).size).toBeGreaterThan(1);
    expect(data.findings.filter((f) => f.kind === 'bottleneck').length).toBe(data.bottlenecks.filter((b) => Number(b['excess_hours']) > 0).length);
    expect(data.bottlenecks.length).toBeGreaterThan(0);
    for (const b of data.bottlenecks) {
      expect(Object.keys(b).sort()).toEqual(['cases', 'excess_hours', 'from_department', 'handoffs', 'median_response_hours', 'p90_response_hours', 'to_department', 'to_state', 'within_sla_share'].sort());
      expect(b['to_department']).toBe('service');
    }
    for (let i = 1; i < data.bottlenecks.length; i += 1) expect(Number(data.bottlenecks[i - 1]!['excess_hours'])).toBeGreaterThanOrEqual(Number(data.bottlenecks[i]!['excess_hours']));
    for (const p of data.ping_pong) expect(p.bounces).toBeGreaterThanOrEqual(1);
    for (const a of data.anomalies) expect(a).toEqual(expect.objectContaining({ scope_kind: 'department', scope: 'service', dimension: expect.any(String), value: expect.any(Number), baseline: expect.any(Number), deviation: expect.any(Number) }));
    for (const r of data.at_risk) {
      expect(Object.keys(r).sort()).toEqual(['breach_probability', 'case', 'department', 'hours_in_state', 'sla_hours', 'state']);
      expect(Number(r['breach_probability'])).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('names to a staff member, in lists and evidence alike, only cases they can read through GET /items/cc_cases/:id', async () => {
    const token = await tokenOf(staff);
    const data = await diagnose(token, PERIOD);
    for (const id of casesNamed(data)) expect((await http('GET', `/items/cc_cases/${id}?fields=id`, { token })).status, `case ${id}`).toBe(200);
    for (const id of new Set(data.findings.flatMap((f) => f.evidence.tasks ?? []))) expect((await http('GET', `/items/cc_tasks/${id}?fields=id`, { token })).status, `task ${id}`).toBe(200);
  });

  it('rests on what Directus itself grants: every demo member of staff reads exactly the history of the cases they read', async () => {
    // The diagnosis restricts a viewer's history by the cases they read (Visibility.via); this is
    // the rule that lets it, checked against Directus's own answers for real users of real roles.
    const admin = concord().adminToken;
    const all = ((await http('GET', '/items/cc_case_events?fields=id,case&limit=-1', { token: admin })).json as Json).data as Array<{ id: number; case: number }>;
    const caseCount = (((await http('GET', '/items/cc_cases?aggregate[count]=id', { token: admin })).json as Json).data as Array<{ count: { id: number | string } }>)[0]?.count.id;
    let some = 0;
    for (const person of DEMO_PEOPLE) {
      const token = await tokenOf({ id: '', email: person.email, client: await signIn(person.email, concord().staffPassword) });
      const cases = ((await http('GET', '/items/cc_cases?fields=id&limit=-1', { token })).json as Json).data as Array<{ id: number }>;
      const events = ((await http('GET', '/items/cc_case_events?fields=id&limit=-1', { token })).json as Json).data as Array<{ id: number }>;
      const readable = new Set(cases.map((c) => c.id));
      if (cases.length > 0 && cases.length < Number(caseCount)) some += 1;
      expect(events.map((e) => e.id).sort((a, b) => a - b), person.email).toEqual(all.filter((e) => readable.has(e.case)).map((e) => e.id).sort((a, b) => a - b));
    }
    // The check means something: several of them read some cases and not others.
    expect(some).toBeGreaterThan(2);
  });

  it('answers a finance member, who owns no state and sits on no team, without a single case', async () => {
    const finance = await createStaff('finance', { label: 'diag.fin' });
    const data = await diagnose(await tokenOf(finance), PERIOD);
    expect(casesNamed(data)).toEqual(new Set());
  });

  it('refuses a bad scope or period with a code, and a visitor without a login', async () => {
    const token = await tokenOf(head);
    const code = async (query: string) => ((await http('GET', `/concord/insights/diagnostics?${query}`, { token })).json?.errors?.[0]?.extensions?.['code'] as string | undefined);
    expect(await code('scope_kind=planet')).toBe('INVALID_PAYLOAD');
    expect(await code('starts_on=2026-12-01&ends_on=2026-01-01')).toBe('INVALID_PERIOD');
    expect((await http('GET', '/concord/insights/diagnostics', {})).status).toBe(403);
  });

  it('keeps an answer while nothing is written, and answers anew after any write, through Directus or straight to the database', async () => {
    const token = await tokenOf(head);
    const path = `/concord/insights/diagnostics?${PERIOD}&scope_kind=department&scope=service`;
    const ask = async (fresh = false) => {
      const result = await http('GET', path, { token, ...(fresh ? { headers: { 'cache-control': 'no-cache' } } : {}) });
      expect(result.status).toBe(200);
      return { status: result.headers.get('cache-status'), data: (result.json as Json).data as Diagnosis };
    };
    // Kept: the same answer, said so. Retried, as a schedule of the server may write in between.
    const first = await ask();
    let again = await ask();
    for (let attempt = 0; attempt < 3 && again.status !== 'Concord; hit'; attempt += 1) again = await ask();
    expect(again.status).toBe('Concord; hit');
    expect(again.data).toEqual(first.data);
    // Computed anew on request; only what moves with the clock may differ (an open case's hours in its state).
    const computed = await ask(true);
    expect(computed.status).toBe('Concord; fwd=request; stored');
    const unclocked = (d: Diagnosis) => ({ ...d, at_risk: d.at_risk.map((a) => a.case), findings: d.findings.map((f) => [f.kind, f.evidence]) });
    expect(unclocked(computed.data)).toEqual(unclocked(first.data));

    // A state's response SLA decides its bottleneck's share within it: halve it, by Studio's API, then by SQL.
    const bottleneck = first.data.bottlenecks.find((b) => Number(b['handoffs']) >= 5 && b['within_sla_share'] !== null && Number(b['within_sla_share']) > 0);
    expect(bottleneck).toBeDefined();
    const stateId = Number(bottleneck!['to_state']);
    const [{ response_sla_hours: sla }] = await testDb()('cc_workflow_states').select('response_sla_hours').where('id', stateId);
    const shareOf = (d: Diagnosis) => d.bottlenecks.find((b) => b['to_state'] === stateId && b['from_department'] === bottleneck!['from_department'])?.['within_sla_share'];
    try {
      await rawAdmin('PATCH', `/items/cc_workflow_states/${stateId}`, { response_sla_hours: Number(sla) / 100 });
      const afterApi = await ask();
      expect(afterApi.status).toBe('Concord; fwd=miss; stored');
      expect(shareOf(afterApi.data)).not.toBe(shareOf(first.data));
      expect(unclocked(afterApi.data)).toEqual(unclocked((await ask(true)).data));

      await testDb()('cc_workflow_states').where('id', stateId).update({ response_sla_hours: sla });
      const afterSql = await ask();
      expect(afterSql.status).toBe('Concord; fwd=miss; stored');
      expect(shareOf(afterSql.data)).toBe(shareOf(first.data));
    } finally {
      await testDb()('cc_workflow_states').where('id', stateId).update({ response_sla_hours: sla });
    }
  });

  // On SQLite the diagnosis reads on two connections, Directus's and a reader of Concord's, whose
  // reads a commit on Directus's connection must wait for (src/directus/read-lanes.ts).
  it('lets writes through while diagnoses are computed beside them', async () => {
    const token = await tokenOf(head);
    const [target] = await testDb()('cc_cases').select('id', 'priority').orderBy('id').limit(1);
    const priorities = ['low', 'normal', 'high'];
    try {
      const results = await Promise.all([
        ...Array.from({ length: 6 }, () => http('GET', `/concord/insights/diagnostics?${PERIOD}&scope_kind=department&scope=service`, { token, headers: { 'cache-control': 'no-cache' } })),
        ...Array.from({ length: 12 }, (_, i) => http('PATCH', `/items/cc_cases/${target.id}`, { token: concord().adminToken, body: { priority: priorities[i % 3] } })),
      ]);
      expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    } finally {
      await testDb()('cc_cases').where('id', target.id).update({ priority: target.priority });
    }
  });
});

interface Action {
  id: number;
  title: string;
  dimension: string;
  diagnosis_zh: string | null;
  diagnosis_en: string | null;
  diagnosis_evidence: Array<{ kind: string; impact: { value: number; unit: string }; evidence: { cases: number[]; tasks?: number[]; people?: string[] }; total: { cases: number; tasks?: number; people?: number } }> | null;
}

describe('the diagnosis on an improvement action', () => {
  it('is stored at publication with the top findings of its scope and dimension, names the cause in the title and the scorecard, and stays as it was', async () => {
    // The third quarter of 2023, before the demo's history (a quarter, so the monthly history other
    // suites read stays the demo's): one member of service logs far more than anyone could.
    const worker = await createStaff('service', { label: 'diag.worker' });
    const task = await rawAdmin<{ id: number }>('POST', '/items/cc_tasks', {
      title: 'diag overload',
      status: 'done',
      department: 'service',
      assignee: worker.id,
      due_at: '2023-07-10T10:00:00+08:00',
      done_at: '2023-07-10T09:00:00+08:00',
      logged_hours: 50000,
    });
    const cycle = await rawAdmin<{ id: number }>('POST', '/items/cc_evaluation_cycles', { period_kind: 'quarterly', starts_on: '2023-07-01' });
    await rawAdmin('POST', `/concord/evaluation/cycles/${cycle.id}/run`, {});
    await rawAdmin('POST', `/concord/evaluation/cycles/${cycle.id}/publish`, {});

    const read = async () => (await rawAdmin<Action[]>('GET', `/items/cc_improvement_actions?filter[cycle][_eq]=${cycle.id}&filter[department][_eq]=service&filter[dimension][_eq]=utilisation&limit=-1`))[0];
    const action = await read();
    expect(action).toBeDefined();
    expect(action!.title).toMatch(/^提升资源利用率:service\d+Test 超负荷 \d+(\.\d)? 小时$/);
    expect(action!.diagnosis_zh).toContain('超负荷');
    expect(action!.diagnosis_en).toContain('over capacity');
    expect(action!.diagnosis_evidence![0]).toMatchObject({ kind: 'over_capacity', impact: { unit: 'hours' }, evidence: { tasks: [task.id], people: [worker.id] }, total: { cases: 0, tasks: 1, people: 1 } });

    // The head's scorecard carries the one-line cause under the low score.
    const notes = await rawAdmin<Array<{ message: string }>>('GET', `/notifications?filter[recipient][_eq]=${head.id}&filter[subject][_contains]=2023年第3季度&limit=-1`);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.message).toContain('低分原因');
    expect(notes[0]!.message).toContain('超负荷');

    // History changes later: the diagnostics see it, the stored diagnosis does not.
    await rawAdmin('PATCH', `/items/cc_tasks/${task.id}`, { logged_hours: 0 });
    const now = await diagnose(await tokenOf(head), 'starts_on=2023-07-01&ends_on=2023-10-01&scope_kind=department&scope=service');
    expect(now.findings.filter((f) => f.kind === 'over_capacity')).toEqual([]);
    expect(await read()).toEqual(action);

    // Nobody writes it, admins included; the rest of the action stays theirs.
    for (const body of [{ diagnosis_zh: '别的原因' }, { diagnosis_en: null }, { diagnosis_evidence: [] }]) {
      const refused = await http('PATCH', `/items/cc_improvement_actions/${action!.id}`, { token: concord().adminToken, body });
      expect(refused.status).toBe(403);
      expect(refused.json?.errors?.[0]?.extensions?.['code']).toBe('ACTION_MANAGED');
    }
    expect(await read()).toEqual(action);
  });
});

describe('the early warning', () => {
  it('tells the owning head once, before the breach, why a case is at risk, however often and concurrently the schedule runs', async () => {
    const techHead = await createStaff('tech', { head: true, label: 'diag.techhead' });
    const admin = adminClient();
    const customer = await admin.request(createItem('cc_customers', { name: '预警客户' } as never));
    const [complaint] = (await admin.request(readItems('cc_workflows', { filter: { key: { _eq: 'complaint' } }, fields: ['id'] } as never))) as Array<{ id: number }>;
    const states = (await admin.request(readItems('cc_workflow_states' as never, { filter: { workflow: { _eq: complaint!.id } }, fields: ['id', 'key', 'response_sla_hours', 'owner_department', 'is_terminal'] } as never))) as Array<{
      id: number;
      key: string;
      response_sla_hours: number;
      owner_department: string;
      is_terminal: boolean;
    }>;
    const escalated = states.find((s) => s.key === 'escalated')!;
    const closed = states.find((s) => s.is_terminal)!;
    expect(escalated.owner_department).toBe('tech');
    const sla = Number(escalated.response_sla_hours);
    expect(sla).toBeGreaterThan(1);
    const db = testDb();
    const hour = 3_600_000;
    const newCase = async (title: string) => ((await admin.request(createItem('cc_cases', { title, workflow: complaint!.id, customer: customer.id } as never))) as { id: number }).id;

    // The past: 12 closed cases each handed to tech 20 days ago and answered 10 h after the SLA.
    const past = Date.now() - 20 * 24 * hour;
    for (let i = 0; i < 12; i += 1) {
      const id = await newCase(`预警历史 ${i}`);
      await db('cc_case_events').insert([
        { case: id, to_state: escalated.id, actor_department: 'service', occurred_at: toDbTime(db, new Date(past + i * hour)), is_handoff: true, is_override: false },
        { case: id, to_state: escalated.id, actor_department: 'tech', occurred_at: toDbTime(db, new Date(past + i * hour + (sla + 10) * hour)), is_handoff: false, is_override: false },
      ]);
      // Written past Concord's writers, so done as each of them does: the handoffs' answer times.
      await refreshHistoryFacts(db, [id]);
      await db('cc_cases').where('id', id).update({ state: closed.id });
    }
    // Now: a case with tech for an hour less than the SLA.
    const caseId = await newCase('预警事项');
    const entered = toDbTime(db, new Date(Date.now() - (sla - 1) * hour));
    await db('cc_cases').where('id', caseId).update({ state: escalated.id, state_entered_at: entered, opened_at: entered });

    const run = () => rawAdmin<{ checked: number; escalated: number; warned: number }>('POST', '/concord/sla/escalate', {});
    await Promise.all([run(), run()]);
    await run();
    const claims = await rawAdmin<Array<{ kind: string; notified: string[] }>>('GET', `/items/cc_sla_breaches?filter[case][_eq]=${caseId}&fields=kind,notified`);
    expect(claims).toEqual([{ kind: 'at_risk', notified: [techHead.id] }]);
    const notes = await rawAdmin<Array<{ subject: string; message: string }>>('GET', `/notifications?filter[recipient][_eq]=${techHead.id}&filter[collection][_eq]=cc_cases&filter[item][_eq]=${caseId}&limit=-1`);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.subject).toContain('可能超时');
    expect(notes[0]!.message).toMatch(new RegExp(`已 \\d+(\\.\\d)? 小时;过去 90 天这一状态的交接有 \\d+% 超过 ${sla} 小时时限`));
  });
});
