// Per-test key prefixes on Redis servers that may be shared, and reading and deleting exactly the
// keys under one prefix (never FLUSHDB), on a single server or every primary of a Cluster.
import { randomUUID } from 'node:crypto';
import type { TokenRecord, TokenStore } from '@keyward/core';
import type { Cluster, Redis, RedisOptions } from 'ioredis';

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

/**
 * A key prefix no other test or process uses; `label` makes it readable in `redis-cli --scan`.
 * @example randomPrefix('cache-stall') // 'kwtest:cache-stall:6f1c…:'
 */
export function randomPrefix(label?: string): string {
  return label === undefined ? `kwtest:${randomUUID()}:` : `kwtest:${label}:${randomUUID()}:`;
}

const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');
const isCluster = (client: Redis | Cluster): client is Cluster => typeof (client as Partial<Cluster>).nodes === 'function';

/** Every key starting with `prefix` (then matching `suffixPattern`), by SCAN on every primary of a Cluster or on the one server. */
export async function keysWithPrefix(client: Redis | Cluster, prefix: string, suffixPattern = '*'): Promise<string[]> {
  const nodes = isCluster(client) ? client.nodes('master') : [client];
  const keys: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', `${escapeGlob(prefix)}${suffixPattern}`, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
  }
  return keys;
}

/** Deletes the keys starting with `prefix`, and nothing else (never FLUSHDB: the server may be shared). */
export async function deleteKeysWithPrefix(client: Redis | Cluster, prefix: string): Promise<void> {
  const keys = await keysWithPrefix(client, prefix);
  // On a Cluster the keys live on different slots: one key per command.
  if (isCluster(client)) await Promise.all(keys.map((key) => client.del(key)));
  else for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500));
}

/**
 * Keys that hold tokens or indexes: every key under `prefix` except the per-organization record of
 * recent deletions (`{o:…}:gone`, `{o:…}:goneAt`), which deletions leave on purpose and which expires,
 * and the schema version (`schema`), which the store writes on first use.
 */
export async function tokenKeysWithPrefix(client: Redis | Cluster, prefix: string): Promise<string[]> {
  // The audit trail and usage counts outlive their tokens on purpose (kept until pruned by retention).
  const history = (key: string) => /\}:(audit(:e|:t:.+)?|usage:\d{4}-\d{2}-\d{2})$/.test(key) || key === `${prefix}audit:orgs` || key === `${prefix}usage:days`;
  return (await keysWithPrefix(client, prefix)).filter((key) => !/\}:gone(At)?$/.test(key) && !key.endsWith(':schema') && !history(key));
}

/** Every id the store lists for an organization, all pages. */
export async function listedIds(store: TokenStore, organizationId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let after: { createdAt: number; id: string } | undefined;
  for (;;) {
    const page = await store.list(organizationId, { limit: 1000, after });
    for (const record of page.items) ids.add(record.id);
    if (!page.next) return ids;
    after = page.next;
  }
}

/**
 * The tokens that would verify right now: the records behind every lookup key (`<p>h:<hash>`).
 * Verification reads only these keys, so this is exactly the set a request could pass with.
 */
export async function verifiableRecords(client: Redis | Cluster, prefix: string): Promise<TokenRecord[]> {
  const keys = await keysWithPrefix(client, prefix, 'h:*');
  const records: TokenRecord[] = [];
  for (let i = 0; i < keys.length; i += 500) {
    const batch = keys.slice(i, i + 500);
    const values = await Promise.all(batch.map((key) => lookupRecordJson(client, key)));
    values.forEach((json, j) => {
      if (json !== null) records.push(storedRecord(json, batch[j]!.slice(`${prefix}h:`.length)));
    });
  }
  return records;
}

/**
 * The record JSON a lookup key holds, or null: schema 3 keeps it in pieces of at most 64 bytes
 * (`r`, `r1`, `r2`, `r3`, see packages/redis/src/scripts.ts), earlier schemas whole in `r`.
 * @example await lookupRecordJson(client, `${prefix}h:${hash}`)
 */
export async function lookupRecordJson(client: Redis | Cluster, key: string): Promise<string | null> {
  const [first, ...rest] = await client.hmget(key, 'r', 'r1', 'r2', 'r3');
  return first == null ? null : first + rest.map((piece) => piece ?? '').join('');
}

/**
 * A lookup key's record JSON as a record (without lastUsedAt and limits): schemas 3 and 4 store a
 * positional array without its trailing nulls (see packages/redis/src/codec.ts), schemas 1 and 2 an
 * object. Schema 4 writes `0` for the hash on the key of that hash: `keyHash` (the key's, after
 * `h:`) fills it in; without it the record's hash is '' there.
 * @example storedRecord(await lookupRecordJson(client, key), hash).id
 */
export function storedRecord(json: string, keyHash = ''): TokenRecord {
  const parsed = JSON.parse(json) as unknown;
  if (!Array.isArray(parsed)) return parsed as TokenRecord;
  const [hash, name, id, organizationId, nameKey, projectId, hint, createdAt, createdBy, expiresAt = null, permissions = null, metadata = null, previous = null] = parsed as [
    string | 0, string, string, string, string, string | null, string, number, string, (number | null)?, (string[] | null)?, (Record<string, unknown> | null)?, ([string, string, number] | null)?,
  ];
  return {
    id, organizationId, name, nameKey, hash: hash === 0 ? keyHash : hash, hint, createdAt, createdBy, expiresAt, permissions, metadata, lastUsedAt: null,
    scope: projectId === null ? { kind: 'organization' } : { kind: 'project', projectId },
    previous: previous === null ? null : { hash: previous[0], hint: previous[1], expiresAt: previous[2] },
  };
}
