import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { adminApi } from '../../src/setup/admin-api.ts';

/** A local server answering each request with the next of `answers` (the last one repeats). */
async function serve(answers: Array<[number, string]>): Promise<{ url: string; requests: () => number; server: Server }> {
  let count = 0;
  const server = createServer((_request, response) => {
    const [status, body] = answers[Math.min(count, answers.length - 1)]!;
    count += 1;
    response.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => count, server };
}

let running: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => running?.close(resolve) ?? resolve(undefined));
  running = undefined;
});

describe('the start\'s admin client', () => {
  it('comes back after "Under pressure" (503) and rate limits (429) until the server takes the request', async () => {
    const { url, requests, server } = await serve([
      [503, '{"errors":[{"message":"Under pressure","extensions":{"code":"SERVICE_UNAVAILABLE"}}]}'],
      [429, '{"errors":[{"message":"Too many requests"}]}'],
      [200, '{"data":{"id":7}}'],
    ]);
    running = server;
    const api = adminApi(url, 'token', { retryDelaysMs: [1, 1, 1] });
    await expect(api.post('/items/cc_authorities', {})).resolves.toEqual({ id: 7 });
    expect(requests()).toBe(3);
  });

  it('gives up after its retries, saying so', async () => {
    const { url, requests, server } = await serve([[503, '{"errors":[{"message":"Under pressure"}]}']]);
    running = server;
    const api = adminApi(url, 'token', { retryDelaysMs: [1, 1] });
    await expect(api.get('/items/cc_departments')).rejects.toThrow('GET /items/cc_departments answered 503 after 2 retries: {"errors":[{"message":"Under pressure"}]}');
    expect(requests()).toBe(3);
  });

  it('does not repeat a request the server refused for another reason', async () => {
    const { url, requests, server } = await serve([[400, '{"errors":[{"message":"bad"}]}']]);
    running = server;
    await expect(adminApi(url, 'token', { retryDelaysMs: [1] }).patch('/items/x/1', {})).rejects.toThrow('PATCH /items/x/1 answered 400');
    expect(requests()).toBe(1);
  });
});
