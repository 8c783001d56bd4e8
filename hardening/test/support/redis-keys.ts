// Reading and cleaning exactly the keys under one prefix (never FLUSHDB: servers may be shared).
import { randomUUID } from 'node:crypto';
import type { TokenRecord, TokenStore } from '@keyward/core';
import type { Redis } from 'ioredis';

/** A key prefix no other test or process uses. */
export function uniquePrefix(label: string): string {
  return `kwhard:${label}:${randomUUID()}:`;
}

const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

/** Every key that starts with `prefix`, by SCAN. */
export async function keysUnder(client: Redis, prefix: string, suffixPattern = '*'): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${escapeGlob(prefix)}${suffixPattern}`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

export async function deleteKeysUnder(client: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(client, prefix);
  for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500));
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
export async function verifiableRecords(client: Redis, prefix: string): Promise<TokenRecord[]> {
  const keys = await keysUnder(client, prefix, 'h:*');
  const records: TokenRecord[] = [];
  for (let i = 0; i < keys.length; i += 500) {
    const batch = keys.slice(i, i + 500);
    const values = await Promise.all(batch.map((key) => client.hget(key, 'r')));
    for (const json of values) if (json !== null) records.push(JSON.parse(json) as TokenRecord);
  }
  return records;
}
