import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startWorker as startIpcWorker, type Worker } from '@keyward/test-kit/ipc-worker';
import { MIGRATIONS } from '../src/schema-sql.js';
import { createTestDatabase, randomPrefix, type TestDatabase } from './database.js';
import { countUsageInBoth, deletedInARefusedByB, raceForOneName, spendAcrossProcesses, type KeywardWorkerRequest } from '@keyward/test-kit/keyward-worker';

const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));

type Request = KeywardWorkerRequest;

describe('two OS processes sharing one PostgreSQL database', () => {
  const tablePrefix = randomPrefix();
  let database: TestDatabase;
  let a: Worker<Request>;
  let b: Worker<Request>;

  beforeAll(async () => {
    database = await createTestDatabase();
    // Both start on a database without tables, so both migrate at their first request.
    a = startIpcWorker<Request>(workerPath, [database.name, tablePrefix]);
    b = startIpcWorker<Request>(workerPath, [database.name, tablePrefix]);
    await Promise.all([a.ready, b.ready]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  test('of 50 concurrent creates of one name, split across the two processes, exactly one succeeds (and the schema is applied once)', async () => {
    const outcomes = await raceForOneName(a, b);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'NAME_TAKEN')).toHaveLength(49);
    const pool = database.pool({ max: 1 });
    const count = await pool.query(`SELECT count(*)::int AS n FROM "public"."${tablePrefix}tokens" WHERE name_key = 'race'`);
    expect(count.rows).toEqual([{ n: 1 }]);
    const versions = await pool.query(`SELECT version FROM "public"."${tablePrefix}schema_migrations" ORDER BY version`);
    expect(versions.rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
  });

  test('a token deleted in one process is refused by the other on its very next verify, 1000 times out of 1000', { timeout: 55_000 }, async () => {
    expect(await deletedInARefusedByB(a, b, 1000)).toBe(1000);
  });

  test('1000 concurrent verifications of a token with 100 credits, half in each process, accept exactly 100; the rest are USAGE_EXHAUSTED and none goes below zero', { timeout: 55_000 }, async () => {
    const outcomes = await spendAcrossProcesses(a, b, 100, 1000);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(100);
    expect(outcomes.filter((o) => o === 'USAGE_EXHAUSTED')).toHaveLength(900);
    const pool = database.pool({ max: 1 });
    const { rows } = await pool.query(`SELECT remaining FROM "public"."${tablePrefix}tokens" WHERE remaining IS NOT NULL`);
    expect(rows).toEqual([{ remaining: '0' }]);
  });

  test('both processes count usage of one token and flush at the same moment, 10 times: no count is lost or doubled', { timeout: 55_000 }, async () => {
    const total = await countUsageInBoth(a, b, 10, 40, 10);
    expect(total.accepted).toBe(2 * 10 * 40);
    expect(total.refused.SCOPE_DENIED).toBe(2 * 10 * 10);
  });
});
