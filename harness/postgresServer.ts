import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * A real PostgreSQL server for a test: its own cluster in a temp folder (initdb), on a free
 * loopback port, trusted local connections, stopped and removed by `destroy`. PostgreSQL
 * refuses to run as root, so as root the cluster belongs to the `postgres` user (Debian's
 * package creates it) and the commands run through runuser.
 */
export interface PostgresServer {
  url: string;
  port: number;
  stop(): void;
  start(): void;
  destroy(): void;
}

/** Debian's binaries (`/usr/lib/postgresql/<version>/bin`), or initdb on PATH; undefined when none is installed. */
export function postgresBinDir(): string | undefined {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const initdb = which.stdout.trim();
  return initdb ? join(initdb, '..') : undefined;
}

/**
 * Whether a test can start a PostgreSQL server here. Without one the PostgreSQL cases are
 * skipped on a developer's machine (with `warning` printed), but CI sets
 * CIM_TEST_POSTGRES=required (.ci/run), where a missing install must fail, not skip.
 */
export function postgresForTests(warning: string): boolean {
  if (postgresBinDir() !== undefined) return true;
  if (process.env['CIM_TEST_POSTGRES'] === 'required')
    throw new Error(`CIM_TEST_POSTGRES=required but no PostgreSQL binaries (initdb) are installed: apt-get install postgresql`);
  console.warn(warning);
  return false;
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no PostgreSQL binaries (initdb): apt-get install postgresql');
  const dir = mkdtempSync(join(tmpdir(), 'cimtwin-pg-'));
  const asRoot = userInfo().uid === 0;
  const runAs = (command: string, args: string[]): void => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] : [join(bin, command), args];
    // cwd in the cluster's folder: the postgres user may not be allowed into ours.
    execFileSync(file, argv, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  };
  if (asRoot) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  runAs('initdb', ['-D', data, '-U', 'cimtwin', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB -c max_connections=20`;
  const start = (): void => runAs('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', '-t', '60', 'start']);
  const stop = (): void => runAs('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  let running = true;
  return {
    url: `postgres://cimtwin@127.0.0.1:${port}/postgres`,
    port,
    start: () => {
      start();
      running = true;
    },
    stop: () => {
      stop();
      running = false;
    },
    destroy: () => {
      if (running) stop();
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error('running as root needs the postgres user to own the cluster (apt-get install postgresql creates it)');
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
