// A throwaway Redis Cluster on free 127.0.0.1 ports, for tests that need real slot routing (MOVED,
// cross-slot rules) or a real failover. Reusable: `const cluster = await startCluster()` gives 3
// primaries; `startCluster({ replicas: 1 })` gives 3 primaries with one replica each.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort, redisCli, startRedisServer, waitFor, type RedisServer } from './server.js';

const run = promisify(execFile);

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
 * Starts cluster-enabled redis-server processes, joins them with `redis-cli --cluster create`
 * and waits until every node reports `cluster_state:ok` (and, with replicas, every replica is
 * attached to its primary).
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
        await startRedisServer(
          ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-port', String(busPort), '--dir', dir, ...args],
          port,
        ),
      );
    }
    const addresses = servers.map((s) => `127.0.0.1:${s.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas), '--cluster-yes']);
    for (const server of servers) {
      await waitFor(`cluster_state:ok on ${server.port}`, async () => (await redisCli(server.port, 'cluster', 'info')).includes('cluster_state:ok'));
    }
    if (replicas > 0) {
      await waitFor('every replica in sync with its primary', async () => {
        for (const node of (await topology()).filter((n) => n.role === 'replica')) {
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
