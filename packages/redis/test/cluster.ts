// A throwaway 3-primary Redis Cluster on free 127.0.0.1 ports, for tests that need real slot
// routing (MOVED, cross-slot rules). Reusable: `const cluster = await startCluster()`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort, redisCli, startRedisServer, waitFor, type RedisServer } from './server.js';

const run = promisify(execFile);

export interface TestCluster {
  /** Startup nodes for `new Redis.Cluster(cluster.nodes)`. */
  nodes: Array<{ host: string; port: number }>;
  /** Shuts every node down (no save) and deletes their directory. Safe to call after a failed start. */
  stop(): Promise<void>;
}

/**
 * Starts three cluster-enabled redis-server processes, joins them with `redis-cli --cluster
 * create` (no replicas) and waits until every node reports `cluster_state:ok`.
 * @example
 * const cluster = await startCluster();
 * const client = new Redis.Cluster(cluster.nodes);
 * ...
 * await client.quit(); await cluster.stop();
 */
export async function startCluster(size = 3): Promise<TestCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'keyward-redis-cluster-'));
  const servers: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < size; i++) {
      const port = await freePort();
      // The bus port is given explicitly: the default (port + 10000) may be taken or out of range.
      const busPort = await freePort();
      servers.push(
        await startRedisServer(
          ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-port', String(busPort), '--dir', dir],
          port,
        ),
      );
    }
    const addresses = servers.map((s) => `127.0.0.1:${s.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    for (const server of servers) {
      await waitFor(`cluster_state:ok on ${server.port}`, async () => (await redisCli(server.port, 'cluster', 'info')).includes('cluster_state:ok'));
    }
    return { nodes: servers.map((s) => ({ host: '127.0.0.1', port: s.port })), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
