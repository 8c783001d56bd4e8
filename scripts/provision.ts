// Provisions what the test suite needs before it runs, so the README's test command works on a
// fresh machine: Redis on 127.0.0.1:6379, PostgreSQL on 127.0.0.1:5432 (when a package tests on
// it) and Debian's Chromium at /usr/bin/chromium. It starts or installs what it can; otherwise it
// stops at once with one line naming exactly what to install, rather than letting tests time out.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The path of an executable on PATH (plus the sbin folders `service` lives in), or null. */
export function which(name: string, path: string = [process.env.PATH ?? '', '/usr/sbin', '/sbin'].join(delimiter)): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** Sends `probe` to 127.0.0.1:port and resolves true when the reply starts with `expect` (or, without probe, when it connects). */
export function answers(port: number, probe?: string, expect = '', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => (probe ? socket.write(probe) : done(true)));
    socket.once('data', (data: Buffer) => done(data.toString('latin1').startsWith(expect)));
  });
}

const redisAnswers = (port: number) => answers(port, 'PING\r\n', '+PONG');

async function waitFor(check: () => Promise<boolean>, attempts = 50): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Fails with the one line the user reads. */
export class ProvisionError extends Error {}

/**
 * Redis on 127.0.0.1:port: fine if it answers PING; started (no persistence) if redis-server is
 * installed; otherwise a ProvisionError naming what to install.
 */
export async function ensureRedis({ port = 6379, path }: { port?: number; path?: string } = {}): Promise<'running' | 'started'> {
  if (await redisAnswers(port)) return 'running';
  const server = which('redis-server', path);
  if (!server) {
    throw new ProvisionError(`Redis is not answering on 127.0.0.1:${port} and redis-server is not installed: install Redis 7 (Debian: apt-get install redis-server) or start one there.`);
  }
  execFileSync(server, ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  if (!(await waitFor(() => redisAnswers(port)))) throw new ProvisionError(`redis-server was started on 127.0.0.1:${port} but does not answer PING.`);
  return 'started';
}

/**
 * PostgreSQL on 127.0.0.1:port: fine if it accepts connections; started through pg_ctlcluster
 * (Debian) or `service postgresql start` if installed; otherwise a ProvisionError.
 */
export async function ensurePostgres({ port = 5432, path }: { port?: number; path?: string } = {}): Promise<'running' | 'started'> {
  if (await answers(port)) return 'running';
  const ctl = which('pg_ctlcluster', path);
  const lsclusters = which('pg_lsclusters', path);
  const service = which('service', path);
  if (ctl && lsclusters) {
    // Start whichever cluster listens on this port (e.g. "15 main 5432 down postgres …").
    const lines = execFileSync(lsclusters, ['--no-header'], { encoding: 'utf8' }).split('\n');
    const cluster = lines.map((l) => l.trim().split(/\s+/)).find((f) => f[2] === String(port));
    if (cluster) spawnSync(ctl, [cluster[0]!, cluster[1]!, 'start'], { stdio: 'ignore' });
  } else if (service && existsSync('/etc/init.d/postgresql')) {
    spawnSync(service, ['postgresql', 'start'], { stdio: 'ignore' });
  } else {
    throw new ProvisionError(`PostgreSQL is not answering on 127.0.0.1:${port} and is not installed: install PostgreSQL 15 (Debian: apt-get install postgresql) or start one there.`);
  }
  if (!(await waitFor(() => answers(port), 100))) {
    throw new ProvisionError(`PostgreSQL is installed but did not start on 127.0.0.1:${port}: start it (pg_ctlcluster 15 main start).`);
  }
  return 'started';
}

/** Debian's Chromium at `executable`: installed with apt when missing and running as root; never a downloaded browser. */
export function ensureChromium({
  executable = '/usr/bin/chromium',
  path,
  isRoot = process.getuid?.() === 0,
}: { executable?: string; path?: string; isRoot?: boolean } = {}): 'present' | 'installed' {
  if (existsSync(executable)) return 'present';
  const apt = which('apt-get', path);
  if (!apt || !isRoot) {
    throw new ProvisionError(`Chromium is missing at ${executable}: install it (Debian: sudo apt-get install chromium) — the dashboard's browser tests drive it.`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync(apt, ['update', '-qq'], { stdio: 'ignore', env });
  execFileSync(apt, ['install', '-y', '-qq', 'chromium'], { stdio: 'ignore', env });
  if (!existsSync(executable)) throw new ProvisionError(`apt-get installed chromium but ${executable} is still missing.`);
  return 'installed';
}

/** The packages whose tests use PostgreSQL, so it is only required once one exists. */
function needsPostgres(): boolean {
  return readdirSync(join(ROOT, 'packages')).includes('postgres');
}

async function main(): Promise<void> {
  try {
    const redis = await ensureRedis();
    if (redis !== 'running') console.log(`provision: Redis ${redis} on 127.0.0.1:6379`);
    if (needsPostgres()) {
      const pg = await ensurePostgres();
      if (pg !== 'running') console.log(`provision: PostgreSQL ${pg} on 127.0.0.1:5432`);
    }
    const chromium = ensureChromium();
    if (chromium !== 'present') console.log(`provision: Chromium ${chromium}`);
  } catch (error) {
    if (!(error instanceof ProvisionError)) throw error;
    console.error(`provision: ${error.message}`);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
