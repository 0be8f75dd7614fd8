import { beforeAll, describe, expect, it } from 'vitest';
import { createStaff, http, type Json, type StaffUser } from '../harness/concord.ts';

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
  findings: Array<{ kind: string; dimension: string; title: string; detail: string; impact: { value: number; unit: string }; evidence: { cases: number[] } }>;
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
      expect(f).toEqual({ kind: expect.stringMatching(/^(bottleneck|ping_pong)$/), dimension: 'communication', title: expect.any(String), detail: expect.any(String), impact: { value: expect.any(Number), unit: expect.any(String) }, evidence: { cases: expect.any(Array) } });
    }
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
});
