import { describe, expect, it } from 'vitest';
import { createStaff, http, rawAdmin, tokenOf } from '../harness/concord.ts';

/** Issue 18: what the service desk and HR rely on in Studio, checked through the API. */

const code = (result: { json?: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => result.json?.errors?.[0]?.extensions?.['code'];
const message = (result: { json?: { errors?: Array<{ message: string }> } }) => result.json?.errors?.[0]?.message ?? '';

describe('evaluation cycles in Studio', () => {
  it('tells Studio a published cycle is read-only and undeletable for publishers, and a draft is not', async () => {
    const hr = await createStaff('hr', { label: 'desk.hr' });
    const token = await tokenOf(hr);
    const [published] = await rawAdmin<Array<{ id: number }>>('GET', '/items/cc_evaluation_cycles?filter[status][_eq]=published&fields=id&limit=1');
    expect(published).toBeDefined();
    const item = await http('GET', `/permissions/me/cc_evaluation_cycles/${published!.id}`, { token });
    expect(item.status).toBe(200);
    expect(item.json?.data).toMatchObject({ update: { access: false }, delete: { access: false } });
    // A month no other suite's cycle uses (a second cycle of a period is refused).
    const draft = await http('POST', '/items/cc_evaluation_cycles', { token, body: { starts_on: '2022-11-01' } });
    expect(draft.status).toBe(200);
    // Monthly is the default kind.
    expect(draft.json?.data).toMatchObject({ period_kind: 'monthly', ends_on: '2022-12-01' });
    const id = (draft.json?.data as { id: number }).id;
    const mine = await http('GET', `/permissions/me/cc_evaluation_cycles/${id}`, { token });
    expect(mine.json?.data).toMatchObject({ update: { access: true }, delete: { access: true } });
    // The frozen cycle's refusal is still the clear one.
    const refused = await http('PATCH', `/items/cc_evaluation_cycles/${published!.id}`, { token, body: { status: 'draft' } });
    expect([refused.status, code(refused)]).toEqual([409, 'CYCLE_PUBLISHED']);
    expect((await http('DELETE', `/items/cc_evaluation_cycles/${id}`, { token })).status).toBe(204);
  });

  it('names fields by their label in refusals: 维度权重, not weights', async () => {
    const hr = await createStaff('hr', { label: 'desk.hr2' });
    await rawAdmin('PATCH', `/users/${hr.id}`, { language: 'zh-CN' });
    const token = await tokenOf(hr);
    const weights = await http('POST', '/items/cc_evaluation_cycles', { token, body: { starts_on: '2023-03-01', weights: { communication: -1, execution: 1, satisfaction: 1, utilisation: 1, cohesion: 1 } } });
    expect(code(weights)).toBe('INVALID_WEIGHTS');
    expect(message(weights)).toContain('沟通效率');
    expect(message(weights)).not.toContain('communication、');
    const status = await http('POST', '/items/cc_evaluation_cycles', { token, body: { starts_on: '2023-03-01', status: 'published' } });
    expect(code(status)).toBe('INVALID_PAYLOAD');
    expect(message(status)).toMatch(/^「状态」的值无效/);
    const period = await http('POST', '/items/cc_evaluation_cycles', { token, body: { starts_on: '2023-03-15' } });
    expect(code(period)).toBe('INVALID_PERIOD');
    expect(message(period)).not.toContain('starts_on)');
  });
});

describe('improvement actions of the back-filled demo history', () => {
  it('are none of them overdue on the day they were proposed', async () => {
    const actions = await rawAdmin<Array<{ id: number; due_on: string; date_created: string }>>('GET', '/items/cc_improvement_actions?fields=id,due_on,date_created&limit=-1');
    expect(actions.length).toBeGreaterThan(0);
    const day = (instant: string) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));
    expect(actions.filter((a) => a.due_on.slice(0, 10) < day(a.date_created))).toEqual([]);
  });
});
