import type { TokenStore } from '@keyward/core';
import { postgresStore } from '@keyward/postgres';
import { describeTokenStore } from '@keyward/store-tests';
import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, randomPrefix, type TestDatabase } from './database.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

// Each store gets a pool of its own, so breaking one (the host ending its pool under a running
// store) leaves the others alone; and a fresh table prefix, which it migrates on first use.
const pools = new WeakMap<TokenStore, pg.Pool>();
const options = {
  parts: ['limits', 'rateLimiter', 'audit', 'usage'] as const,
  breakStore: (store: TokenStore) => pools.get(store)!.end(),
  cleanup: async (store: TokenStore) => {
    const pool = pools.get(store)!;
    if (!pool.ended) await pool.end();
  },
};

describeTokenStore(
  'postgresStore',
  () => {
    const pool = database.pool({ max: 4 });
    const store = postgresStore({ pool, tablePrefix: randomPrefix() });
    pools.set(store, pool);
    return store;
  },
  options,
);

// The same suite in a schema of its own, to cover schema creation and quoting.
describeTokenStore(
  'postgresStore (own schema)',
  () => {
    const pool = database.pool({ max: 4 });
    const store = postgresStore({ pool, schema: `Schema_${randomPrefix()}`, tablePrefix: 'kw_' });
    pools.set(store, pool);
    return store;
  },
  options,
);
