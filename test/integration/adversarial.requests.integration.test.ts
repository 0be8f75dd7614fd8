import { connect } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import concordEndpoint from '../../extensions/endpoints/src/concord.ts';
import { signSurveyToken } from '../../src/surveys/links.ts';
import { concord, createStaff, http, rawAdmin, signIn, testDb, tokenOf, type Json, type StaffUser } from '../harness/concord.ts';
import { surveyTokenMailedTo, waitFor } from '../harness/mail-catcher.ts';

/**
 * Requests no client should send, sent on purpose to every /concord route, signed in and not:
 * oversized, truncated, wrongly typed and wrongly encoded bodies, and connections dropped half-way.
 * Whatever arrives, the server answers (or closes) in time and with a 4xx, and keeps serving.
 * Raw sockets, because fetch cannot lie about Content-Length or hang up mid-body.
 * Also the survey holes of issue 17: staff answering as the customer, non-canonical tokens, and
 * what a customer reads for a body the server cannot read.
 */

const code = (result: { json?: Json | undefined }) => result.json?.errors?.[0]?.extensions?.['code'] as string | undefined;

/** Every route the /concord endpoint registers, read from the endpoint itself so new routes are covered. */
function concordRoutes(): Array<{ method: string; path: string }> {
  const routes: Array<{ method: string; path: string }> = [];
  const record = (method: string) => (path: unknown) => {
    if (typeof path === 'string') routes.push({ method, path });
  };
  const router = { get: record('GET'), post: record('POST'), put: record('PUT'), patch: record('PATCH'), delete: record('DELETE'), all: record('ALL'), use: () => undefined };
  const noop = () => undefined;
  const definition = concordEndpoint as unknown as { handler: (router: unknown, context: unknown) => void };
  definition.handler(router, { services: {}, getSchema: async () => ({}), database: noop, env: { SECRET: 'x' }, logger: { error: noop, warn: noop, info: noop } });
  return routes;
}

interface RawOutcome {
  status: number | null;
  /** 'timeout' when the server neither answered nor closed in time. */
  error: string | null;
  text: string;
}

interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** A Content-Length other than the body's (a lie); without it, the body's own length is declared. */
  declare?: number;
  /** After the body: half-close (a client that stops sending), reset the connection, or wait. */
  ending?: 'end' | 'destroy' | 'wait';
  destroyAfterMs?: number;
}

/** One request over a fresh loopback socket; resolves with what came back once the server closes it. */
function raw(request: RawRequest, timeoutMs = 15_000): Promise<RawOutcome> {
  const { hostname, port } = new URL(concord().url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname === 'localhost' ? '127.0.0.1' : hostname, port: Number(port) });
    const received: Buffer[] = [];
    let error: string | null = null;
    let settled = false;
    const finish = (why: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(received).toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: status ? Number(status[1]) : null, error: why ?? error, text });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      // A complete answer is enough: the server may keep reading (or close) as it likes.
      const text = Buffer.concat(received).toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: (\d+)/i.exec(text.slice(0, head));
      if (head >= 0 && length && Buffer.byteLength(text, 'latin1') >= head + 4 + Number(length[1])) finish(null);
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    socket.on('close', () => finish(null));
    socket.on('connect', () => {
      const body = request.body ?? Buffer.alloc(0);
      const length = request.headers['transfer-encoding'] ? {} : { 'content-length': String(request.declare ?? body.length) };
      const headers = { ...length, ...request.headers };
      const head = [`${request.method} ${request.path} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
      socket.write(head);
      let offset = 0;
      const pump = () => {
        while (offset < body.length && !socket.destroyed) {
          const slice = body.subarray(offset, offset + 65_536);
          offset += slice.length;
          if (!socket.write(slice)) {
            socket.once('drain', pump);
            return;
          }
        }
        if (socket.destroyed) return;
        if (request.ending === 'end') socket.end();
        if (request.ending === 'destroy') setTimeout(() => finish('dropped'), request.destroyAfterMs ?? 0);
      };
      pump();
    });
  });
}

const KiB = 1024;
const json = (text: string) => Buffer.from(text, 'utf8');

/** The bodies no client should send: each a name and the request it makes of a route. */
const BAD_BODIES: Array<{ name: string; request: (method: string) => Omit<RawRequest, 'method' | 'path'>; dropped?: boolean }> = [
  { name: 'a 2 MiB JSON body', request: () => ({ headers: { 'content-type': 'application/json' }, body: json(`{"a":"${'x'.repeat(2 * 1024 * KiB)}"}`) }) },
  { name: 'a declared 1 GiB, 64 KiB sent, then the end', request: () => ({ headers: { 'content-type': 'application/json' }, declare: 1024 * 1024 * KiB, body: Buffer.alloc(64 * KiB, 0x20), ending: 'end' }) },
  { name: 'a url-encoded 20 KiB body', request: () => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: json(`comment=${'y'.repeat(20 * KiB)}`) }) },
  { name: 'a url-encoded 300 KiB body', request: () => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: json(`csat=${'5'.repeat(300 * KiB)}`) }) },
  { name: 'truncated JSON (Content-Length 4096, 12 bytes, then the end)', request: () => ({ headers: { 'content-type': 'application/json' }, declare: 4096, body: json('{"csat": 5, '), ending: 'end' }) },
  { name: 'a truncated url-encoded form', request: () => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, declare: 30_000, body: json('csat=5&comment=abc'), ending: 'end' }) },
  { name: 'multipart with a garbage boundary', request: () => ({ headers: { 'content-type': 'multipart/form-data; boundary=zzz' }, body: json('--zzz\r\nContent-Disposition: garbage\r\n\r\n') }) },
  { name: 'plain text', request: () => ({ headers: { 'content-type': 'text/plain' }, body: json('hello world') }) },
  { name: 'binary without a type', request: () => ({ headers: {}, body: Buffer.alloc(100 * KiB, 0xff) }) },
  { name: 'JSON with invalid UTF-8', request: () => ({ headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x22, 0x7d, 0x20]) }) },
  { name: 'JSON in another charset', request: () => ({ headers: { 'content-type': 'application/json; charset=utf-16' }, body: json('{}') }) },
  { name: 'malformed JSON', request: () => ({ headers: { 'content-type': 'application/json' }, body: json('{"csat":,') }) },
  { name: 'deeply nested JSON', request: () => ({ headers: { 'content-type': 'application/json' }, body: json(`${'['.repeat(20_000)}${']'.repeat(20_000)}`) }) },
  { name: 'gzip garbage with Content-Encoding: gzip', request: () => ({ headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: Buffer.alloc(64, 0x1f) }) },
  { name: 'a gzip bomb (10 MiB of zeros in 10 KiB)', request: () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * KiB, 0x20));
    return { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb };
  } },
  { name: 'an unknown Content-Encoding', request: () => ({ headers: { 'content-type': 'application/json', 'content-encoding': 'br, zstd' }, body: json('{}') }) },
  { name: 'a broken chunked body', request: () => ({ headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: json('5\r\n{"a":\r\nzz\r\n'), ending: 'end' }) },
  { name: 'a connection dropped after the headers', dropped: true, request: () => ({ headers: { 'content-type': 'application/json' }, declare: 5000, ending: 'destroy' }) },
  { name: 'a connection dropped mid-body', dropped: true, request: () => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, declare: 50 * KiB, body: json(`comment=${'z'.repeat(20 * KiB)}`), ending: 'destroy', destroyAfterMs: 20 }) },
];

let staff: StaffUser;
let staffToken: string;
let openSurvey: number;

async function serverStillServes(): Promise<void> {
  const ping = await fetch(`${concord().url}/server/ping`);
  expect(await ping.text()).toBe('pong');
  const real = await http('GET', '/concord/capabilities', { token: staffToken });
  expect(real.status).toBe(200);
}

beforeAll(async () => {
  staff = await createStaff('service', { label: 'requests.agent' });
  staffToken = await tokenOf(staff);
  openSurvey = (await rawAdmin<{ id: number }>('POST', '/items/cc_surveys', { kind: 'csat', title: '鲁棒性测试调查', ask_nps: true })).id;
});

describe('hole 1: one request must not stop the server', () => {
  it('a url-encoded POST of more than 16 KiB to a public survey link is refused, and the server keeps serving', async () => {
    for (const token of ['not-a-token', signSurveyToken(concord().secret, openSurvey, new Date(Date.now() + 86_400_000))]) {
      const response = await fetch(`${concord().url}/concord/public/surveys/${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `comment=${'x'.repeat(17 * KiB)}`,
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      await response.text();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await serverStillServes();
    }
    expect(await testDb()('cc_survey_responses').where('survey', openSurvey).first('id')).toBeUndefined();
  });
});

describe('every /concord route survives requests no client should send', () => {
  const routes = concordRoutes();

  it('the endpoint registers its routes (the list the robustness runs cover)', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes).toContainEqual({ method: 'POST', path: '/public/surveys/:token' });
    expect(routes).toContainEqual({ method: 'POST', path: '/surveys/:id/link' });
  });

  it.each(routes.map((route) => [`${route.method} ${route.path}`, route] as const))('%s: bad bodies signed in and not, then the server still answers', async (_name, route) => {
    const validToken = signSurveyToken(concord().secret, openSurvey, new Date(Date.now() + 86_400_000));
    const paths = route.path.includes(':token')
      ? [route.path.replace(':token', 'not-a-token'), route.path.replace(':token', validToken)]
      : [route.path.replace(/:[a-z]+/g, '1')];
    // A GET with a body is odd but legal: it is sent as the route's method and as POST alike.
    const methods = route.method === 'ALL' ? ['GET', 'POST'] : [route.method];
    const problems: string[] = [];
    for (const path of paths) {
      for (const method of methods) {
        for (const token of [null, staffToken]) {
          for (const bad of BAD_BODIES) {
            const request = bad.request(method);
            const outcome = await raw({ method, path: `/concord${path}`, ...request, headers: { ...request.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
            const who = token ? 'staff' : 'anonymous';
            if (outcome.error === 'timeout') problems.push(`${method} ${path} as ${who}, ${bad.name}: no answer and no close in 15 s`);
            if (outcome.status !== null && outcome.status >= 500) problems.push(`${method} ${path} as ${who}, ${bad.name}: ${outcome.status} ${outcome.text.slice(-300)}`);
          }
          await serverStillServes();
        }
      }
    }
    expect(problems).toEqual([]);
    expect(await testDb()('cc_survey_responses').where('survey', openSurvey).first('id')).toBeUndefined();
  }, 180_000);

  it('a body that stops arriving (the client stays connected) is given up on, and nobody waits for it meanwhile', async () => {
    const validToken = signSurveyToken(concord().secret, openSurvey, new Date(Date.now() + 86_400_000));
    const started = Date.now();
    const stalled = [
      raw({ method: 'POST', path: '/concord/teams/composition/preview', headers: { 'content-type': 'application/json', authorization: `Bearer ${staffToken}` }, declare: 2000, body: json('{"members":'), ending: 'wait' }, 40_000),
      raw({ method: 'POST', path: `/concord/public/surveys/${validToken}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, declare: 2000, body: json('csat=5&comm'), ending: 'wait' }, 40_000),
    ];
    await serverStillServes();
    expect(Date.now() - started).toBeLessThan(10_000);
    const outcomes = await Promise.all(stalled);
    expect(outcomes.map((o) => [o.error, o.status])).toEqual([
      [null, 400],
      [null, 400],
    ]);
    await serverStillServes();
  }, 60_000);

  it('after all of it, a real answer through the survey link still works', async () => {
    const token = signSurveyToken(concord().secret, openSurvey, new Date(Date.now() + 86_400_000));
    const response = await fetch(`${concord().url}/concord/public/surveys/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'csat=4&nps=8&comment=%E4%B8%8D%E9%94%99' });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('感谢您的反馈');
    const stored = await testDb()('cc_survey_responses').where('survey', openSurvey).first('csat', 'comment');
    expect(stored).toMatchObject({ csat: 4, comment: '不错' });
  });
});

const linkMailedTo = (address: string) => surveyTokenMailedTo(concord().mailDir, address);

describe('hole 3: staff do not answer as the customer', () => {
  let email: string;
  let teamCase: number;
  let survey: number;
  let member: StaffUser;

  beforeAll(async () => {
    email = `holes.${Date.now().toString(36)}@customer.example.com`;
    const customer = await rawAdmin<{ id: number }>('POST', '/items/cc_customers', { name: `链接客户 ${Date.now()}`, contact_email: email });
    const [inquiry] = await rawAdmin<Array<{ id: number }>>('GET', '/items/cc_workflows?filter[key][_eq]=inquiry&fields=id');
    const [team] = await rawAdmin<Array<{ id: number }>>('GET', '/items/cc_teams?filter[status][_eq]=active&fields=id&sort=id&limit=1');
    teamCase = (await rawAdmin<{ id: number }>('POST', '/items/cc_cases', { title: '链接发放测试', workflow: inquiry!.id, customer: customer.id, team: team!.id })).id;
    survey = (await rawAdmin<{ id: number }>('POST', '/items/cc_surveys', { kind: 'csat', title: '链接发放测试', case: teamCase, ask_nps: false })).id;
    // A technician on the case's team reads the case, but does not hold feedback.collect.
    member = await createStaff('tech', { label: 'holes.tech' });
    await rawAdmin('POST', '/items/cc_team_members', { team: team!.id, user: member.id, role_in_team: 'backup' });
  });

  it('a reader of the case without feedback.collect gets no customer link', async () => {
    const sees = await http('GET', `/items/cc_cases/${teamCase}?fields=id`, { token: await tokenOf(member) });
    expect(sees.status).toBe(200);
    const refused = await http('POST', `/concord/surveys/${survey}/link`, { token: await tokenOf(member) });
    expect([refused.status, code(refused)]).toEqual([403, 'MISSING_CAPABILITY']);
    expect(refused.text).not.toContain('/concord/public/surveys/');
  });

  it('that reader may still have the link e-mailed to the customer, and never sees it', async () => {
    const sent = await http('POST', `/concord/surveys/${survey}/link`, { token: await tokenOf(member), body: { deliver: 'email' } });
    expect(sent.status).toBe(200);
    expect(sent.text).not.toContain('/concord/public/surveys/');
    expect(sent.json?.data).toMatchObject({ delivered: 'email' });
    const mailed = await waitFor(() => linkMailedTo(email), 'the e-mailed link');
    const answered = await http('POST', `/concord/public/surveys/${mailed}`, { body: { csat: 5 } });
    expect(answered.status).toBe(200);
    const row = await testDb()('cc_survey_responses').where('survey', survey).first('channel', 'handled_by');
    expect(row).toMatchObject({ channel: 'email_link', handled_by: null });
  });

  it('a link handed out by a feedback.collect holder is recorded as handed out, by whom', async () => {
    const [inquiry] = await rawAdmin<Array<{ id: number }>>('GET', '/items/cc_workflows?filter[key][_eq]=inquiry&fields=id');
    const customer = await rawAdmin<{ id: number }>('POST', '/items/cc_customers', { name: `电话客户 ${Date.now()}` });
    const caseId = (await rawAdmin<{ id: number }>('POST', '/items/cc_cases', { title: '电话回访', workflow: inquiry!.id, customer: customer.id })).id;
    const handedSurvey = (await rawAdmin<{ id: number }>('POST', '/items/cc_surveys', { kind: 'csat', title: '电话回访', case: caseId })).id;
    const link = await http('POST', `/concord/surveys/${handedSurvey}/link`, { token: await tokenOf(staff) });
    expect(link.status).toBe(200);
    const url = (link.json!.data as { url: string }).url;
    const answered = await http('POST', `/concord/public/surveys/${url.split('/').pop()}`, { body: { csat: 3 } });
    expect(answered.status).toBe(200);
    const row = await testDb()('cc_survey_responses').where('survey', handedSurvey).first('channel', 'handled_by');
    expect(row).toMatchObject({ channel: 'handed_link', handled_by: staff.id });
  });

  it('an answer recorded by staff in Studio says so, and who recorded it; nobody writes the channel', async () => {
    const recordedSurvey = (await rawAdmin<{ id: number }>('POST', '/items/cc_surveys', { kind: 'csat', title: '录入测试' })).id;
    const forged = await http('POST', '/items/cc_survey_responses', { token: await tokenOf(staff), body: { survey: recordedSurvey, csat: 4, channel: 'email_link' } });
    expect(code(forged)).toBe('MANAGED_FIELD');
    const recorded = await http('POST', '/items/cc_survey_responses', { token: await tokenOf(staff), body: { survey: recordedSurvey, csat: 4 } });
    expect(recorded.status).toBe(200);
    const row = await testDb()('cc_survey_responses').where('survey', recordedSurvey).first('channel', 'handled_by');
    expect(row).toMatchObject({ channel: 'staff_entry', handled_by: staff.id });
  });
});

describe('hole 9: one spelling per survey token, and a sentence for a body the server cannot read', () => {
  let token: string;
  let survey: number;

  beforeAll(async () => {
    survey = (await rawAdmin<{ id: number }>('POST', '/items/cc_surveys', { kind: 'csat', title: '拼写测试' })).id;
    token = signSurveyToken(concord().secret, survey, new Date(Date.now() + 86_400_000));
  });

  it('refuses other spellings of the same token', async () => {
    const [id, expires, signature] = token.split('.') as [string, string, string];
    const spellings = [
      `0${id}.${expires}.${signature}`,
      `${id}.0${expires}.${signature}`,
      `%3${id[0]}${id.slice(1)}.${expires}.${signature}`,
      `${id}%2E${expires}.${signature}`,
      `${id}.${expires}.${signature}/`,
    ];
    expect((await fetch(`${concord().url}/concord/public/surveys/${token}`)).status).toBe(200);
    for (const spelling of spellings) {
      const page = await fetch(`${concord().url}/concord/public/surveys/${spelling}`);
      expect([spelling, page.status]).toEqual([spelling, 400]);
      expect(await page.text()).toContain('此链接无效');
      const posted = await http('POST', `/concord/public/surveys/${spelling}`, { body: { csat: 5 } });
      expect([spelling, posted.status, code(posted)]).toEqual([spelling, 400, 'INVALID_SURVEY_LINK']);
    }
    expect(await testDb()('cc_survey_responses').where('survey', survey).first('id')).toBeUndefined();
  });

  it('a malformed JSON answer gets a sentence a customer understands, in their language', async () => {
    const post = (language: string) =>
      fetch(`${concord().url}/concord/public/surveys/${token}`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': language }, body: '{"csat": 5,' });
    const zh = await post('zh-CN,zh;q=0.9');
    const zhBody = (await zh.json()) as Json;
    expect([zh.status, code({ json: zhBody })]).toEqual([400, 'UNREADABLE_BODY']);
    expect(zhBody.errors?.[0]?.message).not.toContain('undefined');
    expect(zhBody.errors?.[0]?.message).toMatch(/无法读取/);
    const en = await post('en-US,en;q=0.8');
    const enBody = (await en.json()) as Json;
    expect(enBody.errors?.[0]?.message).toMatch(/could not read/i);
    const form = await fetch(`${concord().url}/concord/public/surveys/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' }, body: Buffer.from([0x63, 0x73, 0x61, 0x74, 0x3d, 0xff, 0xfe]) });
    expect(form.status).toBe(400);
    expect(await form.text()).toMatch(/could not read/i);
  });
});

describe('the survey page shows what people wrote as text', () => {
  it('escapes a case title and a comment carrying markup', async () => {
    const [inquiry] = await rawAdmin<Array<{ id: number }>>('GET', '/items/cc_workflows?filter[key][_eq]=inquiry&fields=id');
    const customer = await rawAdmin<{ id: number }>('POST', '/items/cc_customers', { name: `标记客户 ${Date.now()}` });
    const title = `<img src=x onerror=alert(1)>"'&<script>alert(2)</script>`;
    const caseId = (await rawAdmin<{ id: number }>('POST', '/items/cc_cases', { title, workflow: inquiry!.id, customer: customer.id })).id;
    const markupSurvey = (await rawAdmin<{ id: number }>('POST', '/items/cc_surveys', { kind: 'csat', title, case: caseId })).id;
    const token = signSurveyToken(concord().secret, markupSurvey, new Date(Date.now() + 86_400_000));
    const page = await (await fetch(`${concord().url}/concord/public/surveys/${token}`)).text();
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;&lt;script&gt;');
    const again = await (
      await fetch(`${concord().url}/concord/public/surveys/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `csat=9&comment=${encodeURIComponent('</textarea><script>alert(3)</script>')}` })
    ).text();
    expect(again).not.toContain('</textarea><script>');
    expect(again).toContain('&lt;/textarea&gt;&lt;script&gt;alert(3)&lt;/script&gt;');
  });
});

// The demo staff sign in as themselves too: a real person's session survives the run.
describe('a demo staff member', () => {
  it('still signs in and reads the capability catalogue', async () => {
    const client = await signIn('chen.jing@example.com', concord().staffPassword);
    const token = await (client as unknown as { getToken(): Promise<string | null> }).getToken();
    expect((await http('GET', '/concord/capabilities', { token })).status).toBe(200);
  });
});
