import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concord, createStaff, http, rawAdmin, testDb, tokenOf, type HttpResult, type StaffUser } from '../harness/concord.ts';

/**
 * Issue 17, holes 2 and 8: a published cycle's name is frozen with the rest of it; uploads cannot
 * run as script in Studio (refused by type, name and SVG content, and /assets serves anything not
 * passive as a nosniff attachment); an improvement action's scores, cycle, scope and dimension are
 * the server's on every write path. Each refusal comes from an evaluation.publish holder (HR), the
 * person the review found doing it, and from an admin where the rule holds for admins too.
 */

const code = (result: HttpResult) => result.json?.errors?.[0]?.extensions?.['code'] as string | undefined;
const admin = () => concord().adminToken;
const TAG = `mk${Date.now().toString(36)}`;

function jsonFile(rows: unknown[]): FormData {
  const form = new FormData();
  form.append('file', new Blob([JSON.stringify(rows)], { type: 'application/json' }), 'rows.json');
  return form;
}

function upload(name: string, type: string, content: string): FormData {
  const form = new FormData();
  form.append('file', new Blob([content], { type }), name);
  return form;
}

interface Cycle {
  id: number;
  name: string;
  status: string;
}

interface Action {
  id: number;
  cycle: number;
  scope_kind: string;
  department: string | null;
  team: number | null;
  dimension: string;
  score_before: number | null;
  score_after: number | null;
  status: string;
  owner: string | null;
  description: string | null;
}

let publisher: StaffUser;
let published: Cycle;

beforeAll(async () => {
  publisher = await createStaff('hr', { label: `${TAG}.publisher` });
  const cycles = await rawAdmin<Cycle[]>('GET', '/items/cc_evaluation_cycles?filter[status][_eq]=published&sort=-starts_on&limit=1');
  published = cycles[0]!;
  expect(published).toBeDefined();
});

describe('a published cycle keeps its name (hole 2)', () => {
  it('refuses a rename by the publish holder and by an admin on every write path, and beneath the hooks', async () => {
    const token = await tokenOf(publisher);
    const name = `2026年11月<iframe srcdoc="<script src='/assets/x'></script>">`;
    const attempts = [
      await http('PATCH', `/items/cc_evaluation_cycles/${published.id}`, { token, body: { name } }),
      await http('PATCH', `/items/cc_evaluation_cycles/${published.id}`, { token: admin(), body: { name: `${published.name}(复核)` } }),
      await http('PATCH', '/items/cc_evaluation_cycles', { token, body: { keys: [published.id], data: { name } } }),
      await http('PATCH', '/items/cc_evaluation_cycles', { token, body: { query: { filter: { id: { _eq: published.id } } }, data: { name } } }),
      await http('POST', '/graphql', { token, body: { query: `mutation { update_cc_evaluation_cycles_item(id: ${published.id}, data: { name: "renamed" }) { id } }` } }),
      await http('POST', '/utils/import/cc_evaluation_cycles', { token: admin(), form: jsonFile([{ id: published.id, name }]) }),
    ];
    expect(attempts.map(code)).toEqual(attempts.map(() => 'CYCLE_PUBLISHED'));
    await expect(testDb()('cc_evaluation_cycles').where('id', published.id).update({ name })).rejects.toThrow(/CONCORD_CYCLE_PUBLISHED/);
    expect((await rawAdmin<Cycle>('GET', `/items/cc_evaluation_cycles/${published.id}`)).name).toBe(published.name);
  });

  it('still lets a draft be named', async () => {
    const token = await tokenOf(publisher);
    const draft = await http('POST', '/items/cc_evaluation_cycles', { token, body: { period_kind: 'monthly', starts_on: '2023-02-01' } });
    expect(draft.status).toBe(200);
    const id = (draft.json!.data as Cycle).id;
    expect((await http('PATCH', `/items/cc_evaluation_cycles/${id}`, { token, body: { name: '2023年2月 试评' } })).status).toBe(200);
  });
});

describe('uploads cannot run as script in Studio (hole 2)', () => {
  const script = 'window.__xss = 1;';

  it.each([
    ['x.js', 'application/javascript', script],
    ['x.mjs', 'text/javascript', script],
    ['x.js', 'text/plain', script],
    ['x.txt', 'text/javascript', script],
    ['x.html', 'text/html', `<script>${script}</script>`],
    ['x.htm', 'application/octet-stream', `<script>${script}</script>`],
    ['x.xhtml', 'application/xhtml+xml', '<html xmlns="http://www.w3.org/1999/xhtml"><script>1</script></html>'],
    ['x.svg', 'image/svg+xml', `<svg xmlns="http://www.w3.org/2000/svg"><script>${script}</script></svg>`],
    ['x.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"><rect onload="alert(1)"/></svg>'],
    ['y.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><iframe/></foreignObject></svg>'],
  ])('refuses %s declared %s', async (name, type, content) => {
    const before = (await rawAdmin<unknown[]>('GET', '/files?fields=id&limit=-1')).length;
    for (const token of [await tokenOf(publisher), admin()]) {
      const result = await http('POST', '/files', { token, form: upload(name, type, content) });
      expect([result.status, code(result)]).toEqual([415, 'ACTIVE_FILE_TYPE']);
      expect(result.json?.errors?.[0]?.message).toContain(name);
    }
    expect((await rawAdmin<unknown[]>('GET', '/files?fields=id&limit=-1')).length).toBe(before);
  });

  it('refuses a file row declared as script or page, and turning a file into one', async () => {
    const token = await tokenOf(publisher);
    expect(code(await http('POST', '/files', { token, body: { filename_download: 'x.html', type: 'text/html', storage: 'local' } }))).toBe('ACTIVE_FILE_TYPE');
    const plain = await http('POST', '/files', { token, form: upload(`${TAG}.txt`, 'text/plain', 'hello') });
    expect(plain.status).toBe(200);
    const id = (plain.json!.data as { id: string }).id;
    for (const body of [{ type: 'text/javascript' }, { filename_download: 'x.js' }, { type: 'text/html; charset=utf-8' }]) {
      expect(code(await http('PATCH', `/files/${id}`, { token, body }))).toBe('ACTIVE_FILE_TYPE');
      expect(code(await http('PATCH', `/files/${id}`, { token: admin(), body }))).toBe('ACTIVE_FILE_TYPE');
    }
    const replaced = await http('PATCH', `/files/${id}`, { token, form: upload('x.js', 'text/javascript', script) });
    expect(code(replaced)).toBe('ACTIVE_FILE_TYPE');
    expect((await http('GET', `/assets/${id}`, { token })).text).toBe('hello');
  });

  it('takes passive files: an image, a plain SVG, a CSV', async () => {
    const token = await tokenOf(publisher);
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4" fill="#36c"/></svg>';
    for (const [name, type, content] of [[`${TAG}.svg`, 'image/svg+xml', svg], [`${TAG}.csv`, 'text/csv', 'a,b\n1,2\n'], [`${TAG}.png`, 'image/png', 'not really a png']] as const) {
      const result = await http('POST', '/files', { token, form: upload(name, type, content) });
      expect([name, result.status]).toEqual([name, 200]);
      const served = await http('GET', `/assets/${(result.json!.data as { id: string }).id}`, { token });
      expect(served.status).toBe(200);
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(served.headers.get('content-type')).toContain(type);
      expect(served.headers.get('content-disposition')).toMatch(/^inline/);
      expect(served.text).toBe(content);
    }
  });

  it('serves a stored file of an active type (written before, or beneath the API) as a nosniff attachment', async () => {
    const token = await tokenOf(publisher);
    const result = await http('POST', '/files', { token, form: upload(`${TAG}-later.txt`, 'text/plain', script) });
    const id = (result.json!.data as { id: string }).id;
    for (const [type, filename] of [['text/javascript', 'x.js'], ['text/html', 'x.html'], ['application/xhtml+xml', 'x.xhtml'], ['application/x-unknown', 'x.bin']]) {
      await testDb()('directus_files').where('id', id).update({ type, filename_download: filename });
      const served = await http('GET', `/assets/${id}`, { token });
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('application/octet-stream');
      expect(served.headers.get('content-disposition')).toMatch(/^attachment/);
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      const download = await http('GET', `/assets/${id}?download`, { token });
      expect(download.headers.get('content-type')).toBe('application/octet-stream');
      expect(download.headers.get('content-disposition')).toMatch(/^attachment/);
    }
  });
});

describe("an improvement action's scores, cycle, scope and dimension are the server's (hole 8)", () => {
  let action: Action;
  let other: Cycle;

  beforeAll(async () => {
    const actions = await rawAdmin<Action[]>('GET', `/items/cc_improvement_actions?filter[cycle][status][_eq]=published&filter[scope_kind][_eq]=department&sort=id&limit=1`);
    action = actions[0]!;
    expect(action).toBeDefined();
    const cycles = await rawAdmin<Cycle[]>('GET', `/items/cc_evaluation_cycles?filter[id][_neq]=${action.cycle}&limit=1`);
    other = cycles[0]!;
  });

  // The demo's action as it was: other files read the first cycle's actions as publishing proposed them.
  afterAll(async () => {
    await rawAdmin('PATCH', `/items/cc_improvement_actions/${action.id}`, { status: action.status, description: action.description });
  });

  it('refuses the review’s write (scores 100 / -1, another cycle and department) on every path, admins included', async () => {
    const token = await tokenOf(publisher);
    const otherDepartment = action.department === 'finance' ? 'sales' : 'finance';
    const review = { score_before: 100, score_after: -1, cycle: other.id, department: otherDepartment };
    const attempts = [
      await http('PATCH', `/items/cc_improvement_actions/${action.id}`, { token, body: review }),
      await http('PATCH', `/items/cc_improvement_actions/${action.id}`, { token: admin(), body: review }),
      ...(
        await Promise.all(
          [{ score_before: 100 }, { score_after: -1 }, { cycle: other.id }, { department: otherDepartment }, { team: 1 }, { scope_kind: 'team' }, { dimension: action.dimension === 'cohesion' ? 'execution' : 'cohesion' }].map(
            (body) => http('PATCH', `/items/cc_improvement_actions/${action.id}`, { token, body }),
          ),
        )
      ),
      await http('PATCH', '/items/cc_improvement_actions', { token, body: { keys: [action.id], data: { score_before: 100 } } }),
      await http('PATCH', '/items/cc_improvement_actions', { token, body: { query: { filter: { id: { _eq: action.id } } }, data: { score_after: -1 } } }),
      await http('PATCH', '/items/cc_improvement_actions', { token, body: [{ id: action.id, cycle: other.id }] }),
      await http('POST', '/graphql', { token, body: { query: `mutation { update_cc_improvement_actions_item(id: ${action.id}, data: { score_before: 100 }) { id } }` } }),
      await http('POST', '/utils/import/cc_improvement_actions', { token: admin(), form: jsonFile([{ id: action.id, score_after: -1 }]) }),
    ];
    expect(attempts.map(code)).toEqual(attempts.map(() => 'ACTION_MANAGED'));
    expect(attempts[0]!.json?.errors?.[0]?.message).toMatch(/cannot be changed|不能修改/);
    expect(await rawAdmin<Action>('GET', `/items/cc_improvement_actions/${action.id}`)).toEqual(action);
  });

  it('refuses a hand-made action; the proposals come from publishing', async () => {
    const token = await tokenOf(publisher);
    const body = { cycle: action.cycle, scope_kind: 'department', department: 'sales', dimension: 'cohesion', category: 'culture', title: `${TAG} 手工措施`, score_before: 1 };
    const attempts = [
      await http('POST', '/items/cc_improvement_actions', { token, body }),
      await http('POST', '/items/cc_improvement_actions', { token: admin(), body }),
      await http('POST', '/utils/import/cc_improvement_actions', { token: admin(), form: jsonFile([body]) }),
    ];
    expect(attempts.map(code)).toEqual(attempts.map(() => 'ACTION_MANAGED'));
    expect(await rawAdmin<unknown[]>('GET', `/items/cc_improvement_actions?filter[title][_eq]=${encodeURIComponent(body.title)}`)).toEqual([]);
  });

  it('lets people work the action: status, description, owner; the same managed values again pass', async () => {
    const token = await tokenOf(publisher);
    const worked = await http('PATCH', `/items/cc_improvement_actions/${action.id}`, { token, body: { status: 'in_progress', description: `${TAG} 推进中`, cycle: action.cycle, score_before: action.score_before } });
    expect(worked.status).toBe(200);
    expect(await rawAdmin<Action>('GET', `/items/cc_improvement_actions/${action.id}`)).toMatchObject({ status: 'in_progress', cycle: action.cycle, score_before: action.score_before });
  });
});
