// Loads fixtures/v1-keys.json (keys written by the first release, see fixtures/generate-v1.ts)
// under a fresh key prefix, as a store of that release would have left them.
import { readFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';

export interface V1Fixture {
  release: string;
  /** The generator's clock when it finished: tokens are checked as of this instant. */
  now: number;
  projects: Array<{ id: string; organizationId: string; name: string }>;
  tokens: Array<{ plaintext: string; id: string; organizationId: string; deleted: boolean }>;
  keys: Record<string, { type: 'hash' | 'set' | 'zset' | 'string'; ttl: boolean; value: unknown }>;
}

export const v1Fixture = JSON.parse(readFileSync(new URL('./fixtures/v1-keys.json', import.meta.url), 'utf8')) as V1Fixture;

/** Writes every fixture key under `keyPrefix` (keys that had a TTL get a day, as the store gave them). */
export async function loadV1Fixture(client: Redis | Cluster, keyPrefix: string): Promise<void> {
  for (const [name, { type, ttl, value }] of Object.entries(v1Fixture.keys)) {
    const key = keyPrefix + name;
    if (type === 'hash') await client.hset(key, value as Record<string, string>);
    else if (type === 'set') await client.sadd(key, ...(value as string[]));
    else if (type === 'zset') await client.zadd(key, ...(value as Array<[string, number]>).flatMap(([member, score]) => [score, member]));
    else await client.set(key, value as string);
    if (ttl) await client.pexpire(key, 86_400_000);
  }
}
