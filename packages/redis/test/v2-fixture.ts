// Loads fixtures/v2-keys.json (keys written by schema 2, see fixtures/generate-v2.ts) under a fresh
// key prefix, as a store of that version would have left them.
import { readFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';
import type { V1Fixture } from './v1-fixture.js';

export const v2Fixture = JSON.parse(readFileSync(new URL('./fixtures/v2-keys.json', import.meta.url), 'utf8')) as V1Fixture;

/** Writes every key of a fixture under `keyPrefix` (keys that had a TTL get a day, as the store gave them). */
export async function loadFixtureKeys(fixture: V1Fixture, client: Redis | Cluster, keyPrefix: string): Promise<void> {
  for (const [name, { type, ttl, value }] of Object.entries(fixture.keys)) {
    const key = keyPrefix + name;
    if (type === 'hash') await client.hset(key, value as Record<string, string>);
    else if (type === 'set') await client.sadd(key, ...(value as string[]));
    else if (type === 'zset') await client.zadd(key, ...(value as Array<[string, number]>).flatMap(([member, score]) => [score, member]));
    else await client.set(key, value as string);
    if (ttl) await client.pexpire(key, 86_400_000);
  }
}

/** Writes every v2 fixture key under `keyPrefix`. */
export const loadV2Fixture = (client: Redis | Cluster, keyPrefix: string): Promise<void> => loadFixtureKeys(v2Fixture, client, keyPrefix);
