import { StoreUnavailableError } from '@keyward/core';
import type { Cluster, Redis } from 'ioredis';
import { isCluster, type DurabilityOptions, type RedisClient } from './options.js';
import { keySlot, sameSlotKey } from './slots.js';

/**
 * KEYS fence key. A write that always reaches the replication stream and leaves nothing behind.
 * WAIT waits for the offset of the last write made on its own connection; run on a connection
 * of its own, it needs this write first, which Redis runs after every write that has answered.
 */
const FENCE = `redis.call('SET', KEYS[1], '1')
redis.call('DEL', KEYS[1])
return 1`;

type FencedRedis = Redis & { keywardV2Fence(key: string): Promise<number> };

/**
 * Waits for replicas after the store's write steps, without holding up anything else: reads and
 * writes stay on the caller's client, and WAIT (which blocks the connection it runs on until the
 * replicas answer or its timeout passes) runs on a connection of its own per primary.
 * @example const waits = replicaWaits(client, { replicas: 1, timeoutMs: 1000 }, 'keyward:'); await waits.settle(['keyward:h:abc']); await waits.close();
 */
export interface ReplicaWaits {
  /**
   * Resolves once every write that answered before the call is on `durability.replicas` replicas
   * of each primary holding one of `keys` (keys as the store names them).
   * @throws Error starting `WAIT:` naming the primary, when fewer replicas acknowledged in time or it did not answer
   */
  settle(keys: readonly string[]): Promise<void>;
  /** Closes the WAIT connections (the caller's client stays open). */
  close(): Promise<void>;
}

/** One primary's WAIT connection, opened on first use, and the batch of waits it has not sent yet. */
interface WaitLine {
  wait(fenceKey: string): Promise<void>;
  close(): void;
}

function waitLine(node: Redis, name: string, { replicas, timeoutMs }: DurabilityOptions): WaitLine {
  // Longer than WAIT's own timeout, so WAIT answers with its count instead of the client giving
  // up first with "Command timed out" (the default timeoutMs equals the recommended commandTimeout).
  const commandTimeout = timeoutMs + ((node.options.commandTimeout as number | undefined) ?? 1000);
  let connection: FencedRedis | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  let next: Promise<void> | null = null;

  const open = (): FencedRedis => {
    // A Cluster's node connections do not reconnect (ioredis follows the slot map instead): a
    // dropped one is replaced.
    if (connection === undefined || connection.status === 'end') {
      const opened = node.duplicate({ keyPrefix: '', commandTimeout, lazyConnect: true }) as FencedRedis;
      // Its failures reach the waiting call; without a listener ioredis would also log each one.
      opened.on('error', () => {});
      opened.defineCommand('keywardV2Fence', { numberOfKeys: 1, lua: FENCE });
      connection = opened;
    }
    return connection;
  };

  const send = async (fenceKey: string): Promise<void> => {
    const own = open();
    let acknowledged: number;
    try {
      // Pipelined: one round trip, the fence first.
      [, acknowledged] = await Promise.all([own.keywardV2Fence(fenceKey), own.wait(replicas, timeoutMs)]);
    } catch (error) {
      if (!(error instanceof Error) || error.message !== 'Command timed out') throw error;
      throw new Error(`WAIT: ${name} did not answer within ${commandTimeout} ms (WAIT itself gives up after ${timeoutMs} ms): the primary is stalled or unreachable`, {
        cause: error,
      });
    }
    if (acknowledged < replicas) {
      throw new Error(
        `WAIT: ${acknowledged} of ${replicas} replicas of ${name} acknowledged within ${timeoutMs} ms, ` +
          'so a failover could undo this write (set durability: false only if this deployment has no replicas)',
      );
    }
  };

  return {
    wait(fenceKey) {
      // Waits join the batch not yet sent: its fence goes out after each of their writes answered.
      // One batch in flight per primary, so a stalled replica costs each write one or two WAITs.
      if (next) return next;
      const batch = tail.then(() => {
        if (next === batch) next = null;
        return send(fenceKey);
      });
      next = batch;
      tail = batch.catch(() => {});
      return batch;
    },
    close() {
      connection?.disconnect();
      connection = undefined;
    },
  };
}

/** The key prefix ioredis itself adds on the wire (its `keyPrefix` option), or ''. */
function clientPrefix(client: RedisClient): string {
  if (!isCluster(client)) return (client.options.keyPrefix as string | undefined) ?? '';
  return (client.options.keyPrefix as string | undefined) ?? (client.options.redisOptions?.keyPrefix as string | undefined) ?? '';
}

/**
 * The primaries that hold `keys`, each with the store client's connection to it and a fence key
 * on a slot it holds. Looked up after the write answered, so a MOVED reply has already updated
 * ioredis's slot table.
 */
function primariesFor(client: RedisClient, keys: readonly string[], wirePrefix: string): Array<{ name: string; node: Redis; fenceKey: string }> {
  if (!isCluster(client)) return [{ name: `${client.options.host ?? 'localhost'}:${client.options.port ?? 6379}`, node: client, fenceKey: `${wirePrefix}fence` }];
  const cluster = client as Cluster;
  const fenceKeys = new Map<string, string>();
  for (const key of keys) {
    const wire = clientPrefix(client) + key;
    const owner = cluster.slots[keySlot(wire)]?.[0];
    if (owner === undefined) throw new StoreUnavailableError(`redis store: no known primary for the slot of a key just written (${key}); cannot wait for its replicas`);
    if (!fenceKeys.has(owner)) fenceKeys.set(owner, sameSlotKey(wire, wirePrefix));
  }
  const masters = new Map(cluster.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]));
  return [...fenceKeys].map(([name, fenceKey]) => {
    const node = masters.get(name);
    if (!node) throw new StoreUnavailableError(`redis store: primary ${name} is not connected; cannot wait for its replicas`);
    return { name, node, fenceKey };
  });
}

/**
 * The durability waits of one store: after each write step, every primary the step wrote to
 * must have `durability.replicas` replicas acknowledge it within `durability.timeoutMs`.
 * @example const waits = replicaWaits(client, { replicas: 1, timeoutMs: 1000 }, 'keyward:');
 */
export function replicaWaits(client: RedisClient, durability: DurabilityOptions, keyPrefix: string): ReplicaWaits {
  const lines = new Map<string, WaitLine>();
  let closed = false;
  const closeLines = () => {
    for (const line of lines.values()) line.close();
    lines.clear();
  };
  // The caller's client ended (quit, disconnect): the store's own connections go with it, so a
  // process that quits its client without closing keyward still exits. Used again, they reopen.
  client.on('end', closeLines);
  return {
    async settle(keys) {
      if (keys.length === 0) return;
      if (closed) throw new StoreUnavailableError('redis store: closed');
      const wirePrefix = clientPrefix(client) + keyPrefix;
      await Promise.all(
        primariesFor(client, keys, wirePrefix).map(({ name, node, fenceKey }) => {
          let line = lines.get(name);
          if (line === undefined) lines.set(name, (line = waitLine(node, name, durability)));
          return line.wait(fenceKey);
        }),
      );
    },
    async close() {
      closed = true;
      client.off('end', closeLines);
      closeLines();
    },
  };
}
