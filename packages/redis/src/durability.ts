import type { Cluster, Redis } from 'ioredis';
import type { DurabilityOptions, RedisClient } from './options.js';

const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

/**
 * The Cluster slot of a key: CRC16 (XMODEM) of its hash tag (the part between the first `{` and
 * the next `}`, when not empty) or of the whole key, modulo 16384 — as Redis computes it.
 * @example keySlot('{user1000}.following') === keySlot('{user1000}.followers') // true
 */
export function keySlot(key: string): number {
  let bytes = Buffer.from(key);
  const open = bytes.indexOf(0x7b);
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) bytes = bytes.subarray(open + 1, close);
  }
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc % 16384;
}

/**
 * The connections that hold `keys` (as the store names them; the client's own keyPrefix is added
 * here, as ioredis adds it on the wire). Looked up after the write answered, so a MOVED reply
 * has already updated ioredis's slot table.
 */
function connectionsFor(client: RedisClient, keys: readonly string[]): Redis[] {
  if (typeof (client as Partial<Cluster>).nodes !== 'function') return [client as Redis];
  const cluster = client as Cluster;
  const clientPrefix = (cluster.options.keyPrefix as string | undefined) ?? (cluster.options.redisOptions?.keyPrefix as string | undefined) ?? '';
  const wanted = new Set<string>();
  for (const key of keys) {
    const owner = cluster.slots[keySlot(clientPrefix + key)]?.[0];
    if (owner === undefined) throw new Error(`no known primary for the slot of a key just written (${key}); cannot wait for its replicas`);
    wanted.add(owner);
  }
  const masters = new Map(cluster.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]));
  return [...wanted].map((name) => {
    const node = masters.get(name);
    if (!node) throw new Error(`primary ${name} is not connected; cannot wait for its replicas`);
    return node;
  });
}

/**
 * Waits until `durability.replicas` replicas hold the writes this client sent to the primaries of
 * `keys`. WAIT counts the writes of the connection it runs on, and ioredis sends a node's
 * commands over one connection, so a WAIT there covers the step that just finished.
 * @throws Error naming the primary when fewer replicas acknowledged within `timeoutMs`
 * @example await waitForReplicas(client, { replicas: 1, timeoutMs: 1000 }, ['keyward:h:abc']);
 */
export async function waitForReplicas(client: RedisClient, durability: DurabilityOptions, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  const { replicas, timeoutMs } = durability;
  await Promise.all(
    connectionsFor(client, keys).map(async (node) => {
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
