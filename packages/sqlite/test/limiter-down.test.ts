// Issue #23: the rate limiter's backend down while the token store answers (its table dropped
// under it): refused by default, let through with onLimiterError: 'allow'.
import { checkLimiterDown } from '@keyward/test-kit/limiter-down';
import { afterEach, expect, test } from 'vitest';
import { sqliteStore } from '../src/index.js';
import { tempDatabase, type TempDatabase } from './temp-db.js';

let file: TempDatabase | undefined;
afterEach(() => file?.remove());

test('SQLite: with its rate limit table gone, a limited token is refused (StoreUnavailableError) by default and let through with onLimiterError "allow"', async () => {
  file = tempDatabase();
  const db = file.open();
  await checkLimiterDown(sqliteStore({ db }), () => db.exec('DROP TABLE keyward_rate_limits'));
  expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'keyward_rate_limits'`).pluck().get()).toBe(0);
});
