import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

/**
 * A local SMTP server for the test run: Directus sends real mail to it over SMTP, and each message
 * lands as a file in `dir` (tests run in other processes and read the folder).
 */
export async function startMailCatcher(dir: string): Promise<{ port: number; stop: () => Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        count += 1;
        const to = session.envelope.rcptTo.map((r) => r.address).join(',');
        writeFileSync(join(dir, `${Date.now()}-${count}.eml`), `X-Envelope-To: ${to}\r\n${Buffer.concat(chunks).toString('utf8')}`);
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The survey token in the newest mail caught for `address` in `dir` (quoted-printable undone), or null. */
export function surveyTokenMailedTo(dir: string, address: string): string | null {
  for (const file of readdirSync(dir).sort().reverse()) {
    const text = readFileSync(join(dir, file), 'utf8').replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (!text.startsWith(`X-Envelope-To: ${address}`)) continue;
    const match = /\/concord\/public\/surveys\/([0-9a-f.-]+\.[A-Za-z0-9_-]{43})/.exec(text);
    if (match) return match[1] as string;
  }
  return null;
}

/** Polls `probe` every 100 ms for up to 5 s. */
export async function waitFor<T>(probe: () => T | null, what: string): Promise<T> {
  for (let i = 0; i < 50; i += 1) {
    const value = probe();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out waiting for ${what}`);
}
