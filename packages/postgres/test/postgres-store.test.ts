import type { TokenStore } from '@keyward/core';
import { postgresStore } from '@keyward/postgres';
import { describeTokenStore } from '@keyward/store-tests';
import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, randomPrefix, type TestDatabase } from './database.js';

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = database.pool({ max: 10 });
});

afterAll(async () => {
  await database?.drop();
});

// A fresh table prefix per test: the store migrates it on first use.
describeTokenStore('postgresStore', (): TokenStore => postgresStore({ pool, tablePrefix: randomPrefix() }));

// The same suite in a schema of its own, to cover schema creation and quoting.
describeTokenStore('postgresStore (own schema)', (): TokenStore => postgresStore({ pool, schema: `Schema_${randomPrefix()}`, tablePrefix: 'kw_' }));
