import { fileURLToPath } from 'node:url';
import type { DeleteManyResult, TokenRecord } from '@keyward/core';
import { makeRecord, useLimitFields } from '@keyward/store-tests';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FAIL_FAST, deleteKeysWithPrefix, randomPrefix } from '@keyward/test-kit/redis-keys';
import { startWorker as startIpcWorker, type Worker } from '@keyward/test-kit/ipc-worker';
import type { WorkerRequest } from './worker.js';

// The store keeps contract v3's limit fields and returns them from every read.
useLimitFields(true);

const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));

type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

function startWorker(keyPrefix: string): Worker<Request> {
  return startIpcWorker<Request>(workerPath, ['6379', keyPrefix]);
}

describe('two OS processes sharing one Redis', () => {
  const keyPrefix = randomPrefix();
  const admin = new Redis({ ...FAIL_FAST, port: 6379 });
  let a: Worker<Request>;
  let b: Worker<Request>;

  beforeAll(async () => {
    a = startWorker(keyPrefix);
    b = startWorker(keyPrefix);
    await Promise.all([a.ready, b.ready]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await deleteKeysWithPrefix(admin, keyPrefix);
    await admin.quit();
  });

  test('of 50 concurrent inserts of one name key, split across two processes, exactly one succeeds', async () => {
    const records = Array.from({ length: 50 }, (_, i) => makeRecord({ organizationId: 'org_race', name: `Race ${i}`, nameKey: 'race' }));
    const [fromA, fromB] = await Promise.all([
      a.request<string[]>({ type: 'insert', records: records.slice(0, 25) }),
      b.request<string[]>({ type: 'insert', records: records.slice(25) }),
    ]);
    const outcomes = [...fromA, ...fromB];
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'name_taken')).toHaveLength(49);
    const winner = records[outcomes.indexOf('ok')]!;
    expect(await b.request<TokenRecord | null>({ type: 'findByHash', hash: winner.hash })).toEqual(winner);
    for (const loser of records.filter((r) => r !== winner).slice(0, 5)) {
      expect(await a.request<TokenRecord | null>({ type: 'findByHash', hash: loser.hash })).toBeNull();
    }
  });

  test('a token deleted in process A is refused by process B on its very next lookup, 1000 of 1000 times', { timeout: 300_000 }, async () => {
    const records = Array.from({ length: 1000 }, () => makeRecord({ organizationId: 'org_revoke' }));
    expect(await a.request<string[]>({ type: 'insert', records })).toEqual(records.map(() => 'ok'));
    let refused = 0;
    for (const record of records) {
      // B has seen the token live, so a stale answer would be possible if anything cached it.
      expect(await b.request<TokenRecord | null>({ type: 'findByHash', hash: record.hash })).toEqual(record);
      const result = await a.request<DeleteManyResult>({ type: 'deleteMany', organizationId: 'org_revoke', ids: [record.id] });
      expect(result.missing).toEqual([]);
      if ((await b.request<TokenRecord | null>({ type: 'findByHash', hash: record.hash })) === null) refused++;
    }
    expect(refused).toBe(1000);
  });
});
