// A PostgreSQL cluster owned by one test file: initdb into a temp directory, a free 127.0.0.1 port,
// so tests can kill, restart or lock it without going near the shared server on 5432.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitUntil } from '@keyward/test-kit/net';

const run = promisify(execFile);
export const PG_BIN = '/usr/lib/postgresql/15/bin';

export interface Cluster {
  port: number;
  /** The temp directory: `data/` (the cluster), `server.log`, the Unix socket. */
  dir: string;
  dataDir: string;
  server: { host: string; port: number; user: string };
  /** Starts the server (again) on the same port; waits until it accepts connections. */
  start(): Promise<void>;
  /** SIGKILLs the postmaster and every backend at once, like a machine losing power. */
  kill(): Promise<void>;
  /** Stops the server if running and deletes the directory. */
  destroy(): Promise<void>;
}

/**
 * initdb refuses to run as root: as root, the cluster belongs to the `postgres` OS user.
 * Returns the command prefix running a binary as the cluster's owner.
 */
async function asOwner(dir: string): Promise<string[]> {
  if (process.getuid?.() !== 0) return [];
  const ids = await run('id', ['-u', 'postgres']).then(
    async ({ stdout }) => ({ uid: Number(stdout.trim()), gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()) }),
    () => {
      throw new Error('running as root, the throwaway PostgreSQL cluster needs a "postgres" OS user to own it (initdb refuses root)');
    },
  );
  chownSync(dir, ids.uid, ids.gid);
  return ['runuser', '-u', 'postgres', '--'];
}

async function exec(prefix: string[], binary: string, args: string[]): Promise<void> {
  const command = [...prefix, join(PG_BIN, binary), ...args];
  await run(command[0]!, command.slice(1), { timeout: 60_000 });
}

/**
 * Creates and starts a cluster (trust auth, user postgres, fsync off: durability is not under test).
 * With `standbyOf`, the cluster is a streaming replica of that one (pg_basebackup -R), read-only.
 */
export async function startCluster(options: { standbyOf?: Cluster } = {}): Promise<Cluster> {
  if (!existsSync(join(PG_BIN, 'initdb'))) throw new Error(`PostgreSQL 15 server binaries are missing (${PG_BIN}/initdb)`);
  const dir = mkdtempSync(join(tmpdir(), 'keyward-pg-'));
  const dataDir = join(dir, 'data');
  const owner = await asOwner(dir);
  const primary = options.standbyOf;
  if (primary) {
    await exec(owner, 'pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', dataDir, '-R', '-X', 'stream', '--no-sync']);
  } else {
    await exec(owner, 'initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
  }
  const port = await freePort();
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`;

  async function start(): Promise<void> {
    await exec(owner, 'pg_ctl', ['-D', dataDir, '-l', join(dir, 'server.log'), '-o', serverOptions, '-w', '-t', '60', 'start']);
  }

  function postmasterPid(): number | null {
    const file = join(dataDir, 'postmaster.pid');
    if (!existsSync(file)) return null;
    return Number(readFileSync(file, 'utf8').split('\n')[0]);
  }

  function childrenOf(pid: number): number[] {
    const children: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // Fields after the parenthesised command name: state, ppid, …
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
      } catch {
        // The process ended while we looked.
      }
    }
    return children;
  }

  const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

  async function kill(): Promise<void> {
    const pid = postmasterPid();
    if (pid === null) throw new Error('the cluster is not running');
    const all = [pid, ...childrenOf(pid)];
    for (const p of all) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await waitUntil('the killed server processes to exit', async () => all.every((p) => !alive(p)));
    // A killed postmaster may linger as a zombie where nothing reaps orphans (a container's PID 1),
    // and PostgreSQL would take its lock file for a live server: after a real power loss no
    // process is left, so the lock files are removed as a reboot would make them stale.
    for (const file of [join(dataDir, 'postmaster.pid'), join(dir, `.s.PGSQL.${port}.lock`), join(dir, `.s.PGSQL.${port}`)]) {
      rmSync(file, { force: true });
    }
  }

  async function destroy(): Promise<void> {
    process.off('exit', leftover);
    await exec(owner, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }

  // A test worker that dies without its afterAll must not leave a server running.
  const leftover = () => {
    try {
      const command = [...owner, join(PG_BIN, 'pg_ctl'), '-D', dataDir, '-m', 'immediate', 'stop'];
      execFileSync(command[0]!, command.slice(1), { stdio: 'ignore', timeout: 10_000 });
    } catch {
      // Not running.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', leftover);

  await start();
  return { port, dir, dataDir, server: { host: '127.0.0.1', port, user: 'postgres' }, start, kill, destroy };
}
