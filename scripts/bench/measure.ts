import { readFileSync } from 'node:fs';

/** Signs `email` in over REST and answers the access token; throws with the server's answer. */
export async function login(url: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (!response.ok) throw new Error(`Signing in ${email}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { data: { access_token: string } }).data.access_token;
}

/**
 * CPU time a process (all its threads, SQLite's among them) has used so far, in ms (Linux's /proc, in
 * 10 ms ticks; NaN elsewhere). On a shared machine a call's wall time grows with everyone else's work,
 * its CPU time much less; PostgreSQL's own CPU is not in the Directus process.
 */
export function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, fields 14 and 15 of the line (11 and 12 after the command), in 1/100 s.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** One SQL statement Directus logged (LOG_LEVEL=trace, JSON lines: `[12.3ms] select …`). */
export interface LoggedStatement {
  ms: number;
  sql: string;
}

/** The statements in a slice of a Directus process's JSON log, in order, whitespace collapsed. */
export function loggedStatements(log: string): LoggedStatement[] {
  const statements: LoggedStatement[] = [];
  for (const line of log.split('\n')) {
    let msg: unknown;
    try {
      msg = (JSON.parse(line) as { msg?: unknown }).msg;
    } catch {
      continue;
    }
    const match = typeof msg === 'string' ? /^\[([\d.]+)ms\] ([\s\S]*)$/.exec(msg) : null;
    if (match) statements.push({ ms: Number(match[1]), sql: (match[2] as string).replace(/\s+/g, ' ') });
  }
  return statements;
}
