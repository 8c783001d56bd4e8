// Redis servers owned by a test: spawned as child processes on free 127.0.0.1 ports, so a test can
// stop and restart them without going near the shared server on 6379.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A port nothing listens on right now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Runs redis-cli against a local port and returns its trimmed output. */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
  return stdout.trim();
}

/** Polls `probe` until it returns true; bounded so a broken setup fails instead of hanging. */
export async function waitFor(what: string, probe: () => Promise<boolean>, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface RedisServer {
  port: number;
  /** Starts (or restarts) the server on the same port with the same arguments. */
  start(): Promise<void>;
  /** Stops it. `save: true` writes an RDB first (with `--dir`), so data survives a restart. */
  stop(options?: { save?: boolean }): Promise<void>;
  /** Sends a signal: SIGKILL (waits for the exit), SIGSTOP / SIGCONT (pause and resume: a frozen node). */
  signal(signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): Promise<void>;
}

const running = new Set<ChildProcess>();
// A worker that dies without running afterAll must not leave servers behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * A redis-server child process on a free port (or `port`), bound to 127.0.0.1, no persistence
 * unless `args` ask for it. Resolves once it answers PING.
 * @example const server = await startRedisServer(['--dir', tmp]); ...; await server.stop();
 */
export async function startRedisServer(args: readonly string[] = [], port?: number): Promise<RedisServer> {
  const chosen = port ?? (await freePort());
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const process = spawn('redis-server', ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args], {
      stdio: 'ignore',
    });
    child = process;
    running.add(process);
    process.once('exit', () => running.delete(process));
    await waitFor(`redis-server on port ${chosen}`, async () => {
      if (process.exitCode !== null) throw new Error(`redis-server on port ${chosen} exited with ${process.exitCode}`);
      return (await redisCli(chosen, 'ping')) === 'PONG';
    });
  }

  async function stop({ save = false } = {}): Promise<void> {
    const process = child;
    if (!process || process.exitCode !== null || process.signalCode !== null) return;
    const exited = once(process, 'exit');
    process.kill('SIGCONT');
    await redisCli(chosen, 'shutdown', save ? 'save' : 'nosave').catch(() => process.kill('SIGKILL'));
    await exited;
  }

  async function signal(name: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    const process = child;
    if (!process || process.exitCode !== null || process.signalCode !== null) return;
    const exited = name === 'SIGKILL' ? once(process, 'exit') : undefined;
    process.kill(name);
    await exited;
  }

  await start();
  return { port: chosen, start, stop, signal };
}
