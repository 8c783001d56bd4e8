// Per-test key prefixes on shared Redis servers, and deleting exactly those keys afterwards.
import { randomUUID } from 'node:crypto';
import { Cluster, type Redis, type RedisOptions } from 'ioredis';

/**
 * Client options for tests: an outage fails the command after one reconnect attempt or a few
 * seconds, instead of queueing it for the default 20 retries.
 */
export const FAIL_FAST: RedisOptions = {
  host: '127.0.0.1',
  maxRetriesPerRequest: 1,
  commandTimeout: 10_000,
  retryStrategy: () => 50,
};

/** A prefix no other test or process uses. */
export function randomPrefix(): string {
  return `kwtest:${randomUUID()}:`;
}

const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

/** Every key starting with `prefix`, from every primary of a Cluster or from the one server. */
export async function keysWithPrefix(client: Redis | Cluster, prefix: string): Promise<string[]> {
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  const keys: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
  }
  return keys;
}

/** Deletes the keys starting with `prefix`, and nothing else (never FLUSHDB: the server is shared). */
export async function deleteKeysWithPrefix(client: Redis | Cluster, prefix: string): Promise<void> {
  const keys = await keysWithPrefix(client, prefix);
  // One key per command: on a Cluster the keys live on different slots.
  await Promise.all(keys.map((key) => client.del(key)));
}

/**
 * Keys that hold tokens or indexes: every key under `prefix` except the per-organization record of
 * recent deletions (`{o:…}:gone`, `{o:…}:goneAt`), which deletions leave on purpose and which expires.
 */
export async function tokenKeysWithPrefix(client: Redis | Cluster, prefix: string): Promise<string[]> {
  return (await keysWithPrefix(client, prefix)).filter((key) => !/\}:gone(At)?$/.test(key));
}
