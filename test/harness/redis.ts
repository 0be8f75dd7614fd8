import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from '../../host/directus.ts';

/** A throw-away redis-server (Debian's `redis-server` package) on a free port, nothing persisted. */
export async function startRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const failed = new Promise<never>((_, reject) => {
    server.once('error', (error) => reject(new Error(`redis-server could not start (${error.message}); install it with apt-get install redis-server.`)));
    server.once('exit', (code) => reject(new Error(`redis-server stopped while starting (exit ${code}):\n${output}`)));
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  while (!(await Promise.race([answersPing(port), failed]))) {
    if (Date.now() > deadline) {
      server.kill('SIGKILL');
      throw new Error(`redis-server did not answer on port ${port} within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  failed.catch(() => undefined);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (server.exitCode !== null || server.signalCode !== null) return;
      server.kill('SIGTERM');
      await exited;
    },
  };
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => {
      socket.destroy();
      resolve(chunk.toString().startsWith('+PONG'));
    });
  });
}
