// Issue #23: the rate limiter's backend down while the token store answers (its table dropped
// under it): refused by default, let through with onLimiterError: 'allow'.
import { postgresStore } from '@keyward/postgres';
import { checkLimiterDown } from '@keyward/test-kit/limiter-down';
import { afterAll, beforeAll, test } from 'vitest';
import { createTestDatabase, randomPrefix, type TestDatabase } from './database.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

test('PostgreSQL: with its rate limit table gone, a limited token is refused (StoreUnavailableError) by default and let through with onLimiterError "allow"', async () => {
  const tablePrefix = randomPrefix();
  const pool = database.pool({ max: 4 });
  try {
    await checkLimiterDown(postgresStore({ pool, tablePrefix }), () => pool.query(`DROP TABLE "public"."${tablePrefix}rate_limits"`));
  } finally {
    await pool.end();
  }
});
