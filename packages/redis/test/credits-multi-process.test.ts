// Credits across processes: 1000 concurrent verifications of a token with 100 credits, half in each
// of two OS processes, accept exactly 100, on a single Redis and on a Redis Cluster (the shape of
// the SQLite and PostgreSQL two-process tests, through test-kit's shared worker side).
import { fileURLToPath } from 'node:url';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startWorker, type Worker } from '@keyward/test-kit/ipc-worker';
import { spendAcrossProcesses, type KeywardWorkerRequest } from '@keyward/test-kit/keyward-worker';
import { startCluster, type TestCluster } from '@keyward/test-kit/redis';
import { FAIL_FAST, deleteKeysWithPrefix, keysWithPrefix, randomPrefix } from '@keyward/test-kit/redis-keys';
import { decodeLimits } from '../src/limits-field.js';

const workerPath = fileURLToPath(new URL('./keyward-worker.ts', import.meta.url));

/** The credits left on every token under `prefix` that has some. */
async function creditsLeft(client: Redis | Cluster, prefix: string): Promise<Array<number | null>> {
  const left: Array<number | null> = [];
  for (const key of await keysWithPrefix(client, prefix, '*:records')) {
    for (const [field, value] of Object.entries(await client.hgetall(key))) if (field.startsWith('l:')) left.push(decodeLimits(value).remaining);
  }
  return left;
}

function describeTwoProcesses(name: string, setup: () => Promise<{ client: Redis | Cluster; target: string; stop(): Promise<void> }>): void {
  describe(`two OS processes spending one token's credits (${name})`, () => {
    const keyPrefix = randomPrefix('credits');
    let env: Awaited<ReturnType<typeof setup>>;
    let a: Worker<KeywardWorkerRequest>;
    let b: Worker<KeywardWorkerRequest>;

    beforeAll(async () => {
      env = await setup();
      a = startWorker<KeywardWorkerRequest>(workerPath, [env.target, keyPrefix]);
      b = startWorker<KeywardWorkerRequest>(workerPath, [env.target, keyPrefix]);
      await Promise.all([a.ready, b.ready]);
    }, 120_000);

    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      if (env) {
        await deleteKeysWithPrefix(env.client, keyPrefix);
        await env.stop();
      }
    });

    test('1000 concurrent verifications against 100 credits, half in each process, accept exactly 100; the rest are USAGE_EXHAUSTED and none goes below zero', { timeout: 120_000 }, async () => {
      const outcomes = await spendAcrossProcesses(a, b, 100, 1000);
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(100);
      expect(outcomes.filter((o) => o === 'USAGE_EXHAUSTED')).toHaveLength(900);
      expect(await creditsLeft(env.client, keyPrefix)).toEqual([0]);
    });
  });
}

describeTwoProcesses('standalone', async () => {
  const client = new Redis({ ...FAIL_FAST, port: 6379 });
  return { client, target: '6379', stop: async () => void (await client.quit()) };
});

let cluster: TestCluster | undefined;
describeTwoProcesses('Cluster', async () => {
  cluster = await startCluster();
  const client = new Cluster(cluster.nodes, { redisOptions: FAIL_FAST });
  return {
    client,
    target: JSON.stringify(cluster.nodes),
    stop: async () => {
      await client.quit();
      await cluster?.stop();
    },
  };
});
