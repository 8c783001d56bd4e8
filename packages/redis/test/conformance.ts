// The store conformance suite over a Redis client, one fresh key prefix per test.
import type { TokenStore } from '@keyward/core';
import { describeTokenStore } from '@keyward/store-tests';
import type { Cluster, Redis } from 'ioredis';
import { redisStore, type RedisStoreOptions } from '../src/index.js';
import { deleteKeysWithPrefix, randomPrefix } from '@keyward/test-kit/redis-keys';

/**
 * `client()` is read per test, so a client created in `beforeAll` works. Each store gets a
 * connection of its own (`client().duplicate()`), so the fail-closed tests can cut it as an
 * outage would without touching the other tests. `extra` adds store options (e.g. durability);
 * `label` goes into every prefix (`kwtest:<label>:…`), so a run can sweep what a crash left behind.
 */
export function describeRedisStore(name: string, client: () => Redis | Cluster, extra: Partial<RedisStoreOptions> = {}, label?: string): void {
  const connections = new WeakMap<TokenStore, { prefix: string; connection: Redis | Cluster }>();
  describeTokenStore(
    name,
    () => {
      const keyPrefix = randomPrefix(label);
      const connection = client().duplicate();
      const store = redisStore({ ...extra, client: connection, keyPrefix });
      connections.set(store, { prefix: keyPrefix, connection });
      return store;
    },
    {
      parts: ['limits', 'rateLimiter', 'audit', 'usage'],
      breakStore: (store) => connections.get(store)!.connection.disconnect(),
      cleanup: async (store) => {
        const { prefix, connection } = connections.get(store)!;
        connection.disconnect();
        await deleteKeysWithPrefix(client(), prefix);
      },
    },
  );
}
