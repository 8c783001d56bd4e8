// Redis servers owned by a test: redis-server child processes on free 127.0.0.1 ports, which a test
// may stop, SIGKILL, freeze (SIGSTOP) and restart, and throwaway Clusters made of them. The shared
// server on 6379 is never touched by these.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitUntil } from './net.js';

const run = promisify(execFile);

/** Runs redis-cli against a local port and returns its trimmed output. */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
  return stdout.trim();
}

/** True when something on `port` answers PING with PONG (a raw socket: no client, no redis-cli). */
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
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

export interface RedisServer {
  readonly port: number;
  /** Whether the process is alive (a frozen one included). */
  readonly running: boolean;
  /** Starts (or restarts) the server on the same port with the same arguments; resolves once it answers PING. */
  start(): Promise<void>;
  /** Stops it if it runs: SHUTDOWN, which with `save: true` writes an RDB first (give `--dir`), so data survives a restart. */
  stop(options?: { save?: boolean }): Promise<void>;
  /**
   * Sends a signal. SIGKILL (no shutdown, no final save) and other terminating signals wait for
   * the exit; SIGSTOP / SIGCONT freeze and resume it (a frozen node) and return at once.
   */
  signal(name: NodeJS.Signals): Promise<void>;
}

const children = new Set<ChildProcess>();
// A test process that dies without its afterAll must not leave servers behind.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * A redis-server on a free port (or `port`), bound to 127.0.0.1, no persistence unless `args` ask
 * for it (e.g. `['--appendonly', 'yes', '--dir', tmp]`). Resolves once it answers PING.
 * @example const redis = await startRedisServer(); ...; await redis.stop();
 */
export async function startRedisServer(args: readonly string[] = [], port?: number): Promise<RedisServer> {
  const chosen = port ?? (await freePort());
  let child: ChildProcess | undefined;
  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  async function start(): Promise<void> {
    if (alive()) throw new Error(`redis-server on ${chosen} is already running`);
    const proc = spawn('redis-server', ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args], { stdio: 'ignore' });
    child = proc;
    children.add(proc);
    proc.once('exit', () => children.delete(proc));
    try {
      await waitUntil(`redis-server on port ${chosen}`, async () => {
        if (proc.exitCode !== null) throw new Error(`redis-server on port ${chosen} exited with ${proc.exitCode}`);
        return pingRedis(chosen);
      });
    } catch (error) {
      // One that never answered PONG (e.g. started with requirepass) must not outlive the test.
      proc.kill('SIGKILL');
      throw error;
    }
  }

  async function stop({ save = false } = {}): Promise<void> {
    const proc = child;
    if (!proc || !alive()) return;
    const exited = once(proc, 'exit');
    // A frozen server cannot answer SHUTDOWN.
    proc.kill('SIGCONT');
    await redisCli(chosen, 'shutdown', save ? 'save' : 'nosave').catch(() => proc.kill('SIGKILL'));
    await exited;
  }

  async function signal(name: NodeJS.Signals): Promise<void> {
    const proc = child;
    if (!proc || !alive()) return;
    const exited = name === 'SIGSTOP' || name === 'SIGCONT' ? undefined : once(proc, 'exit');
    proc.kill(name);
    await exited;
  }

  await start();
  return {
    port: chosen,
    start,
    stop,
    signal,
    get running() {
      return alive();
    },
  };
}

export interface ClusterNode {
  port: number;
  role: 'master' | 'replica';
  /** For a replica, the port of its primary. */
  masterPort: number | null;
  /** Whether the node is flagged failed by the node that was asked. */
  failed: boolean;
}

export interface TestCluster {
  /** Startup nodes for `new Redis.Cluster(cluster.nodes)`. */
  nodes: Array<{ host: string; port: number }>;
  /** Every node's server, in the order of `nodes`: stop, SIGKILL, SIGSTOP / SIGCONT one of them. */
  servers: RedisServer[];
  /** The roles as `CLUSTER NODES` on `askPort` (default: the first running node that answers) sees them. */
  topology(askPort?: number): Promise<ClusterNode[]>;
  /** Shuts every node down (no save) and deletes their directory. Safe to call after a failed start. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** Primaries. Default 3 (the minimum for a cluster that can elect). */
  masters?: number;
  /** Replicas per primary. Default 0. */
  replicas?: number;
  /** Extra redis-server arguments for every node, e.g. `['--cluster-node-timeout', '1000']`. */
  args?: readonly string[];
}

/** Parses `CLUSTER NODES` output. */
export function parseClusterNodes(text: string): ClusterNode[] {
  const lines = text.split('\n').filter(Boolean).map((line) => line.split(' '));
  const portOf = new Map(lines.map((f) => [f[0]!, Number(f[1]!.split('@')[0]!.split(':')[1])]));
  return lines.map((f) => {
    const flags = f[2]!.split(',');
    const replica = flags.includes('slave');
    return {
      port: portOf.get(f[0]!)!,
      role: replica ? 'replica' : 'master',
      masterPort: replica ? (portOf.get(f[3]!) ?? null) : null,
      failed: flags.includes('fail') || flags.includes('fail?'),
    };
  });
}

/**
 * A throwaway Redis Cluster on free ports, for tests that need real slot routing (MOVED,
 * cross-slot rules) or a real failover: cluster-enabled servers joined with
 * `redis-cli --cluster create`, resolved once every node reports `cluster_state:ok` (and, with
 * replicas, every replica is attached to its primary).
 * @example
 * const cluster = await startCluster({ replicas: 1, args: ['--cluster-node-timeout', '1000'] });
 * const client = new Redis.Cluster(cluster.nodes);
 * ...
 * await client.quit(); await cluster.stop();
 */
export async function startCluster(options: ClusterOptions | number = {}): Promise<TestCluster> {
  const { masters = 3, replicas = 0, args = [] } = typeof options === 'number' ? { masters: options } : options;
  const size = masters * (1 + replicas);
  const dir = await mkdtemp(join(tmpdir(), 'keyward-redis-cluster-'));
  const servers: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  const topology = async (askPort?: number): Promise<ClusterNode[]> => {
    const candidates = askPort === undefined ? servers.map((s) => s.port) : [askPort];
    let lastError: unknown;
    for (const port of candidates) {
      try {
        return parseClusterNodes(await redisCli(port, 'cluster', 'nodes'));
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  };
  try {
    for (let i = 0; i < size; i++) {
      const port = await freePort();
      // The bus port is given explicitly: the default (port + 10000) may be taken or out of range.
      const busPort = await freePort();
      servers.push(
        await startRedisServer(['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-port', String(busPort), '--dir', dir, ...args], port),
      );
    }
    const addresses = servers.map((s) => `127.0.0.1:${s.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas), '--cluster-yes']);
    for (const server of servers) {
      await waitUntil(`cluster_state:ok on ${server.port}`, async () => (await redisCli(server.port, 'cluster', 'info')).includes('cluster_state:ok'));
    }
    if (replicas > 0) {
      // Roles spread by gossip: right after the create, one node may still see a replica as a
      // primary without slots, so a test reading the roles from it would pick the wrong nodes
      // (found: 2 of 6 runs of durability-cluster.test.ts). Wait until every node sees the same
      // roles, `masters` primaries each with `replicas` replicas online.
      const view = (nodes: ClusterNode[]) => nodes.map((n) => `${n.port}:${n.role}:${n.masterPort}`).sort().join(' ');
      await waitUntil('every node to agree on the roles, every replica in sync with its primary', async () => {
        const views = await Promise.all(servers.map((s) => topology(s.port)));
        const [first] = views;
        if (!views.every((v) => view(v) === view(first!))) return false;
        const primaries = first!.filter((n) => n.role === 'master');
        if (primaries.length !== masters) return false;
        for (const primary of primaries) {
          const info = await redisCli(primary.port, 'info', 'replication');
          if ((info.match(/state=online/g) ?? []).length !== replicas) return false;
        }
        for (const node of first!.filter((n) => n.role === 'replica')) {
          if (!(await redisCli(node.port, 'info', 'replication')).includes('master_link_status:up')) return false;
        }
        return true;
      });
    }
    return { nodes: servers.map((s) => ({ host: '127.0.0.1', port: s.port })), servers, topology, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
