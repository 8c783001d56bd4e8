import type { TokenStore } from '@keyward/core';
import { describeTokenStore } from '@keyward/store-tests';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { redisStore } from '../src/index.js';
import { FAIL_FAST, deleteKeysWithPrefix, randomPrefix } from './keys.js';

const client = new Redis({ ...FAIL_FAST, port: 6379 });
const prefixes = new WeakMap<TokenStore, string>();

afterAll(async () => {
  await client.quit();
});

describeTokenStore(
  'redisStore (standalone)',
  () => {
    const keyPrefix = randomPrefix();
    const store = redisStore({ client, keyPrefix });
    prefixes.set(store, keyPrefix);
    return store;
  },
  { cleanup: (store) => deleteKeysWithPrefix(client, prefixes.get(store)!) },
);
