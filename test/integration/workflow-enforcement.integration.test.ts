import type { CaseEvent } from '../harness/schema.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concord, createStaff, rawAdmin, type Client, type StaffUser, http, type Json, testDb } from '../harness/concord.ts';
import { refreshDueTimes } from '../../src/workflows/sla-due.ts';

/**
 * The case workflow is enforced on every write path Directus offers, as real users of each
 * department: our transitions endpoint, REST single / batch / keys / query updates, GraphQL
 * mutations and CSV/JSON import. A case's state changes only by a legal transition, by a
 * department holding the transition's capability, with its required fields; everything else is
 * refused with a stable code and nothing is written (read back as admin after every refusal).
 * History is append-only; admins override only through the recorded override/repair endpoints;
 * concurrent transitions of one case leave exactly one winner and an unbroken history.
 */

const TAG = `wfe-${Date.now().toString(36)}`;

interface Response {
  status: number;
  json: Json | undefined;
  text: string;
}

const call = http;

/** Registers the test only where it applies to the path (not a skip: there is nothing to test). */
const itWhere = (applies: boolean) => (applies ? it : (_name: string, _fn: () => Promise<void>) => undefined);
const adminToken = () => concord().adminToken;
const code = (result: { json?: Json }) => result.json?.errors?.[0]?.extensions?.['code'] as string | undefined;

async function tokenOfClient(client: Client): Promise<string> {
  const token = await (client as unknown as { getToken(): Promise<string | null> }).getToken();
  if (!token) throw new Error('No access token');
  return token;
}
const tokenOf = (user: StaffUser) => tokenOfClient(user.client);

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

let complaintWorkflow: number;
let inquiryWorkflow: number;
let inquiryReceived: number;
const S = { received: 0, investigating: 0, escalated: 0, resolved: 0, closed: 0 };
type StateKey = keyof typeof S;
let customerId: number;
let teamId: number;
let adminId: string;

/** Team members, one person per department (two in service). */
let svcA: StaffUser;
let svcB: StaffUser;
let techM: StaffUser;
let mktM: StaffUser;
let salesM: StaffUser;
/** Outsiders: sales (holds complaint.handle) on another team; tech, which owns "escalated". */
let salesOut: StaffUser;
let techOut: StaffUser;

beforeAll(async () => {
  [svcA, svcB, techM, mktM, salesM, salesOut, techOut] = await Promise.all([
    createStaff('service', { label: `${TAG}.svca` }),
    createStaff('service', { label: `${TAG}.svcb` }),
    createStaff('tech', { label: `${TAG}.tech` }),
    createStaff('marketing', { label: `${TAG}.mkt` }),
    createStaff('sales', { label: `${TAG}.sales` }),
    createStaff('sales', { label: `${TAG}.salesout` }),
    createStaff('tech', { label: `${TAG}.techout` }),
  ]);
  adminId = (await rawAdmin<{ id: string }>('GET', '/users/me?fields=id')).id;
  const workflows = await rawAdmin<Array<{ id: number; key: string }>>('GET', '/items/cc_workflows?fields=id,key&limit=-1');
  complaintWorkflow = workflows.find((w) => w.key === 'complaint')!.id;
  inquiryWorkflow = workflows.find((w) => w.key === 'inquiry')!.id;
  const states = await rawAdmin<Array<{ id: number; key: string; owner_department: string }>>(
    'GET',
    `/items/cc_workflow_states?filter[workflow][_eq]=${complaintWorkflow}&fields=id,key,owner_department&limit=-1`,
  );
  for (const key of Object.keys(S) as StateKey[]) S[key] = states.find((s) => s.key === key)!.id;
  expect(states.find((s) => s.key === 'escalated')!.owner_department).toBe('tech');
  expect(states.find((s) => s.key === 'investigating')!.owner_department).toBe('service');
  inquiryReceived = (
    await rawAdmin<Array<{ id: number }>>('GET', `/items/cc_workflow_states?filter[workflow][_eq]=${inquiryWorkflow}&filter[key][_eq]=received&fields=id`)
  )[0]!.id;

  customerId = (await rawAdmin<{ id: number }>('POST', '/items/cc_customers', { name: `${TAG} 客户`, tier: 'standard' })).id;
  teamId = (
    await rawAdmin<{ id: number }>('POST', '/items/cc_teams', {
      name: `${TAG} 团队`,
      members: [svcA, svcB, techM, mktM, salesM].map((member) => ({ user: member.id, role_in_team: 'representative' })),
    })
  ).id;
  await rawAdmin('POST', '/items/cc_teams', { name: `${TAG} 别的团队`, members: [{ user: salesOut.id, role_in_team: 'representative' }] });
});

let caseCounter = 0;

/** A complaint case opened by a service member of the team, through the items API. */
async function newCase(): Promise<number> {
  caseCounter += 1;
  const created = await call('POST', '/items/cc_cases', {
    token: await tokenOf(svcA),
    body: { title: `${TAG} 投诉 ${caseCounter}`, workflow: complaintWorkflow, customer: customerId, team: teamId },
  });
  if (created.status !== 200) throw new Error(`create case: ${created.status} ${created.text}`);
  const id = (created.json?.data as { id: number }).id;
  const row = await rawAdmin<{ state: number }>('GET', `/items/cc_cases/${id}?fields=state`);
  expect(row.state).toBe(S.received);
  // The opening event is written by an action after the response; tests comparing the history
  // before and after a refusal start once it is there.
  for (let waited = 0; (await eventsOf(id)).length === 0; waited += 50) {
    if (waited > 10_000) throw new Error(`case ${id} has no opening event after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return id;
}

/** Moves a case along legal transitions through the endpoint, each by the department that holds it. */
async function walk(caseId: number, ...targets: StateKey[]): Promise<void> {
  for (const to of targets) {
    const current = (await rawAdmin<{ state: number }>('GET', `/items/cc_cases/${caseId}?fields=state`)).state;
    const actor = current === S.escalated ? techM : svcA;
    const fields = to === 'escalated' ? { description: `${TAG} 需要技术部` } : to === 'resolved' ? { resolution_note: `${TAG} 已处理` } : {};
    const result = await call('POST', `/concord/cases/${caseId}/transitions`, { token: await tokenOf(actor), body: { to, fields } });
    if (result.status !== 200) throw new Error(`walk case ${caseId} to ${to}: ${result.status} ${result.text}`);
  }
}

async function newCaseIn(state: StateKey): Promise<number> {
  const id = await newCase();
  const route: Record<StateKey, StateKey[]> = {
    received: [],
    investigating: ['investigating'],
    escalated: ['investigating', 'escalated'],
    resolved: ['investigating', 'resolved'],
    closed: ['investigating', 'resolved', 'closed'],
  };
  await walk(id, ...route[state]);
  return id;
}

type EventRow = CaseEvent;

async function eventsOf(caseId: number): Promise<EventRow[]> {
  return rawAdmin<EventRow[]>('GET', `/items/cc_case_events?filter[case][_eq]=${caseId}&fields=*&limit=-1&sort=id`);
}

interface Snapshot {
  case: Record<string, unknown>;
  events: number;
  lastEvent: number;
}

/** What must not change on a refusal: the case's workflow-kept fields and its history. */
async function snapshot(caseId: number): Promise<Snapshot> {
  const row = await rawAdmin<Record<string, unknown>>(
    'GET',
    `/items/cc_cases/${caseId}?fields=state,state_entered_at,title,description,resolution_note,reopened_count,resolved_at,closed_at,workflow,date_updated`,
  );
  const events = await eventsOf(caseId);
  return { case: row, events: events.length, lastEvent: events.at(-1)?.id ?? 0 };
}

async function expectUnchanged(caseId: number, before: Snapshot, label = ''): Promise<void> {
  const after = await snapshot(caseId);
  expect(after, `case ${caseId} changed after a refusal ${label}`).toEqual(before);
}

/** Exactly one new history row, for this transition, by this user; the case is in the new state. */
async function expectTransition(
  caseId: number,
  before: Snapshot,
  expected: { from: StateKey; to: StateKey; actor: StaffUser; department: string; handoff: boolean },
): Promise<EventRow> {
  const events = await eventsOf(caseId);
  const added = events.filter((e) => e.id > before.lastEvent);
  expect(added, `events added to case ${caseId}`).toHaveLength(1);
  const event = added[0]!;
  expect(event).toMatchObject({
    case: caseId,
    from_state: S[expected.from],
    to_state: S[expected.to],
    actor: expected.actor.id,
    actor_department: expected.department,
    is_handoff: expected.handoff,
    is_override: false,
  });
  expect(event.transition).toEqual(expect.any(Number));
  const row = await rawAdmin<{ state: number; state_entered_at: string; response_due_at: string | null; resolution_due_at: string | null }>(
    'GET',
    `/items/cc_cases/${caseId}?fields=state,state_entered_at,response_due_at,resolution_due_at`,
  );
  expect(row.state).toBe(S[expected.to]);
  expect(row.state_entered_at).not.toEqual(before.case['state_entered_at']);
  // The transition writes the case's due times with its own update: a closed case owes nothing, a
  // resolved one no resolution; and they are what the SLA refresh reckons from the live definitions
  // (src/workflows/sla-due.ts), which finds nothing to correct.
  expect(row.response_due_at === null, `response due after → ${expected.to}`).toBe(expected.to === 'closed');
  expect(row.resolution_due_at === null, `resolution due after → ${expected.to}`).toBe(expected.to === 'closed' || expected.to === 'resolved');
  expect(await refreshDueTimes(testDb(), [caseId]), `due times of case ${caseId} after → ${expected.to}`).toBe(0);
  return event;
}

async function notificationsAbout(caseId: number, recipient: StaffUser): Promise<Array<{ id: number; subject: string }>> {
  return rawAdmin(
    'GET',
    `/notifications?filter[recipient][_eq]=${recipient.id}&filter[collection][_eq]=cc_cases&filter[item][_eq]=${caseId}&fields=id,subject&limit=-1`,
  );
}

// ---------------------------------------------------------------------------------------------
// The write paths
// ---------------------------------------------------------------------------------------------

/** One requested change of a case: its id, optionally a target state id, and other fields. */
type Change = { id: number } & Record<string, unknown>;

interface Outcome {
  ok: boolean;
  status: number;
  code: string | undefined;
  extensions: Record<string, unknown> | undefined;
  message: string | undefined;
  text: string;
  data: unknown;
}

function outcomeOf(response: Response, graphql = false): Outcome {
  const first = response.json?.errors?.[0];
  const failed = graphql ? response.status !== 200 || (response.json?.errors?.length ?? 0) > 0 : response.status >= 300;
  return {
    ok: !failed,
    status: response.status,
    code: first?.extensions?.['code'] as string | undefined,
    extensions: first?.extensions,
    message: first?.message,
    text: response.text,
    data: response.json?.data,
  };
}

/** A GraphQL input literal; relational keys (state, workflow, case) become `{ id: … }`. */
function gqlValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(gqlValue).join(', ')}]`;
  if (typeof value === 'object') {
    return `{ ${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${gqlValue(v)}`)
      .join(', ')} }`;
  }
  return JSON.stringify(value);
}
/**
 * Directus types a many-to-one input as the related input object only for users who may write the
 * related collection (admins); for staff it is the bare key.
 */
const RELATIONS = new Set(['state', 'workflow']);
function gqlInput(change: Record<string, unknown>, relationsAsObjects = false): string {
  const entries = Object.entries(change).map(([k, v]) => [k, relationsAsObjects && RELATIONS.has(k) && (typeof v === 'number' || typeof v === 'string') ? { id: v } : v] as const);
  return gqlValue(Object.fromEntries(entries));
}
const graphql = async (token: string, query: string) => outcomeOf(await call('POST', '/graphql', { token, body: { query } }), true);

function csvOf(changes: Change[]): string {
  const columns = [...new Set(changes.flatMap((c) => Object.keys(c)))];
  const cell = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'number' ? String(v) : `"${String(v).replaceAll('"', '""')}"`);
  return [columns.join(','), ...changes.map((c) => columns.map((k) => cell(c[k])).join(','))].join('\n') + '\n';
}

function importForm(content: string, type: string, name: string): FormData {
  const form = new FormData();
  form.append('file', new Blob([content], { type }), name);
  return form;
}

const withoutId = ({ id: _id, ...rest }: Change) => rest;

interface WritePath {
  name: string;
  /** single: one item per request; same: many items, one shared change; any: many items, each its own change. */
  multi: 'single' | 'same' | 'any';
  graphql: boolean;
  run(token: string, changes: Change[]): Promise<Outcome>;
}

const PATHS: WritePath[] = [
  {
    name: 'POST /concord/cases/:id/transitions',
    multi: 'single',
    graphql: false,
    run: async (token, [change]) => {
      const { id, state, ...fields } = change!;
      return outcomeOf(await call('POST', `/concord/cases/${id}/transitions`, { token, body: { to: state, fields } }));
    },
  },
  {
    name: 'REST PATCH /items/cc_cases/:id',
    multi: 'single',
    graphql: false,
    run: async (token, [change]) => outcomeOf(await call('PATCH', `/items/cc_cases/${change!.id}`, { token, body: withoutId(change!) })),
  },
  {
    name: 'REST batch PATCH /items/cc_cases [..]',
    multi: 'any',
    graphql: false,
    run: async (token, changes) => outcomeOf(await call('PATCH', '/items/cc_cases', { token, body: changes })),
  },
  {
    name: 'REST PATCH /items/cc_cases {keys, data}',
    multi: 'same',
    graphql: false,
    run: async (token, changes) => outcomeOf(await call('PATCH', '/items/cc_cases', { token, body: { keys: changes.map((c) => c.id), data: withoutId(changes[0]!) } })),
  },
  {
    name: 'REST PATCH /items/cc_cases {query, data}',
    multi: 'same',
    graphql: false,
    run: async (token, changes) =>
      outcomeOf(await call('PATCH', '/items/cc_cases', { token, body: { query: { filter: { id: { _in: changes.map((c) => c.id) } } }, data: withoutId(changes[0]!) } })),
  },
  {
    name: 'GraphQL update_cc_cases_item',
    multi: 'single',
    graphql: true,
    run: async (token, [change]) => graphql(token, `mutation { update_cc_cases_item(id: ${change!.id}, data: ${gqlInput(withoutId(change!), token === adminToken())}) { id } }`),
  },
  {
    name: 'GraphQL update_cc_cases_items',
    multi: 'same',
    graphql: true,
    run: async (token, changes) =>
      graphql(token, `mutation { update_cc_cases_items(ids: ${gqlValue(changes.map((c) => c.id))}, data: ${gqlInput(withoutId(changes[0]!), token === adminToken())}) { id } }`),
  },
  {
    name: 'GraphQL update_cc_cases_batch',
    multi: 'any',
    graphql: true,
    run: async (token, changes) => graphql(token, `mutation { update_cc_cases_batch(data: [${changes.map((c) => gqlInput(c, token === adminToken())).join(', ')}]) { id } }`),
  },
  {
    name: 'import JSON POST /utils/import/cc_cases',
    multi: 'any',
    graphql: false,
    run: async (token, changes) => outcomeOf(await call('POST', '/utils/import/cc_cases', { token, form: importForm(JSON.stringify(changes), 'application/json', 'cases.json') })),
  },
  {
    name: 'import CSV POST /utils/import/cc_cases',
    multi: 'any',
    graphql: false,
    run: async (token, changes) => outcomeOf(await call('POST', '/utils/import/cc_cases', { token, form: importForm(csvOf(changes), 'text/csv', 'cases.csv') })),
  },
];

const isEndpoint = (path: WritePath) => path.name.startsWith('POST /concord');

function expectRefused(outcome: Outcome, expectedCode: string, status?: number): void {
  expect(outcome.status, outcome.text).not.toBe(500);
  expect(outcome.ok, `expected a refusal, got ${outcome.status} ${outcome.text}`).toBe(false);
  expect(outcome.code, outcome.text).toBe(expectedCode);
  if (status !== undefined && outcome.status !== 200) expect(outcome.status, outcome.text).toBe(status);
}

function expectOk(outcome: Outcome): void {
  expect(outcome.ok, `expected success, got ${outcome.status} ${outcome.text}`).toBe(true);
}

// ---------------------------------------------------------------------------------------------
// Every path, every rule
// ---------------------------------------------------------------------------------------------

describe.each(PATHS)('$name', (path) => {
  it('refuses a skipped state (received → resolved) with ILLEGAL_TRANSITION, writing nothing', async () => {
    const id = await newCase();
    const before = await snapshot(id);
    const outcome = await path.run(await tokenOf(svcA), [{ id, state: S.resolved, resolution_note: `${TAG} 跳过调查` }]);
    await expectUnchanged(id, before);
    expectRefused(outcome, 'ILLEGAL_TRANSITION', 422);
  });

  it('refuses a marketing team member received → investigating with MISSING_CAPABILITY naming complaint.handle', async () => {
    const id = await newCase();
    const before = await snapshot(id);
    const outcome = await path.run(await tokenOf(mktM), [{ id, state: S.investigating }]);
    await expectUnchanged(id, before);
    expectRefused(outcome, 'MISSING_CAPABILITY', 403);
    expect(outcome.extensions?.['capability']).toBe('complaint.handle');
    expect(outcome.message).toContain('complaint.handle');
  });

  it('refuses investigating → resolved without resolution_note with MISSING_FIELDS, and takes it with the note in the same write', async () => {
    const id = await newCaseIn('investigating');
    const before = await snapshot(id);
    const refused = await path.run(await tokenOf(svcA), [{ id, state: S.resolved }]);
    await expectUnchanged(id, before);
    expectRefused(refused, 'MISSING_FIELDS', 422);
    expect(refused.extensions?.['fields']).toContain('resolution_note');
    expect(refused.message).toContain('解决说明');

    const note = `${TAG} 已为客户更换设备`;
    const taken = await path.run(await tokenOf(svcA), [{ id, state: S.resolved, resolution_note: note }]);
    expectOk(taken);
    await expectTransition(id, before, { from: 'investigating', to: 'resolved', actor: svcA, department: 'service', handoff: false });
    const row = await rawAdmin<{ resolution_note: string; resolved_at: string | null }>('GET', `/items/cc_cases/${id}?fields=resolution_note,resolved_at`);
    expect(row.resolution_note).toBe(note);
    expect(row.resolved_at).not.toBeNull();
  });

  it("refuses a user neither on the case's team nor in its owning department (403 FORBIDDEN; 404 NOT_FOUND on the endpoint, as reading the case answers)", async () => {
    // salesOut holds complaint.handle, so only the scope can stop them.
    const id = await newCase();
    const before = await snapshot(id);
    const outcome = await path.run(await tokenOf(salesOut), [{ id, state: S.investigating }]);
    await expectUnchanged(id, before);
    expect(outcome.status, outcome.text).not.toBe(500);
    if (path.name.includes('{query')) {
      // A query only reaches the rows its author may see: an invisible case is simply not matched.
      expect(outcome.ok ? 'no-op' : outcome.code, outcome.text).toMatch(/^(no-op|FORBIDDEN)$/);
    } else if (path.name.startsWith('POST /concord')) {
      // The endpoint does not tell a case one may not see from one that does not exist.
      expectRefused(outcome, 'NOT_FOUND', 404);
    } else {
      expectRefused(outcome, 'FORBIDDEN', 403);
    }
  });

  // The endpoint takes no such fields (see the malformed-payload tests).
  itWhere(!isEndpoint(path))('refuses writes of workflow-kept fields (reopened_count, resolved_at, state_entered_at, workflow) with MANAGED_FIELD, for staff and admins', async () => {
    const id = await newCaseIn('investigating');
    const values: Record<string, unknown> = {
      reopened_count: 7,
      resolved_at: '2026-01-01T00:00:00.000Z',
      state_entered_at: '2020-01-01T00:00:00.000Z',
      workflow: inquiryWorkflow,
    };
    for (const [field, value] of Object.entries(values)) {
      for (const [who, token] of [
        ['service member', await tokenOf(svcA)],
        ['admin', adminToken()],
      ] as const) {
        const before = await snapshot(id);
        const outcome = await path.run(token, [{ id, [field]: value }]);
        await expectUnchanged(id, before, `(${who} writing ${field})`);
        expect(outcome.status, `${who} ${field}: ${outcome.text}`).not.toBe(500);
        expect(outcome.ok, `${who} ${field}: ${outcome.text}`).toBe(false);
        if (path.graphql && who !== 'admin') {
          // Staff hold no field right on these columns, so their GraphQL schema does not offer them.
          expect(['MANAGED_FIELD', 'GRAPHQL_VALIDATION'], `${who} ${field}: ${outcome.text}`).toContain(outcome.code);
        } else {
          expect(outcome.code, `${who} ${field}: ${outcome.text}`).toBe('MANAGED_FIELD');
          expect(outcome.extensions?.['fields'], `${who} ${field}`).toContain(field);
        }
      }
    }
  });

  it('refuses a state change mixed with another field (state + title) with MIXED_TRANSITION_PAYLOAD', async () => {
    const id = await newCase();
    const before = await snapshot(id);
    const outcome = await path.run(await tokenOf(svcA), [{ id, state: S.investigating, title: `${TAG} 改名` }]);
    await expectUnchanged(id, before);
    if (isEndpoint(path)) {
      // The endpoint carries only the transition's own fields.
      expectRefused(outcome, 'INVALID_PAYLOAD', 400);
    } else {
      expectRefused(outcome, 'MIXED_TRANSITION_PAYLOAD', 400);
      expect(outcome.extensions?.['fields']).toContain('title');
    }
  });

  it("refuses an admin's state change with MISSING_CAPABILITY (admins have no department; the override endpoint is the explicit path)", async () => {
    const id = await newCase();
    const before = await snapshot(id);
    const outcome = await path.run(adminToken(), [{ id, state: S.investigating }]);
    await expectUnchanged(id, before);
    expectRefused(outcome, 'MISSING_CAPABILITY', 403);
    expect(outcome.extensions?.['capability']).toBe('complaint.handle');
  });

  it('takes the legal complaint tour, each step by its department, one event each, with handoffs and notifications', async () => {
    const id = await newCase();
    const steps: Array<{ actor: StaffUser; department: string; from: StateKey; to: StateKey; fields?: Record<string, string>; handoff: boolean }> = [
      { actor: svcA, department: 'service', from: 'received', to: 'investigating', handoff: false },
      { actor: svcA, department: 'service', from: 'investigating', to: 'escalated', fields: { description: `${TAG} 设备固件故障` }, handoff: true },
      { actor: techM, department: 'tech', from: 'escalated', to: 'resolved', fields: { resolution_note: `${TAG} 已修复固件` }, handoff: true },
      { actor: svcB, department: 'service', from: 'resolved', to: 'closed', handoff: false },
      { actor: salesM, department: 'sales', from: 'closed', to: 'investigating', handoff: false },
    ];
    for (const step of steps) {
      const before = await snapshot(id);
      expect(before.case['state']).toBe(S[step.from]);
      const outcome = await path.run(await tokenOf(step.actor), [{ id, state: S[step.to], ...(step.fields ?? {}) }]);
      expect(outcome.ok, `${step.from} → ${step.to} by ${step.department}: ${outcome.status} ${outcome.text}`).toBe(true);
      await expectTransition(id, before, step);
      if (step.to === 'escalated') {
        // The receiving department's team member hears of the handoff, once.
        expect((await notificationsAbout(id, techM)).length).toBe(1);
      }
    }
    const row = await rawAdmin<{ reopened_count: number; resolved_at: string | null; closed_at: string | null }>(
      'GET',
      `/items/cc_cases/${id}?fields=reopened_count,resolved_at,closed_at`,
    );
    expect(row).toEqual({ reopened_count: 1, resolved_at: null, closed_at: null });
    expect((await notificationsAbout(id, techM)).length).toBe(1);
    expect((await notificationsAbout(id, svcA)).length).toBe(1); // escalated → resolved hands back to service
  });

  it("tech outside the team, who owns the escalated case through its state, resolves it: the answer matches what was written", async () => {
    const id = await newCaseIn('escalated');
    const before = await snapshot(id);
    const outcome = await path.run(await tokenOf(techOut), [{ id, state: S.resolved, resolution_note: `${TAG} 技术部直接解决` }]);
    expect(outcome.status, outcome.text).not.toBe(500);
    const after = await snapshot(id);
    const written = after.events !== before.events || after.case['state'] !== before.case['state'];
    // Never a refusal that was nevertheless written (or a success that was not).
    expect({ answeredOk: outcome.ok, written, status: outcome.status, code: outcome.code }).toEqual({
      answeredOk: written,
      written,
      status: outcome.status,
      code: outcome.code,
    });
    // The transition is legal for tech (issue.resolve, state owned by tech), but it hands the case to
    // service, after which tech could no longer edit it. Directus re-checks edit rights on the result
    // of a generic item write, so those paths refuse it whole (TRANSITION_LEAVES_SCOPE, pointing to
    // the endpoint); the endpoint takes it.
    if (path.name.startsWith('POST /concord')) {
      expectOk(outcome);
      await expectTransition(id, before, { from: 'escalated', to: 'resolved', actor: techOut, department: 'tech', handoff: true });
    } else {
      expect(outcome.code, outcome.text).toBe('TRANSITION_LEAVES_SCOPE');
      expect(written).toBe(false);
    }
  });

  if (path.multi !== 'single') {
    it('applies neither item when one legal and one illegal item come in the same request (all-or-nothing)', async () => {
      const legal = await newCase(); // received → investigating is legal
      let illegal: number;
      let changes: Change[];
      if (path.multi === 'same') {
        illegal = await newCaseIn('escalated'); // escalated → investigating is not a transition
        changes = [
          { id: legal, state: S.investigating },
          { id: illegal, state: S.investigating },
        ];
      } else {
        illegal = await newCase(); // received → resolved skips a state
        changes = [
          { id: legal, state: S.investigating },
          { id: illegal, state: S.resolved, resolution_note: `${TAG} 跳过` },
        ];
      }
      const beforeLegal = await snapshot(legal);
      const beforeIllegal = await snapshot(illegal);
      const outcome = await path.run(await tokenOf(svcA), changes);
      await expectUnchanged(legal, beforeLegal, '(the legal item of a refused request)');
      await expectUnchanged(illegal, beforeIllegal, '(the illegal item)');
      expectRefused(outcome, 'ILLEGAL_TRANSITION', 422);

      // The same request without the illegal item goes through.
      const alone = await path.run(await tokenOf(svcA), [changes[0]!]);
      expectOk(alone);
      await expectTransition(legal, beforeLegal, { from: 'received', to: 'investigating', actor: svcA, department: 'service', handoff: false });
    });

    it('applies several legal items of one request, one event each', async () => {
      const first = await newCase();
      const second = await newCase();
      const [b1, b2] = [await snapshot(first), await snapshot(second)];
      const outcome = await path.run(await tokenOf(svcB), [
        { id: first, state: S.investigating },
        { id: second, state: S.investigating },
      ]);
      expectOk(outcome);
      await expectTransition(first, b1, { from: 'received', to: 'investigating', actor: svcB, department: 'service', handoff: false });
      await expectTransition(second, b2, { from: 'received', to: 'investigating', actor: svcB, department: 'service', handoff: false });
    });

    // One shared change (keys, query, update_cc_cases_items) cannot express two different targets.
    itWhere(path.multi !== 'same')('refuses a request mixing a legal item with one the user may not take (MISSING_CAPABILITY), applying neither', async () => {
      // Tech holds issue.resolve but not complaint.handle: escalated → resolved is theirs, received → investigating is not.
      const theirs = await newCaseIn('escalated');
      const notTheirs = await newCase();
      const [b1, b2] = [await snapshot(theirs), await snapshot(notTheirs)];
      const outcome = await path.run(await tokenOf(techM), [
        { id: theirs, state: S.resolved, resolution_note: `${TAG} 修好了` },
        { id: notTheirs, state: S.investigating },
      ]);
      await expectUnchanged(theirs, b1, '(the legal item of a refused request)');
      await expectUnchanged(notTheirs, b2);
      expectRefused(outcome, 'MISSING_CAPABILITY', 403);
      expect(outcome.extensions?.['capability']).toBe('complaint.handle');
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------------------------

describe('malformed ids and payloads', () => {
  it('are answered by the transitions endpoint with stable codes, never 500, writing nothing', async () => {
    const id = await newCaseIn('investigating');
    const token = await tokenOf(svcA);
    const before = await snapshot(id);
    const cases: Array<{ path: string; body: unknown; status: number[]; code: string[] }> = [
      { path: '/concord/cases/abc/transitions', body: { to: 'escalated' }, status: [400], code: ['INVALID_PAYLOAD'] },
      { path: '/concord/cases/0/transitions', body: { to: 'escalated' }, status: [400], code: ['INVALID_PAYLOAD'] },
      { path: '/concord/cases/1.5/transitions', body: { to: 'escalated' }, status: [400], code: ['INVALID_PAYLOAD'] },
      { path: '/concord/cases/-3/transitions', body: { to: 'escalated' }, status: [400], code: ['INVALID_PAYLOAD'] },
      { path: '/concord/cases/99999999999999/transitions', body: { to: 'escalated' }, status: [400], code: ['INVALID_PAYLOAD'] },
      { path: `/concord/cases/${id}/transitions`, body: { to: {} }, status: [400], code: ['INVALID_PAYLOAD'] },
      { path: `/concord/cases/${id}/transitions`, body: {}, status: [400], code: ['INVALID_PAYLOAD'] },
      { path: `/concord/cases/${id}/transitions`, body: { to: null }, status: [400], code: ['INVALID_PAYLOAD'] },
      { path: `/concord/cases/${id}/transitions`, body: { to: [S.resolved] }, status: [400], code: ['INVALID_PAYLOAD'] },
      { path: `/concord/cases/${id}/transitions`, body: [{ to: 'resolved' }], status: [400], code: ['INVALID_PAYLOAD'] },
      { path: `/concord/cases/${id}/transitions`, body: { to: 'resolved', fields: 'x' }, status: [400], code: ['INVALID_PAYLOAD'] },
      { path: `/concord/cases/${id}/transitions`, body: { to: 'resolved', fields: ['resolution_note'] }, status: [400], code: ['INVALID_PAYLOAD'] },
      { path: `/concord/cases/${id}/transitions`, body: { to: 'resolved', fields: { resolution_note: 5 } }, status: [400], code: ['INVALID_PAYLOAD'] },
      { path: `/concord/cases/${id}/transitions`, body: { to: 'resolved', fields: { resolution_note: 'ok', title: 'x' } }, status: [400], code: ['INVALID_PAYLOAD'] },
      { path: `/concord/cases/${id}/transitions`, body: { to: 'resolved', fields: { resolution_note: 'ok', reopened_count: 0 } }, status: [400], code: ['INVALID_PAYLOAD'] },
      { path: `/concord/cases/${id}/transitions`, body: { to: 'resolved', fields: { resolution_note: 'ok', state: S.closed } }, status: [400], code: ['INVALID_PAYLOAD'] },
      { path: `/concord/cases/${id}/transitions`, body: { to: 'resolved', fields: { resolution_note: 'ok' }, note: 42 }, status: [400], code: ['INVALID_PAYLOAD'] },
      { path: `/concord/cases/${id}/transitions`, body: { to: 'nope' }, status: [422], code: ['ILLEGAL_TRANSITION'] },
      { path: `/concord/cases/${id}/transitions`, body: { to: 99999999 }, status: [422], code: ['ILLEGAL_TRANSITION'] },
      { path: `/concord/cases/${id}/transitions`, body: { to: inquiryReceived }, status: [422], code: ['ILLEGAL_TRANSITION'] },
      { path: `/concord/cases/${id}/transitions`, body: { to: 'investigating' }, status: [422], code: ['ILLEGAL_TRANSITION'] },
      { path: '/concord/cases/99999999/transitions', body: { to: 'resolved', fields: { resolution_note: 'x' } }, status: [403, 404], code: ['FORBIDDEN', 'NOT_FOUND'] },
    ];
    for (const c of cases) {
      const result = await call('POST', c.path, { token, body: c.body });
      const label = `${c.path} ${JSON.stringify(c.body)} → ${result.status} ${result.text}`;
      await expectUnchanged(id, before, label);
      expect(c.status, label).toContain(result.status);
      expect(c.code, label).toContain(code(result));
    }
    for (const [p, status] of [
      ['/concord/cases/abc/transitions', [400]],
      ['/concord/cases/99999999/transitions', [403, 404]],
    ] as const) {
      const result = await call('GET', p, { token });
      expect(status, `${p} → ${result.status} ${result.text}`).toContain(result.status);
      expect(code(result), p).toEqual(expect.any(String));
    }
  });

  it('are answered by the items API with stable codes, never 500, writing nothing', async () => {
    const id = await newCaseIn('investigating');
    const token = await tokenOf(svcA);
    const before = await snapshot(id);
    const cases: Array<{ method: string; path: string; body: unknown; code: string[] }> = [
      { method: 'PATCH', path: `/items/cc_cases/${id}`, body: { state: null }, code: ['INVALID_PAYLOAD'] },
      { method: 'PATCH', path: `/items/cc_cases/${id}`, body: { state: 'nope' }, code: ['ILLEGAL_TRANSITION'] },
      { method: 'PATCH', path: `/items/cc_cases/${id}`, body: { state: 99999999 }, code: ['ILLEGAL_TRANSITION'] },
      { method: 'PATCH', path: `/items/cc_cases/${id}`, body: { state: inquiryReceived }, code: ['ILLEGAL_TRANSITION'] },
      { method: 'PATCH', path: `/items/cc_cases/${id}`, body: { state: { id: S.closed } }, code: ['ILLEGAL_TRANSITION'] },
      { method: 'PATCH', path: `/items/cc_cases/${id}`, body: { state: S.resolved, resolution_note: '   ' }, code: ['MISSING_FIELDS'] },
      { method: 'PATCH', path: '/items/cc_cases/abc', body: { state: S.resolved, resolution_note: 'x' }, code: ['FORBIDDEN', 'INVALID_PAYLOAD', 'NOT_FOUND'] },
      { method: 'PATCH', path: '/items/cc_cases', body: [{ state: S.resolved, resolution_note: 'x' }], code: ['INVALID_PAYLOAD'] },
      { method: 'PATCH', path: '/items/cc_cases', body: [{ id: 'abc', state: S.resolved, resolution_note: 'x' }], code: ['FORBIDDEN', 'INVALID_PAYLOAD'] },
      { method: 'PATCH', path: '/items/cc_cases', body: { keys: [id, 'abc'], data: { state: S.resolved, resolution_note: 'x' } }, code: ['FORBIDDEN', 'INVALID_PAYLOAD'] },
    ];
    for (const c of cases) {
      const result = await call(c.method, c.path, { token, body: c.body });
      const label = `${c.method} ${c.path} ${JSON.stringify(c.body)} → ${result.status} ${result.text}`;
      await expectUnchanged(id, before, label);
      expect(result.status, label).toBeGreaterThanOrEqual(400);
      expect(result.status, label).toBeLessThan(500);
      expect(c.code, label).toContain(code(result));
    }
  });
});

describe('a new case', () => {
  it('starts in its workflow\'s initial state: creating one in a later state or with workflow-kept fields is refused, creating nothing', async () => {
    const token = await tokenOf(svcA);
    const base = { workflow: complaintWorkflow, customer: customerId, team: teamId };
    const attempts: Array<[string, Record<string, unknown>, string]> = [
      ['born resolved', { title: `${TAG} 出生即解决`, state: S.resolved }, 'ILLEGAL_TRANSITION'],
      ['born in another workflow\'s state', { title: `${TAG} 错误流程状态`, state: inquiryReceived }, 'ILLEGAL_TRANSITION'],
      ['born reopened', { title: `${TAG} 出生即重开`, reopened_count: 3 }, 'MANAGED_FIELD'],
      ['born resolved_at', { title: `${TAG} 出生带解决时间`, resolved_at: '2026-01-01T00:00:00.000Z' }, 'MANAGED_FIELD'],
    ];
    for (const [label, fields, expectedCode] of attempts) {
      for (const [via, send] of [
        ['REST', () => call('POST', '/items/cc_cases', { token, body: { ...base, ...fields } })],
        ['import', () => call('POST', '/utils/import/cc_cases', { token, form: importForm(JSON.stringify([{ ...base, ...fields }]), 'application/json', 'new.json') })],
      ] as const) {
        const result = await send();
        const created = await rawAdmin<unknown[]>('GET', `/items/cc_cases?filter[title][_eq]=${encodeURIComponent(String(fields['title']))}&fields=id`);
        expect(created, `${via} ${label}: ${result.status} ${result.text}`).toEqual([]);
        expect(code(result), `${via} ${label}: ${result.text}`).toBe(expectedCode);
      }
    }
  });

  it('opened in its initial state writes exactly one opening event, by its reporter', async () => {
    const id = await newCase();
    const events = await eventsOf(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ from_state: null, to_state: S.received, actor: svcA.id, actor_department: 'service', is_override: false });
  });
});

// ---------------------------------------------------------------------------------------------
// Allowed transitions for the current user
// ---------------------------------------------------------------------------------------------

describe('GET /concord/cases/:id/transitions', () => {
  type Option = { to: { key: string }; capability: string; required_fields: string[]; allowed: boolean; reasons: Array<{ code: string; capability?: string; fields?: string[] }> };
  const options = async (user: StaffUser, id: number) => {
    const result = await call('GET', `/concord/cases/${id}/transitions`, { token: await tokenOf(user) });
    expect(result.status, result.text).toBe(200);
    return (result.json?.data as { transitions: Option[] }).transitions;
  };

  it('lists investigate as not allowed for a marketing team member, with a MISSING_CAPABILITY reason; allowed for service', async () => {
    const id = await newCase();
    const marketing = await options(mktM, id);
    const investigate = marketing.find((o) => o.to.key === 'investigating');
    expect(investigate).toBeDefined();
    expect(investigate!.allowed).toBe(false);
    expect(investigate!.reasons).toContainEqual({ code: 'MISSING_CAPABILITY', capability: 'complaint.handle' });
    const service = (await options(svcA, id)).find((o) => o.to.key === 'investigating');
    expect(service!.allowed).toBe(true);
    expect(service!.reasons).toEqual([]);
    expect(marketing.map((o) => o.to.key)).toEqual(['investigating']);
  });

  it('names the missing field of investigating → resolved, which can be sent with the transition', async () => {
    const id = await newCaseIn('investigating');
    const resolve = (await options(svcA, id)).find((o) => o.to.key === 'resolved')!;
    expect(resolve.allowed).toBe(true);
    expect(resolve.reasons).toEqual([{ code: 'MISSING_FIELDS', fields: ['resolution_note'] }]);
  });

  it('answers a user who may not see the case without listing it', async () => {
    const id = await newCase();
    const result = await call('GET', `/concord/cases/${id}/transitions`, { token: await tokenOf(salesOut) });
    expect([403, 404], result.text).toContain(result.status);
    expect(code(result)).toEqual(expect.any(String));
    expect(result.text).not.toContain(`${TAG} 投诉`);
  });
});

// ---------------------------------------------------------------------------------------------
// History is append-only
// ---------------------------------------------------------------------------------------------

describe('cc_case_events is append-only', () => {
  let caseId: number;
  let event: EventRow;

  beforeAll(async () => {
    caseId = await newCaseIn('investigating');
    event = (await eventsOf(caseId)).at(-1)!;
  });

  const expectHistoryIntact = async (label: string) => {
    const events = await eventsOf(caseId);
    expect(events.length, label).toBe(2);
    expect(events.at(-1), label).toEqual(event);
  };

  it('refuses REST edits, deletes and inserts with HISTORY_APPEND_ONLY, even for admins', async () => {
    for (const [who, token] of [
      ['admin', adminToken()],
      ['service team member', await tokenOf(svcA)],
    ] as const) {
      const attempts: Array<[string, string, unknown]> = [
        ['PATCH', `/items/cc_case_events/${event.id}`, { note: 'forged' }],
        ['PATCH', `/items/cc_case_events/${event.id}`, { from_state: S.escalated }],
        ['PATCH', '/items/cc_case_events', [{ id: event.id, note: 'forged' }]],
        ['PATCH', '/items/cc_case_events', { keys: [event.id], data: { note: 'forged' } }],
        ['PATCH', '/items/cc_case_events', { query: { filter: { case: { _eq: caseId } } }, data: { note: 'forged' } }],
        ['DELETE', `/items/cc_case_events/${event.id}`, undefined],
        ['DELETE', '/items/cc_case_events', [event.id]],
        ['POST', '/items/cc_case_events', { case: caseId, from_state: S.investigating, to_state: S.closed, occurred_at: new Date().toISOString(), note: 'forged' }],
        ['POST', '/items/cc_case_events', [{ case: caseId, from_state: S.investigating, to_state: S.closed, occurred_at: new Date().toISOString() }]],
      ];
      for (const [method, p, body] of attempts) {
        const result = await call(method, p, { token, body });
        const label = `${who}: ${method} ${p} ${JSON.stringify(body)} → ${result.status} ${result.text}`;
        await expectHistoryIntact(label);
        expect(code(result), label).toBe('HISTORY_APPEND_ONLY');
        expect(result.status, label).toBe(403);
      }
    }
  });

  it('refuses GraphQL mutations of history with HISTORY_APPEND_ONLY, even for admins', async () => {
    const caseTitle = (await rawAdmin<{ title: string }>('GET', `/items/cc_cases/${caseId}?fields=title`)).title;
    const mutations = [
      `mutation { update_cc_case_events_item(id: ${event.id}, data: { note: "forged" }) { id } }`,
      `mutation { update_cc_case_events_items(ids: [${event.id}], data: { note: "forged" }) { id } }`,
      `mutation { delete_cc_case_events_item(id: ${event.id}) { id } }`,
      `mutation { create_cc_case_events_item(data: { case: { id: ${caseId}, title: ${JSON.stringify(caseTitle)} }, occurred_at: "${new Date().toISOString()}", note: "forged", is_override: true }) { id } }`,
    ];
    for (const query of mutations) {
      const outcome = await graphql(adminToken(), query);
      await expectHistoryIntact(query);
      expect(outcome.code, `admin ${query}: ${outcome.text}`).toBe('HISTORY_APPEND_ONLY');
      // Staff have no write rights on history: their schema has no such mutation at all.
      const staff = await graphql(await tokenOf(svcA), query);
      await expectHistoryIntact(query);
      expect(staff.ok, `staff ${query}: ${staff.text}`).toBe(false);
      expect(['HISTORY_APPEND_ONLY', 'GRAPHQL_VALIDATION', 'FORBIDDEN'], `staff ${query}: ${staff.text}`).toContain(staff.code);
    }
  });

  it('refuses imports into history with HISTORY_APPEND_ONLY', async () => {
    const rows = [{ id: event.id, note: 'forged' }];
    for (const form of [
      importForm(JSON.stringify(rows), 'application/json', 'events.json'),
      importForm(csvOf(rows as Change[]), 'text/csv', 'events.csv'),
      importForm(JSON.stringify([{ case: caseId, to_state: S.closed, occurred_at: new Date().toISOString() }]), 'application/json', 'new.json'),
    ]) {
      const result = await call('POST', '/utils/import/cc_case_events', { token: adminToken(), form });
      await expectHistoryIntact('import');
      expect(code(result), result.text).toBe('HISTORY_APPEND_ONLY');
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The explicit, recorded admin paths
// ---------------------------------------------------------------------------------------------

describe('admin override and repair', () => {
  type OverrideRow = { id: number; kind: string; case: number; event_id: string; admin: string; reason: string; before: unknown; after: unknown };
  const overridesOf = (id: number) => rawAdmin<OverrideRow[]>('GET', `/items/cc_overrides?filter[case][_eq]=${id}&fields=*&limit=-1&sort=id`);

  it('POST /concord/cases/:id/override sets the state with an is_override event and a cc_overrides row', async () => {
    const id = await newCase();
    const before = await snapshot(id);
    const reason = `${TAG} 客户电话确认已解决`;
    const result = await call('POST', `/concord/cases/${id}/override`, { token: adminToken(), body: { to: 'resolved', reason } });
    expect(result.status, result.text).toBe(200);
    const events = (await eventsOf(id)).filter((e) => e.id > before.lastEvent);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ from_state: S.received, to_state: S.resolved, actor: adminId, actor_department: null, is_override: true, transition: null });
    expect(events[0]!.note).toContain(reason);
    expect((await snapshot(id)).case['state']).toBe(S.resolved);
    const overrides = await overridesOf(id);
    expect(overrides).toHaveLength(1);
    expect(overrides[0]).toMatchObject({ kind: 'state_override', case: id, event_id: String(events[0]!.id), admin: adminId, reason });
  });

  it('refuses an override without a reason (400) or by a non-admin (403 ADMIN_ONLY), writing nothing', async () => {
    const id = await newCase();
    const before = await snapshot(id);
    const attempts: Array<[string, string, unknown, number, string]> = [
      ['admin, no reason', adminToken(), { to: 'resolved' }, 400, 'INVALID_PAYLOAD'],
      ['admin, blank reason', adminToken(), { to: 'resolved', reason: '   ' }, 400, 'INVALID_PAYLOAD'],
      ['admin, unknown state', adminToken(), { to: 'nope', reason: `${TAG} 理由充分` }, 400, 'INVALID_PAYLOAD'],
      ['admin, state of another workflow', adminToken(), { to: inquiryReceived, reason: `${TAG} 理由充分` }, 400, 'INVALID_PAYLOAD'],
      ['service member', await tokenOf(svcA), { to: 'resolved', reason: `${TAG} 理由充分` }, 403, 'ADMIN_ONLY'],
    ];
    for (const [who, token, body, status, expectedCode] of attempts) {
      const result = await call('POST', `/concord/cases/${id}/override`, { token, body });
      await expectUnchanged(id, before, who);
      expect(await overridesOf(id), who).toEqual([]);
      expect([result.status, code(result)], `${who}: ${result.text}`).toEqual([status, expectedCode]);
    }
    const missing = await call('POST', '/concord/cases/99999999/override', { token: adminToken(), body: { to: 'resolved', reason: `${TAG} 理由充分` } });
    expect([missing.status, code(missing)]).toEqual([404, 'NOT_FOUND']);
  });

  it("an admin's REST state change is refused (MISSING_CAPABILITY) where the override endpoint is the way", async () => {
    const id = await newCaseIn('resolved');
    const before = await snapshot(id);
    const result = await call('PATCH', `/items/cc_cases/${id}`, { token: adminToken(), body: { state: S.closed } });
    await expectUnchanged(id, before);
    expect([result.status, code(result)], result.text).toEqual([403, 'MISSING_CAPABILITY']);
    expect(result.json?.errors?.[0]?.extensions?.['capability']).toBe('feedback.collect');
  });

  it('overrides are append-only too', async () => {
    const id = await newCase();
    await call('POST', `/concord/cases/${id}/override`, { token: adminToken(), body: { to: 'investigating', reason: `${TAG} 夯实记录` } });
    const [row] = await overridesOf(id);
    expect(row).toBeDefined();
    for (const [method, body] of [
      ['PATCH', { reason: 'forged' }],
      ['DELETE', undefined],
    ] as const) {
      const result = await call(method, `/items/cc_overrides/${row!.id}`, { token: adminToken(), body });
      expect(code(result), result.text).toBe('HISTORY_APPEND_ONLY');
    }
    expect(await overridesOf(id)).toEqual([row]);
  });

  it('POST /concord/case-events/:id/repair corrects a history row for an admin and records it; non-admins get ADMIN_ONLY', async () => {
    const id = await newCaseIn('investigating');
    const event = (await eventsOf(id)).at(-1)!;
    const reason = `${TAG} 备注写错了`;

    const refused = await call('POST', `/concord/case-events/${event.id}/repair`, { token: await tokenOf(svcA), body: { action: 'update', changes: { note: 'x' }, reason } });
    expect([refused.status, code(refused)], refused.text).toEqual([403, 'ADMIN_ONLY']);
    const noReason = await call('POST', `/concord/case-events/${event.id}/repair`, { token: adminToken(), body: { action: 'update', changes: { note: 'x' } } });
    expect([noReason.status, code(noReason)], noReason.text).toEqual([400, 'INVALID_PAYLOAD']);
    const stateEdit = await call('POST', `/concord/case-events/${event.id}/repair`, { token: adminToken(), body: { action: 'update', changes: { to_state: S.closed }, reason } });
    expect([stateEdit.status, code(stateEdit)], stateEdit.text).toEqual([400, 'INVALID_PAYLOAD']);
    expect((await eventsOf(id)).at(-1)).toEqual(event);
    expect(await overridesOf(id)).toEqual([]);

    const repaired = await call('POST', `/concord/case-events/${event.id}/repair`, { token: adminToken(), body: { action: 'update', changes: { note: 'x' }, reason } });
    expect(repaired.status, repaired.text).toBe(200);
    expect((await eventsOf(id)).at(-1)).toEqual({ ...event, note: 'x' });
    const overrides = await overridesOf(id);
    expect(overrides).toHaveLength(1);
    expect(overrides[0]).toMatchObject({ kind: 'history_update', event_id: String(event.id), admin: adminId, reason });
  });
});

// ---------------------------------------------------------------------------------------------
// Concurrency
// ---------------------------------------------------------------------------------------------

async function expectChainedHistory(caseId: number): Promise<void> {
  const events = await eventsOf(caseId);
  for (let i = 1; i < events.length; i += 1) {
    expect(events[i]!.from_state, `event ${events[i]!.id} of case ${caseId} starts where the previous ended`).toBe(events[i - 1]!.to_state);
  }
  const state = (await rawAdmin<{ state: number }>('GET', `/items/cc_cases/${caseId}?fields=state`)).state;
  expect(events.at(-1)!.to_state).toBe(state);
}

/** How a race went: who won, what the loser heard, what history says. */
async function raceSummary(caseId: number, before: Snapshot, results: Response[]) {
  const events = await eventsOf(caseId);
  const state = (await rawAdmin<{ state: number }>('GET', `/items/cc_cases/${caseId}?fields=state`)).state;
  const chained = events.every((e, i) => i === 0 || e.from_state === events[i - 1]!.to_state) && events.at(-1)!.to_state === state;
  return {
    case: caseId,
    answers: results.map((r) => (r.status === 200 ? '200' : `${r.status} ${code(r) ?? r.text}`)),
    successes: results.filter((r) => r.status === 200).length,
    eventsAdded: events.filter((e) => e.id > before.lastEvent).length,
    chained,
  };
}

/** One 200, the other told of the conflict (or, having run after the winner committed, that the case left the state). */
const ONE_WINNER = {
  case: expect.any(Number),
  answers: expect.arrayContaining(['200', expect.stringMatching(/^(409 TRANSITION_CONFLICT|422 ILLEGAL_TRANSITION)$/)]),
  successes: 1,
  eventsAdded: 1,
  chained: true,
};

describe('two users transitioning the same case at once', () => {
  it('through the endpoint, each naming the state it saw: exactly one wins, the other gets a conflict, five times over; history chains', async () => {
    const rounds = [];
    for (let round = 0; round < 5; round += 1) {
      const id = await newCaseIn('investigating');
      const before = await snapshot(id);
      const results = await Promise.all([
        call('POST', `/concord/cases/${id}/transitions`, { token: await tokenOf(svcA), body: { to: 'escalated', from: 'investigating', fields: { description: `${TAG} 竞争 ${round}` } } }),
        call('POST', `/concord/cases/${id}/transitions`, { token: await tokenOf(svcB), body: { to: 'resolved', from: 'investigating', fields: { resolution_note: `${TAG} 竞争 ${round}` } } }),
      ]);
      rounds.push(await raceSummary(id, before, results));
    }
    // History never shows a transition from a state the case was not in...
    expect(rounds.map((r) => [r.successes, r.eventsAdded, r.chained])).toEqual(rounds.map(() => [1, 1, true]));
    // ...and the loser is told of the conflict.
    expect(rounds).toEqual(rounds.map(() => ONE_WINNER));
  });

  // A plain PATCH cannot say which state its sender saw, so the later request is judged against the
  // state the winner left: it is refused with a workflow code, and history still chains.
  it('through REST PATCH: exactly one wins, the other is refused with a workflow code; history chains', async () => {
    const rounds = [];
    for (let round = 0; round < 3; round += 1) {
      const id = await newCaseIn('investigating');
      const before = await snapshot(id);
      const results = await Promise.all([
        call('PATCH', `/items/cc_cases/${id}`, { token: await tokenOf(svcA), body: { state: S.escalated, description: `${TAG} 竞争` } }),
        call('PATCH', `/items/cc_cases/${id}`, { token: await tokenOf(svcB), body: { state: S.resolved, resolution_note: `${TAG} 竞争` } }),
      ]);
      rounds.push(await raceSummary(id, before, results));
    }
    expect(rounds.map((r) => [r.successes, r.eventsAdded, r.chained])).toEqual(rounds.map(() => [1, 1, true]));
    for (const round of rounds) {
      expect(round.answers).toEqual(
        expect.arrayContaining(['200', expect.stringMatching(/^(409 TRANSITION_CONFLICT|422 ILLEGAL_TRANSITION|403 MISSING_CAPABILITY|422 MISSING_FIELDS)$/)]),
      );
    }
  });

  it('a close racing a reopen from "resolved": exactly one wins; history chains', async () => {
    const id = await newCaseIn('resolved');
    const before = await snapshot(id);
    const results = await Promise.all([
      call('POST', `/concord/cases/${id}/transitions`, { token: await tokenOf(svcA), body: { to: 'closed', from: 'resolved' } }),
      call('POST', `/concord/cases/${id}/transitions`, { token: await tokenOf(svcB), body: { to: 'investigating', from: 'resolved' } }),
    ]);
    const summary = await raceSummary(id, before, results);
    expect(summary.chained).toBe(true);
    expect(summary).toEqual(ONE_WINNER);
  });

  it('many concurrent identical requests (endpoint and REST mixed): one event, never 500', async () => {
    const id = await newCase();
    const before = await snapshot(id);
    const tokens = [await tokenOf(svcA), await tokenOf(svcB), await tokenOf(salesM)];
    const results = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) => (i % 2 === 0
        ? call('POST', `/concord/cases/${id}/transitions`, { token: tokens[i % 3], body: { to: 'investigating' } })
        : call('PATCH', `/items/cc_cases/${id}`, { token: tokens[i % 3], body: { state: S.investigating } }))),
    );
    for (const r of results) expect(r.status, r.text).not.toBe(500);
    const added = (await eventsOf(id)).filter((e) => e.id > before.lastEvent);
    expect(added).toHaveLength(1);
    await expectChainedHistory(id);
  });
});

// ---------------------------------------------------------------------------------------------
// Other extensions' service calls: Directus Flows run ItemsService updates
// ---------------------------------------------------------------------------------------------

describe("another extension's ItemsService update (a Directus Flow \"Update Data\" operation)", () => {
  const flows: string[] = [];
  afterAll(async () => {
    for (const id of flows) await rawAdmin('DELETE', `/flows/${id}`).catch(() => undefined);
  });

  /** A webhook flow, built by an admin, whose one operation updates the case named in the body. */
  async function updateFlow(permissions: '$trigger' | '$full', emitEvents: boolean): Promise<string> {
    const flow = await rawAdmin<{ id: string }>('POST', '/flows', {
      name: `${TAG} ${permissions} events:${emitEvents}`,
      status: 'active',
      trigger: 'webhook',
      accountability: 'all',
      options: { method: 'POST', async: false },
    });
    flows.push(flow.id);
    const operation = await rawAdmin<{ id: string }>('POST', '/operations', {
      flow: flow.id,
      type: 'item-update',
      key: 'update_case',
      name: 'Update case',
      position_x: 19,
      position_y: 1,
      options: { collection: 'cc_cases', key: ['{{$trigger.body.id}}'], payload: { state: '{{$trigger.body.state}}' }, permissions, emitEvents },
    });
    await rawAdmin('PATCH', `/flows/${flow.id}`, { operation: operation.id });
    return flow.id;
  }

  /** A webhook flow answers 200 with the operation's result, or with the error it rejected with. */
  const trigger = async (flow: string, user: StaffUser, body: Record<string, unknown>) => {
    const result = await call('POST', `/flows/trigger/${flow}`, { token: await tokenOf(user), body });
    const json = (() => {
      try {
        return JSON.parse(result.text) as unknown;
      } catch {
        return undefined;
      }
    })();
    const failure = typeof json === 'object' && json !== null && 'code' in json ? (json as { code: string }).code : undefined;
    return { status: result.status, failure, text: result.text };
  };

  it('with the trigger\'s permissions and events on: the workflow rules apply to the triggering user', async () => {
    const flow = await updateFlow('$trigger', true);
    const id = await newCase();
    let before = await snapshot(id);
    const skipped = await trigger(flow, svcA, { id, state: S.resolved });
    await expectUnchanged(id, before, 'skipped state via flow');
    expect(skipped.failure, skipped.text).toBe('ILLEGAL_TRANSITION');
    const marketing = await trigger(flow, mktM, { id, state: S.investigating });
    await expectUnchanged(id, before, 'marketing via flow');
    expect(marketing.failure, marketing.text).toBe('MISSING_CAPABILITY');
    before = await snapshot(id);
    const legal = await trigger(flow, svcA, { id, state: S.investigating });
    expect([legal.status, legal.failure], legal.text).toEqual([200, undefined]);
    await expectTransition(id, before, { from: 'received', to: 'investigating', actor: svcA, department: 'service', handoff: false });
  });

  it('with full access and events on: refused, since full access has no department (the override endpoint is the way)', async () => {
    const flow = await updateFlow('$full', true);
    const id = await newCaseIn('investigating');
    const before = await snapshot(id);
    const result = await trigger(flow, svcA, { id, state: S.closed });
    await expectUnchanged(id, before);
    expect(result.failure, result.text).toMatch(/^(ILLEGAL_TRANSITION|MISSING_CAPABILITY)$/);
  });

  // With events off Directus runs no hooks at all (its design); Concord's state audit, which runs
  // with the SLA schedule, then records the jump so it is never silent and the history chains again.
  it.each([['$trigger'], ['$full']] as const)('with %s permissions and events off: the state audit records the change as an override', async (permissions) => {
    const flow = await updateFlow(permissions, false);
    const id = await newCaseIn('investigating');
    const before = await snapshot(id);
    const result = await trigger(flow, svcA, { id, state: S.closed }); // investigating → closed is no transition
    expect(result.status, result.text).toBe(200);
    await rawAdmin('POST', '/concord/audit/case-states', {});
    const after = await snapshot(id);
    const events = await eventsOf(id);
    expect(after.case['state']).toBe(S.closed);
    expect(events.at(-1)).toMatchObject({ from_state: before.case['state'], to_state: S.closed });
    const overrides = await rawAdmin<Array<{ kind: string }>>('GET', `/items/cc_overrides?filter[case][_eq]=${id}&fields=kind`);
    expect(overrides.map((o) => o.kind)).toContain('unrecorded_change');
    // A second audit finds nothing more to record.
    const again = await rawAdmin<{ recorded: number[] }>('POST', '/concord/audit/case-states', {});
    expect(again.recorded).not.toContain(id);
    await expectChainedHistory(id);
  });
});

// ---------------------------------------------------------------------------------------------
// The authority matrix is live
// ---------------------------------------------------------------------------------------------

describe('editing the authority matrix', () => {
  type Authority = { id: number; department: string; capability: string; title_zh: string; title_en: string | null; sort: number | null };
  const salesComplaintHandle = () =>
    rawAdmin<Authority[]>('GET', '/items/cc_authorities?filter[department][_eq]=sales&filter[capability][_eq]=complaint.handle&fields=id,department,capability,title_zh,title_en,sort');

  let original: Authority | undefined;
  afterAll(async () => {
    if (original && (await salesComplaintHandle()).length === 0) {
      const { id: _id, ...row } = original;
      await rawAdmin('POST', '/items/cc_authorities', row);
    }
  });

  it("revoking sales' complaint.handle refuses a sales team member on the very next request; restoring it allows again", async () => {
    [original] = await salesComplaintHandle();
    expect(original, 'sales holds complaint.handle in the seeded matrix').toBeDefined();
    const first = await newCase();
    const second = await newCase();
    try {
      await rawAdmin('DELETE', `/items/cc_authorities/${original!.id}`);
      for (const [label, request] of [
        ['endpoint', async () => call('POST', `/concord/cases/${first}/transitions`, { token: await tokenOf(salesM), body: { to: 'investigating' } })],
        ['REST', async () => call('PATCH', `/items/cc_cases/${first}`, { token: await tokenOf(salesM), body: { state: S.investigating } })],
      ] as const) {
        const before = await snapshot(first);
        const result = await request();
        await expectUnchanged(first, before, label);
        expect([result.status, code(result)], `${label}: ${result.text}`).toEqual([403, 'MISSING_CAPABILITY']);
        expect(result.json?.errors?.[0]?.extensions?.['capability']).toBe('complaint.handle');
      }
      const options = await call('GET', `/concord/cases/${first}/transitions`, { token: await tokenOf(salesM) });
      const investigate = (options.json?.data as { transitions: Array<{ to: { key: string }; allowed: boolean }> }).transitions.find((t) => t.to.key === 'investigating');
      expect(investigate?.allowed).toBe(false);
    } finally {
      const { id: _id, ...row } = original!;
      await rawAdmin('POST', '/items/cc_authorities', row);
    }
    for (const [id, request] of [
      [first, async () => call('POST', `/concord/cases/${first}/transitions`, { token: await tokenOf(salesM), body: { to: 'investigating' } })],
      [second, async () => call('PATCH', `/items/cc_cases/${second}`, { token: await tokenOf(salesM), body: { state: S.investigating } })],
    ] as const) {
      const before = await snapshot(id);
      const result = await request();
      expect(result.status, result.text).toBe(200);
      await expectTransition(id, before, { from: 'received', to: 'investigating', actor: salesM, department: 'sales', handoff: false });
    }
  });
});

describe('the state audit', () => {
  it('writes a missing opening row from the case itself, once', async () => {
    const id = await newCase();
    const [opening] = await eventsOf(id);
    // Simulate the opening step having failed after the case was created.
    await testDb()('cc_case_events').where('id', opening!.id).delete();
    await rawAdmin('POST', '/concord/audit/case-states', {});
    await rawAdmin('POST', '/concord/audit/case-states', {});
    const events = await eventsOf(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ from_state: null, to_state: S.received, actor: svcA.id });
  });
  it('records each drift and each missing opening once when four audits run at once (every instance runs the schedule)', async () => {
    const drifted = await newCase();
    const orphan = await newCase();
    // A write without hooks moves one case; the other lost its opening row.
    await testDb()('cc_cases').where('id', drifted).update({ state: S.investigating });
    const [opening] = await eventsOf(orphan);
    await testDb()('cc_case_events').where('id', opening!.id).delete();
    const runs = await Promise.all(Array.from({ length: 4 }, () => rawAdmin<{ recorded: number[] }>('POST', '/concord/audit/case-states', {})));
    expect(runs.flatMap((run) => run.recorded).filter((id) => id === drifted)).toHaveLength(1);
    expect((await eventsOf(drifted)).map((e) => [e.from_state, e.to_state])).toEqual([
      [null, S.received],
      [S.received, S.investigating],
    ]);
    const overrides = await rawAdmin<Array<{ kind: string }>>('GET', `/items/cc_overrides?filter[case][_eq]=${drifted}&fields=kind`);
    expect(overrides.map((o) => o.kind)).toEqual(['unrecorded_change']);
    expect(await eventsOf(orphan)).toHaveLength(1);
  });
});
