import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startWorker as startIpcWorker, type Worker } from '@keyward/test-kit/ipc-worker';
import { createTestDatabase, randomPrefix, type TestDatabase } from './database.js';
import type { WorkerRequest } from './worker.js';

const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));

// Distributes over the union, so each request type keeps its own fields.
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = WithoutId<WorkerRequest>;

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
    const spellings = ['Race', 'RACE', 'race', 'rAcE', 'RaCe'];
    const names = Array.from({ length: 50 }, (_, i) => spellings[i % spellings.length]!);
    const outcomes = (
      await Promise.all([a.request<string[]>({ type: 'create', names: names.slice(0, 25) }), b.request<string[]>({ type: 'create', names: names.slice(25) })])
    ).flat();
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'NAME_TAKEN')).toHaveLength(49);
    const pool = database.pool({ max: 1 });
    const count = await pool.query(`SELECT count(*)::int AS n FROM "public"."${tablePrefix}tokens" WHERE name_key = 'race'`);
    expect(count.rows).toEqual([{ n: 1 }]);
    const versions = await pool.query(`SELECT version FROM "public"."${tablePrefix}schema_migrations"`);
    expect(versions.rows).toEqual([{ version: 1 }]);
  });

  test('a token deleted in one process is refused by the other on its very next verify, 1000 times out of 1000', { timeout: 55_000 }, async () => {
    const tokens = await a.request<Array<{ plaintext: string; id: string }>>({ type: 'createMany', count: 1000 });
    expect(tokens).toHaveLength(1000);
    let refused = 0;
    for (const token of tokens) {
      // Accepted first, so B has looked the token up (on a warm connection) before the delete.
      expect(await b.request({ type: 'verify', plaintext: token.plaintext })).toBe('ok');
      await a.request({ type: 'delete', tokenId: token.id });
      if ((await b.request({ type: 'verify', plaintext: token.plaintext })) === 'NOT_FOUND') refused++;
    }
    expect(refused).toBe(1000);
  });
});
