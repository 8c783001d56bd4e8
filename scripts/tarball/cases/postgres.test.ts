// The store conformance suite, from the packed @keyward/store-tests, on the pg version this scratch
// project installed: in a database of its own on 127.0.0.1:5432, dropped at the end.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { TokenStore } from '@keyward/core';
import { postgresStore } from '@keyward/postgres';
import { describeTokenStore } from '@keyward/store-tests';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

const { version } = createRequire(import.meta.url)('pg/package.json') as { version: string };
const server = { host: '127.0.0.1', port: 5432, user: 'postgres' };
const database = `keyward_peer_${randomBytes(6).toString('hex')}`;
const pools = new Map<TokenStore, pg.Pool>();

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ ...server, database: 'postgres', connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// Generous: CREATE and DROP DATABASE each wait for a checkpoint, slow on a busy machine.
beforeAll(() => admin(`CREATE DATABASE ${database}`), 60_000);
afterAll(() => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`), 60_000);

describeTokenStore(
  `postgresStore on pg ${version}`,
  () => {
    const pool = new pg.Pool({ ...server, database, max: 4, connectionTimeoutMillis: 30_000 }); // a wait for a free connection on a loaded machine
    pool.on('error', () => {}); // the outage test ends pools under running stores
    const store = postgresStore({ pool, tablePrefix: `t_${randomBytes(4).toString('hex')}_` });
    pools.set(store, pool);
    return store;
  },
  {
    // Every contract v3 part the store carries, so the packed store's whole record is what is checked.
    parts: ['limits', 'rateLimiter', 'audit', 'usage'],
    breakStore: (store) => pools.get(store)!.end(),
    cleanup: async (store) => {
      const pool = pools.get(store)!;
      if (!pool.ended) await pool.end();
      pools.delete(store);
    },
  },
);
