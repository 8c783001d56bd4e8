import { makeRecord } from '@keyward/store-tests';
import { Cluster } from 'ioredis';
import type { TokenStore } from '@keyward/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { redisStore } from '../src/index.js';
import { keySlot } from '../src/durability.js';
import { startCluster, type TestCluster } from './cluster.js';
import { waitFor } from './server.js';
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

  describe('with the cache', () => {
    const opened: Cluster[] = [];
    const cachedStores: TokenStore[] = [];
    afterAll(async () => {
      await Promise.all(cachedStores.map((s) => s.close?.()));
      for (const c of opened) c.disconnect();
    });
    function cachedStore(keyPrefix: string) {
      const commands = new Cluster(cluster!.nodes, { redisOptions: FAIL_FAST, clusterRetryStrategy: () => 100 });
      const subscriber = new Cluster(cluster!.nodes, { redisOptions: FAIL_FAST, clusterRetryStrategy: () => 100 });
      opened.push(commands, subscriber);
      const store = redisStore({ client: commands, keyPrefix, durability: false, cache: { subscriber, heartbeatMs: 50, maxStalenessMs: 400 } });
      cachedStores.push(store);
      return { store, commands };
    }
    const fromCache = (store: TokenStore, hash: string) => {
      const answer = store.findByHash(hash);
      if (answer instanceof Promise) {
        answer.catch(() => {});
        return false;
      }
      return answer !== null;
    };
    const cached = (store: TokenStore, hash: string) =>
      waitFor('the token to be cached', async () => {
        if (fromCache(store, hash)) return true;
        await store.findByHash(hash);
        return fromCache(store, hash);
      });

    test('deletions on one instance reach a cached instance on any node: lookup keys on every primary, each script publishes cluster-wide', async () => {
      const keyPrefix = randomPrefix();
      const a = cachedStore(keyPrefix).store;
      const b = cachedStore(keyPrefix).store;
      try {
        const records = Array.from({ length: 24 }, () => makeRecord());
        for (const r of records) expect(await a.insert(r)).toBe('ok');
        for (const r of records) await cached(b, r.hash);
        expect((await a.deleteMany('org_1', records.map((r) => r.id))).ok).toBe(true);
        await waitFor('every invalidation to reach the other instance', async () => records.every((r) => !fromCache(b, r.hash)));
        for (const r of records) expect(await b.findByHash(r.hash)).toBeNull();
      } finally {
        await deleteKeysWithPrefix(client, keyPrefix);
      }
    });

    test('a Cluster topology event empties the cache; it answers again only once a heartbeat sent after the event came back', async () => {
      const keyPrefix = randomPrefix();
      const { store, commands } = cachedStore(keyPrefix);
      try {
        const record = makeRecord();
        expect(await store.insert(record)).toBe('ok');
        await cached(store, record.hash);
        commands.emit('+node', commands.nodes('master')[0]);
        expect(fromCache(store, record.hash)).toBe(false);
        await cached(store, record.hash);
      } finally {
        await deleteKeysWithPrefix(client, keyPrefix);
      }
    });
  });
});
