// The store conformance suite over a Redis client, one fresh key prefix per test.
import type { TokenStore } from '@keyward/core';
import { describeTokenStore } from '@keyward/store-tests';
import type { Cluster, Redis } from 'ioredis';
import { redisStore, type RedisStoreOptions } from '../src/index.js';
import { deleteKeysWithPrefix, randomPrefix } from '@keyward/test-kit/redis-keys';

/** `client()` is read per test, so a client created in `beforeAll` works. `extra` adds store options (e.g. durability). */
export function describeRedisStore(name: string, client: () => Redis | Cluster, extra: Partial<RedisStoreOptions> = {}): void {
  const prefixes = new WeakMap<TokenStore, string>();
  describeTokenStore(
    name,
    () => {
      const keyPrefix = randomPrefix();
      const store = redisStore({ ...extra, client: client(), keyPrefix });
      prefixes.set(store, keyPrefix);
      return store;
    },
    { cleanup: (store) => deleteKeysWithPrefix(client(), prefixes.get(store)!) },
  );
}
