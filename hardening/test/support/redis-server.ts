// Redis servers owned by one test file: child processes on free 127.0.0.1 ports, which a test may
// SIGKILL and restart. The shared server on 6379 is never touched by these.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { freePort, waitUntil } from './net.js';

export interface OwnRedis {
  readonly port: number;
  /** Starts (or restarts) redis-server on the same port with the same arguments; resolves once it answers PING. */
  start(): Promise<void>;
  /** Sends `signal` (SIGKILL by default: no shutdown, no final save) and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the server if it runs (SIGKILL: nothing to save) and waits for it. */
  stop(): Promise<void>;
  readonly running: boolean;
}

const children = new Set<ChildProcess>();
// A test process that dies without its afterAll must not leave servers behind.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** True when something on `port` answers PING with PONG. */
export function pingRedis(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/**
 * A redis-server on a free port, bound to 127.0.0.1. No persistence unless `args` ask for it
 * (e.g. `['--appendonly', 'yes', '--dir', tmp]`).
 * @example const redis = await startOwnRedis(); ...; await redis.stop();
 */
export async function startOwnRedis(args: readonly string[] = []): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  async function start(): Promise<void> {
    if (alive()) throw new Error(`redis-server on ${port} is already running`);
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args], { stdio: 'ignore' });
    child = proc;
    children.add(proc);
    proc.once('exit', () => children.delete(proc));
    await waitUntil(`redis-server on port ${port}`, async () => {
      if (proc.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${proc.exitCode}`);
      return pingRedis(port);
    });
  }

  async function kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const proc = child;
    if (!proc || !alive()) return;
    const exited = once(proc, 'exit');
    proc.kill(signal);
    await exited;
  }

  await start();
  return {
    port,
    start,
    kill,
    stop: () => kill('SIGKILL'),
    get running() {
      return alive();
    },
  };
}
