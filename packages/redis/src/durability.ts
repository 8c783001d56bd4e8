import type { Redis } from 'ioredis';
import type { DurabilityOptions, RedisClient } from './options.js';

/** The connections writes went through: each Cluster master's, or the one server's. */
function primaryConnections(client: RedisClient): Redis[] {
  return typeof (client as { nodes?: unknown }).nodes === 'function' ? (client as { nodes(role: 'master'): Redis[] }).nodes('master') : [client as Redis];
}

/**
 * Waits until `durability.replicas` replicas of every primary hold the writes this client sent
 * so far. WAIT counts the writes of the connection it runs on, and ioredis sends a node's
 * commands over one connection, so a WAIT on each master covers every write of the finished step
 * (a master that received none answers at once).
 * @throws Error naming the primary when fewer replicas acknowledged within `timeoutMs`
 * @example await waitForReplicas(client, { replicas: 1, timeoutMs: 1000 });
 */
export async function waitForReplicas(client: RedisClient, durability: DurabilityOptions): Promise<void> {
  const { replicas, timeoutMs } = durability;
  await Promise.all(
    primaryConnections(client).map(async (node) => {
      const acknowledged = await node.wait(replicas, timeoutMs);
      if (acknowledged < replicas) {
        throw new Error(
          `WAIT: ${acknowledged} of ${replicas} replicas of ${node.options.host}:${node.options.port} acknowledged within ${timeoutMs} ms, ` +
            'so a failover could undo this write (set durability: false only if this deployment has no replicas)',
        );
      }
    }),
  );
}
