import { makeRecord } from '@keyward/store-tests';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { redisStore } from '../src/index.js';
import { keySlot } from '../src/durability.js';
import { startCluster, type TestCluster } from './cluster.js';
import { describeRedisStore } from './conformance.js';
import { FAIL_FAST, deleteKeysWithPrefix, keysWithPrefix, randomPrefix } from './keys.js';

let cluster: TestCluster | undefined;
let client: Cluster;

beforeAll(async () => {
  cluster = await startCluster();
  client = new Cluster(cluster.nodes, { redisOptions: FAIL_FAST, clusterRetryStrategy: () => 100 });
}, 120_000);

afterAll(async () => {
  await client?.quit();
  await cluster?.stop();
});

// This cluster has no replicas: nothing to wait for (the 6-node failover tests in hardening/ cover durability).
describeRedisStore('redisStore (Cluster)', () => client, undefined, { durability: false });

describe('redisStore on a Cluster', () => {
  test('an organization\'s keys share one slot while lookup keys spread over several nodes', async () => {
    const keyPrefix = randomPrefix();
    const store = redisStore({ client, keyPrefix, durability: false });
    try {
      const records = Array.from({ length: 30 }, (_, i) =>
        makeRecord({ organizationId: `org_${i % 3}`, scope: { kind: 'project', projectId: `proj_${i % 5}` }, expiresAt: 1000 + i }),
      );
      for (const record of records) expect(await store.insert(record)).toBe('ok');
      const keys = await keysWithPrefix(client, keyPrefix);
      const slotOf = async (key: string) => Number(await client.cluster('KEYSLOT', key));
      for (const org of ['org_0', 'org_1', 'org_2']) {
        const orgKeys = keys.filter((k) => k.includes(`{o:${org}}`));
        expect(orgKeys).toHaveLength(3);
        expect(new Set(await Promise.all(orgKeys.map(slotOf))).size).toBe(1);
      }
      const nodesHoldingLookups = new Set<string>();
      for (const node of client.nodes('master')) {
        const [, found] = await node.scan('0', 'MATCH', `${keyPrefix}h:*`, 'COUNT', 1000);
        if (found.length > 0) nodesHoldingLookups.add(`${node.options.port}`);
      }
      expect(nodesHoldingLookups.size).toBeGreaterThan(1);
      // Cross-slot deletions still work end to end.
      expect((await store.deleteByProject('proj_0')).length).toBe(6);
      expect((await store.deleteExpired(1009)).length).toBe(8);
      for (const record of records) {
        const gone = record.scope.kind === 'project' && record.scope.projectId === 'proj_0' ? true : record.expiresAt! <= 1009;
        expect(await store.findByHash(record.hash)).toEqual(gone ? null : record);
      }
    } finally {
      await deleteKeysWithPrefix(client, keyPrefix);
    }
  });

  test('a Cluster client waits for a replica by default: on a cluster without replicas a write answers StoreUnavailableError naming durability, and reads still work', async () => {
    const keyPrefix = randomPrefix();
    const store = redisStore({ client, keyPrefix });
    const readable = makeRecord();
    try {
      await expect(store.insert(makeRecord())).rejects.toMatchObject({ name: 'StoreUnavailableError', message: expect.stringMatching(/0 of 1 replicas .*durability: false/) });
      expect(await redisStore({ client, keyPrefix, durability: false }).insert(readable)).toBe('ok');
      expect(await store.findByHash(readable.hash)).toEqual(readable);
    } finally {
      await deleteKeysWithPrefix(client, keyPrefix);
    }
  });

  test('keySlot() agrees with CLUSTER KEYSLOT, hash tags included', async () => {
    expect(keySlot('123456789')).toBe(12739);
    for (const key of ['a', 'keyward:h:abc', 'p:{o:org_1}:records', '{}x', 'x{}y{z}', '{a}{b}', 'ünïcødé', `k${'x'.repeat(300)}`]) {
      expect(keySlot(key)).toBe(Number(await client.cluster('KEYSLOT', key)));
    }
  });
});
