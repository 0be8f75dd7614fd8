import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { bodyTimeoutMs, deferBody, readBody, settleBody } from '../../src/http/request-body.ts';

/**
 * The body reader against a real Node HTTP server with Directus's own 'finish' bookkeeping (it
 * reads `req.socket` when a response finishes; a request destroyed mid-body leaves it null and the
 * TypeError ends the process). Every way a body can go wrong must leave `req.socket` in place.
 */

let server: Server | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

type Seen = { status: number; socketAtFinish: boolean; refusal: string | null; body: unknown };

async function serve(limit: number, timeoutMs?: number): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    deferBody(req, res, timeoutMs);
    const entry: Seen = { status: 0, socketAtFinish: false, refusal: null, body: undefined };
    seen.push(entry);
    // As Directus's server does: the first of 'finish' and 'close' reads req.socket.
    let recorded = false;
    const complete = () => {
      if (recorded) return;
      recorded = true;
      entry.socketAtFinish = req.socket !== null;
      entry.status = res.statusCode;
    };
    res.once('finish', complete);
    res.once('close', complete);
    readBody(req, res, { limit, accept: ['json', 'form'] }).then(
      (body) => {
        entry.body = body;
        res.end('ok');
      },
      async (error: { code?: string; status?: number }) => {
        entry.refusal = error.code ?? 'unknown';
        await settleBody(req, res);
        res.statusCode = error.status ?? 500;
        res.end(error.code);
      },
    );
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server!.address() as AddressInfo).port, seen };
}

function send(port: number, head: string, body: Buffer, ending: 'end' | 'wait' = 'wait'): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.write(`${head}\r\nConnection: close\r\n\r\n`);
    socket.write(body, () => {
      if (ending === 'end') socket.end();
    });
    setTimeout(() => socket.destroy(), 3000);
  });
}

const post = (type: string, length: number, extra = '') => `POST /concord/x HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: ${length}${extra}`;

describe('request bodies', () => {
  it('reads JSON and forms within the limit', async () => {
    const { port, seen } = await serve(1024);
    await send(port, post('application/json', 11), Buffer.from('{"csat": 5}'));
    await send(port, post('application/x-www-form-urlencoded', 24), Buffer.from('csat=5&comment=%E5%BE%88'));
    expect(seen.map((s) => s.body)).toEqual([{ csat: 5 }, { csat: '5', comment: '很' }]);
  });

  it('refuses what it cannot use without ever destroying the request', async () => {
    const { port, seen } = await serve(16 * 1024);
    const cases: Array<[string, string, Buffer, 'end' | 'wait']> = [
      ['over the limit, declared', post('application/x-www-form-urlencoded', 20_000), Buffer.alloc(20_000, 0x61), 'wait'],
      ['far over the limit', post('application/json', 3_000_000), Buffer.alloc(3_000_000, 0x20), 'wait'],
      ['over the limit, chunked', 'POST /concord/x HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked', Buffer.from(`4e20\r\n${'a'.repeat(20_000)}\r\n0\r\n\r\n`), 'wait'],
      ['cut off', post('application/json', 5000), Buffer.from('{"a":'), 'end'],
      ['not UTF-8', post('application/json', 4), Buffer.from([0x22, 0xff, 0xfe, 0x22]), 'wait'],
      ['not JSON', post('application/json', 9), Buffer.from('{"csat":,'), 'wait'],
      ['compressed', post('application/json', 4, '\r\nContent-Encoding: gzip'), Buffer.from([0x1f, 0x8b, 0, 0]), 'wait'],
      ['multipart', post('multipart/form-data; boundary=z', 5), Buffer.from('--z--'), 'wait'],
    ];
    for (const [, head, body, ending] of cases) await send(port, head, body, ending);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen.map((s) => s.refusal)).toEqual(['BODY_TOO_LARGE', 'BODY_TOO_LARGE', 'BODY_TOO_LARGE', 'UNREADABLE_BODY', 'UNREADABLE_BODY', 'UNREADABLE_BODY', 'UNSUPPORTED_BODY', 'UNSUPPORTED_BODY']);
    expect(seen.map((s) => s.socketAtFinish)).toEqual(seen.map(() => true));
  });

  it('gives up on a body that stops arriving after the configured time, and answers on the live socket', async () => {
    const { port, seen } = await serve(16 * 1024, 300);
    const started = Date.now();
    const answer = await send(port, post('application/json', 2000), Buffer.from('{"members":'), 'wait');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(seen.map((s) => [s.refusal, s.socketAtFinish])).toEqual([['UNREADABLE_BODY', true]]);
  });
});

describe('CONCORD_BODY_TIMEOUT_SECONDS', () => {
  it('defaults to 20 s, takes whole or fractional seconds from 1 to 300, and refuses anything else', () => {
    expect(bodyTimeoutMs({})).toBe(20_000);
    expect(bodyTimeoutMs({ CONCORD_BODY_TIMEOUT_SECONDS: '' })).toBe(20_000);
    expect(bodyTimeoutMs({ CONCORD_BODY_TIMEOUT_SECONDS: '3' })).toBe(3_000);
    expect(bodyTimeoutMs({ CONCORD_BODY_TIMEOUT_SECONDS: 1.5 })).toBe(1_500);
    for (const bad of ['0', '-5', '301', 'soon', 'Infinity']) expect(() => bodyTimeoutMs({ CONCORD_BODY_TIMEOUT_SECONDS: bad })).toThrow(/CONCORD_BODY_TIMEOUT_SECONDS must be a number of seconds from 1 to 300/);
  });
});
