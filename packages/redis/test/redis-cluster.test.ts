import { makeRecord } from '@keyward/store-tests';
import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { StoreFailedError, createKeyward, type CreatedToken, type Keyward } from '@keyward/core';
import { ACTORS, resolveProject } from '@keyward/test-kit/fixtures';
import { sha256 } from '@keyward/test-kit/stores';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { redisInvalidations, redisStore } from '../src/index.js';
import { keySlot, sameSlotKey } from '../src/slots.js';
import { startCluster, type TestCluster } from '@keyward/test-kit/redis';
import { waitUntil } from '@keyward/test-kit/net';
import { describeRedisStore } from './conformance.js';
import { FAIL_FAST, deleteKeysWithPrefix, keysWithPrefix, randomPrefix } from '@keyward/test-kit/redis-keys';

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
describeRedisStore('redisStore (Cluster)', () => client, { durability: false });

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
      await store.close();
      await deleteKeysWithPrefix(client, keyPrefix);
    }
  });

  test('a plain client talking to a Cluster node: the MOVED reply is a bug (StoreFailedError, 500), not an outage', async () => {
    const port = cluster!.nodes[0]!.port;
    const plain = new Redis({ ...FAIL_FAST, port });
    try {
      const keyPrefix = randomPrefix();
      let hash: string;
      // A lookup key that another node holds.
      do hash = sha256(randomUUID());
      while (client.slots[keySlot(`${keyPrefix}h:${hash}`)]![0] === `127.0.0.1:${port}`);
      const store = redisStore({ client: plain, keyPrefix, durability: false });
      const error = await Promise.resolve()
        .then(() => store.findByHash(hash))
        .catch((thrown: unknown) => thrown as Error);
      expect(error).toBeInstanceOf(StoreFailedError);
      expect(((error as Error).cause as Error).message).toMatch(/^MOVED \d+ /);
    } finally {
      plain.disconnect();
    }
  });

  test('keySlot() agrees with CLUSTER KEYSLOT, hash tags included', async () => {
    expect(keySlot('123456789')).toBe(12739);
    for (const key of ['a', 'keyward:h:abc', 'p:{o:org_1}:records', '{}x', 'x{}y{z}', '{a}{b}', 'ünïcødé', `k${'x'.repeat(300)}`]) {
      expect(keySlot(key)).toBe(Number(await client.cluster('KEYSLOT', key)));
    }
  });

  test('sameSlotKey() (where the durability fence writes) lands on the slot of its key, whatever braces the prefix holds', async () => {
    for (const prefix of ['keyward:', 'app{', 'a}b:', '{tenant}:', 'x{}y:', '}{', 'ü{']) {
      for (const key of [`${prefix}h:abc`, `${prefix}{o:org_1}:records`, `${prefix}expiring`, `${prefix}{p:}}:tokens`]) {
        const fence = sameSlotKey(key, prefix);
        expect(fence.startsWith(`${prefix}fence`)).toBe(true);
        expect(Number(await client.cluster('KEYSLOT', fence)), `${key} → ${fence}`).toBe(Number(await client.cluster('KEYSLOT', key)));
      }
    }
  });

  describe('with core\'s cache', () => {
    const opened: Cluster[] = [];
    const keywards: Keyward[] = [];
    afterAll(async () => {
      await Promise.all(keywards.map((k) => k.close().catch(() => {})));
      for (const c of opened) c.disconnect();
    });
    function cachedInstance(keyPrefix: string) {
      const commands = new Cluster(cluster!.nodes, { redisOptions: FAIL_FAST, clusterRetryStrategy: () => 100 });
      const subscriber = new Cluster(cluster!.nodes, { redisOptions: FAIL_FAST, clusterRetryStrategy: () => 100 });
      opened.push(commands, subscriber);
      const store = redisStore({ client: commands, keyPrefix, durability: false });
      const channel = redisInvalidations({ client: commands, subscriber, keyPrefix });
      const keyward = createKeyward({ store, resolveProject, lastUsedIntervalMs: 3_600_000, onError: () => {}, cache: { channel, heartbeatMs: 50, maxStalenessMs: 400 } });
      keywards.push(keyward);
      return { keyward, commands, subscriber, channel };
    }
    /** True when `keyward` answered from its cache (synchronously) and accepted. */
    const fromCache = (keyward: Keyward, plaintext: string) => {
      const answer = keyward.check(plaintext);
      if (answer instanceof Promise) {
        answer.catch(() => {});
        return false;
      }
      return answer.ok;
    };
    const cached = (keyward: Keyward, plaintext: string) =>
      waitUntil('the token to be cached', async () => {
        if (fromCache(keyward, plaintext)) return true;
        await keyward.verify(plaintext);
        return fromCache(keyward, plaintext);
      });

    test('deletions on one instance reach a cached instance on any node: lookup keys on every primary, each script publishes cluster-wide', async () => {
      const keyPrefix = randomPrefix();
      const a = cachedInstance(keyPrefix).keyward;
      const b = cachedInstance(keyPrefix).keyward;
      try {
        const made: CreatedToken[] = [];
        for (let i = 0; i < 24; i++) made.push(await a.create(ACTORS.owner, { name: `cluster ${i}`, scope: { kind: 'organization' }, expiresIn: 'never' }));
        // The lookup keys' primaries (by slot owner): invalidations come from several of them.
        const nodesHoldingLookups = new Set(made.map((m) => client.slots[keySlot(`${keyPrefix}h:${sha256(m.plaintext)}`)]![0]));
        expect(nodesHoldingLookups.size).toBeGreaterThan(1);
        for (const m of made) await cached(b, m.plaintext);
        expect((await a.deleteMany(ACTORS.owner, made.map((m) => m.token.id))).deleted).toBe(24);
        await waitUntil('every invalidation to reach the other instance', async () => made.every((m) => !fromCache(b, m.plaintext)));
        for (const m of made) expect(await b.verify(m.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
      } finally {
        await deleteKeysWithPrefix(client, keyPrefix);
      }
    });

    test('rolls on one instance reach a cached instance: the old secrets\' lookup keys live on other primaries than the organization, and each rewrite or removal publishes cluster-wide', async () => {
      const keyPrefix = randomPrefix();
      const a = cachedInstance(keyPrefix).keyward;
      const b = cachedInstance(keyPrefix).keyward;
      try {
        const made: CreatedToken[] = [];
        for (let i = 0; i < 8; i++) made.push(await a.create(ACTORS.owner, { name: `rolled ${i}`, scope: { kind: 'organization' }, expiresIn: 'never' }));
        const nodesHoldingLookups = new Set(made.map((m) => client.slots[keySlot(`${keyPrefix}h:${sha256(m.plaintext)}`)]![0]));
        expect(nodesHoldingLookups.size).toBeGreaterThan(1);
        for (const m of made) await cached(b, m.plaintext);
        const rolled = [];
        for (const m of made) rolled.push(await a.roll(ACTORS.owner, m.token.id));
        await waitUntil('every roll\'s invalidation to reach the other instance', async () => made.every((m) => !fromCache(b, m.plaintext)));
        for (const m of made) expect(await b.verify(m.plaintext)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
        for (const r of rolled) expect(await b.verify(r.plaintext)).toMatchObject({ ok: true });
        // And a deletion after the rolls stops every secret.
        expect((await a.deleteMany(ACTORS.owner, made.map((m) => m.token.id))).deleted).toBe(8);
        for (const secret of [...made, ...rolled].map((m) => m.plaintext)) expect(await a.verify(secret)).toMatchObject({ ok: false });
      } finally {
        await deleteKeysWithPrefix(client, keyPrefix);
      }
    });

    test('a Cluster topology event on either client empties the cache; it answers again only once a heartbeat sent after the event came back through every primary', async () => {
      const keyPrefix = randomPrefix();
      const { keyward, commands, subscriber } = cachedInstance(keyPrefix);
      try {
        const { plaintext } = await keyward.create(ACTORS.owner, { name: 'topology', scope: { kind: 'organization' }, expiresIn: 'never' });
        await cached(keyward, plaintext);
        commands.emit('+node', commands.nodes('master')[0]);
        expect(fromCache(keyward, plaintext)).toBe(false);
        await cached(keyward, plaintext);
        subscriber.emit('-node', subscriber.nodes('master')[0]);
        expect(fromCache(keyward, plaintext)).toBe(false);
        await cached(keyward, plaintext);
      } finally {
        await deleteKeysWithPrefix(client, keyPrefix);
      }
    });

    test('redisInvalidations on a Cluster proves the oldest heartbeat across all primaries: none until every primary\'s heartbeat came back', async () => {
      const keyPrefix = randomPrefix();
      const commands = new Cluster(cluster!.nodes, { redisOptions: FAIL_FAST, clusterRetryStrategy: () => 100 });
      const subscriber = new Cluster(cluster!.nodes, { redisOptions: FAIL_FAST, clusterRetryStrategy: () => 100 });
      opened.push(commands, subscriber);
      await commands.ping();
      // One primary's heartbeats never leave: nothing may be proven.
      const [silenced] = commands.nodes('master').sort((x, y) => x.options.port! - y.options.port!);
      const publish = vi.spyOn(silenced!, 'publish').mockImplementation(async () => 0);
      const proven: number[] = [];
      const listener = { invalidate: () => {}, proven: (sentAt: number) => proven.push(sentAt), lost: () => {} };
      const subscription = redisInvalidations({ client: commands, subscriber, keyPrefix }).subscribe(listener, { heartbeatMs: 20, onError: () => {} });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(proven).toEqual([]);
      publish.mockRestore();
      await waitUntil('heartbeats through every primary', async () => proven.length > 0);
      await subscription.close();
    });
  });
});
