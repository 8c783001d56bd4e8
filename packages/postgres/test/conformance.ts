// The store conformance suite over node-postgres pools, one fresh pool and table prefix per test:
// the declaration Node's suite and the runtime matrix (Bun, Deno, workerd) share. Nothing here
// needs more of the runtime than node-postgres does.
import type { TokenStore } from '@keyward/core';
import { describeTokenStore } from '@keyward/store-tests';
import type pg from 'pg';
import { postgresStore } from '../src/index.js';

/** Where a test's store keeps its tables: a fresh table prefix, and a schema of its own or the default. */
export interface TestLocation {
  schema?: string;
  tablePrefix: string;
}

/** A lower-case table prefix no other test uses, e.g. `t_3f9a0c1b_` (web crypto: every runtime has it). */
export const freshTablePrefix = (): string => `t_${crypto.randomUUID().slice(0, 8)}_`;

/**
 * Declares the whole suite (every contract v3 part, fail-closed included) for `postgresStore`.
 * `newPool()` is called per test: each store gets a pool of its own (at most 4 connections: a
 * Worker may hold 6 per request), so breaking one (the host ending its pool under a running store)
 * leaves the others alone; `location()` says where its tables go, migrated on first use.
 */
export function describePostgresStore(name: string, newPool: () => pg.Pool, location: () => TestLocation = () => ({ tablePrefix: freshTablePrefix() })): void {
  const pools = new WeakMap<TokenStore, pg.Pool>();
  describeTokenStore(
    name,
    () => {
      const pool = newPool();
      const store = postgresStore({ pool, ...location() });
      pools.set(store, pool);
      return store;
    },
    {
      parts: ['limits', 'rateLimiter', 'audit', 'usage'],
      breakStore: (store) => pools.get(store)!.end(),
      cleanup: async (store) => {
        const pool = pools.get(store)!;
        if (!pool.ended) await pool.end();
      },
    },
  );
}
