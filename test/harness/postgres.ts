import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import knex from 'knex';
import { freePort } from '../../host/directus.ts';

/**
 * A throw-away PostgreSQL server from the Debian packages (`apt-get install postgresql`), for the
 * test runs and benchmarks: its own cluster in `dir`, on a free port, trust authentication, no
 * durability (fsync off). PostgreSQL refuses to run as root; as root it runs as the `postgres`
 * user the package creates.
 */
export interface PostgresServer {
  port: number;
  /** Directus settings for a database on this server. */
  directusEnv(database: string): Record<string, string>;
  url(database: string): string;
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

const USER = 'concord';

export async function startPostgres(dir: string): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const owner = serverUser();
  const data = join(dir, 'pgdata');
  mkdirSync(dir, { recursive: true });
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};

  if (!existsSync(join(data, 'PG_VERSION'))) {
    const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', USER, '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
      ...asOwner,
      encoding: 'utf8',
    });
    if (init.status !== 0) throw new Error(`initdb failed (exit ${init.status}):\n${init.stdout}${init.stderr}`);
  }
  const port = await freePort();
  const server: ChildProcess = spawn(
    join(bin, 'postgres'),
    ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
    { ...asOwner, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));

  const url = (database: string) => `postgres://${USER}@127.0.0.1:${port}/${database}`;
  const admin = knex({ client: 'pg', connection: url('postgres'), pool: { min: 0, max: 1 } });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`PostgreSQL stopped while starting (exit ${server.exitCode}):\n${output}`);
    try {
      await admin.raw('select 1');
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        server.kill('SIGKILL');
        throw new Error(`PostgreSQL did not accept connections on port ${port} within a minute:\n${output}\n${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  return {
    port,
    url,
    directusEnv: (database) => ({ DB_CLIENT: 'pg', DB_HOST: '127.0.0.1', DB_PORT: String(port), DB_DATABASE: database, DB_USER: USER, DB_PASSWORD: '' }),
    createDatabase: async (name) => void (await admin.raw('create database ??', [name])),
    stop: async () => {
      await admin.destroy();
      if (server.exitCode !== null || server.signalCode !== null) return;
      // SIGINT: "fast shutdown", disconnecting clients.
      server.kill('SIGINT');
      const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The newest installed PostgreSQL's programs (Debian keeps them out of PATH), or CONCORD_PG_BIN. */
function postgresBinDir(): string {
  const given = process.env['CONCORD_PG_BIN'];
  if (given) return given;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('No PostgreSQL server found in /usr/lib/postgresql: install it (apt-get install postgresql) or set CONCORD_PG_BIN.');
  return join(root, versions[0], 'bin');
}

function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('PostgreSQL will not run as root and there is no postgres user: install the postgresql package (it creates one).');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
