// The store conformance suite, from the packed @keyward/store-tests, on the ioredis version this
// scratch project installed. One key prefix per test, deleted afterwards (never FLUSHDB).
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { TokenStore } from '@keyward/core';
import { redisStore } from '@keyward/redis';
import { describeTokenStore } from '@keyward/store-tests';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';

const { version } = createRequire(import.meta.url)('ioredis/package.json') as { version: string };
const client = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1, commandTimeout: 10_000 });
afterAll(async () => {
  await client.quit();
});

const prefixes = new WeakMap<TokenStore, string>();
describeTokenStore(
  `redisStore on ioredis ${version}`,
  () => {
    const keyPrefix = `kwpeer:${randomUUID()}:`;
    const store = redisStore({ client, keyPrefix });
    prefixes.set(store, keyPrefix);
    return store;
  },
  {
    // Every contract v3 part the store carries, so the packed store's whole record is what is checked.
    parts: ['limits', 'rateLimiter', 'audit', 'usage'],
    cleanup: async (store) => {
      const prefix = prefixes.get(store)!;
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        if (keys.length > 0) await client.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    },
  },
);
