// Durability on a Cluster (3 primaries + 3 replicas, own ports): WAIT runs on a connection of its
// own per primary, after a fence write on a slot that primary holds. With one primary's replica
// frozen, deletes touching that primary fail saying WAIT did and naming it, deletes elsewhere go
// through, and verifies of other tokens on that very primary keep answering meanwhile.
import { StoreUnavailableError, type TokenRecord } from '@keyward/core';
import { makeRecord, useLimitFields } from '@keyward/store-tests';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { redisStore } from '../src/index.js';
import { keySlot } from '../src/slots.js';
import { redisCli, startCluster, type TestCluster } from '@keyward/test-kit/redis';
import { sleep, waitUntil } from '@keyward/test-kit/net';
import { FAIL_FAST, deleteKeysWithPrefix, randomPrefix } from '@keyward/test-kit/redis-keys';

// The store keeps contract v3's limit fields and returns them from every read.
useLimitFields(true);

let cluster: TestCluster | undefined;
let client: Cluster;

beforeAll(async () => {
  // A long node timeout: the frozen replica must not set off anything but the missing acknowledgements.
  cluster = await startCluster({ masters: 3, replicas: 1, args: ['--cluster-node-timeout', '15000'] });
  // The README's client: its commandTimeout equals the WAIT timeout below.
  client = new Cluster(cluster.nodes, { redisOptions: { ...FAIL_FAST, commandTimeout: 2000 }, clusterRetryStrategy: () => 100 });
  await client.ping();
}, 120_000);

afterAll(async () => {
  client?.disconnect();
  await cluster?.stop();
});

describe('durability on a Cluster', () => {
  test('a primary whose replica cannot acknowledge: deletes there fail naming it and WAIT, deletes elsewhere succeed, verifies of other tokens on it keep answering', { timeout: 60_000 }, async () => {
    const keyPrefix = randomPrefix('durability-cluster');
    // 2 s: the healthy primaries' replicas must acknowledge in time on a loaded machine too.
    const store = redisStore({ client, keyPrefix, durability: { replicas: 1, timeoutMs: 2000 } });
    const topology = await cluster!.topology();
    const victim = topology.filter((n) => n.role === 'master').sort((a, b) => a.port - b.port)[0]!;
    const replica = topology.find((n) => n.role === 'replica' && n.masterPort === victim.port)!;
    const onVictim = (record: TokenRecord) => client.slots[keySlot(`${keyPrefix}h:${record.hash}`)]![0] === `127.0.0.1:${victim.port}`;
    // One organization whose records live on another primary; lookup keys on the victim or not.
    let organizationId = 'org_0';
    for (let i = 1; client.slots[keySlot(`${keyPrefix}{o:${organizationId}}:records`)]![0] === `127.0.0.1:${victim.port}` && i < 1000; i++) organizationId = `org_${i}`;
    const made = (wanted: boolean, count: number): TokenRecord[] => {
      const records: TokenRecord[] = [];
      for (let tries = 0; records.length < count; tries++) {
        if (tries > 10_000) throw new Error(`no lookup key ${wanted ? 'on' : 'off'} ${victim.port} in 10 000 tries: slots ${JSON.stringify([...new Set(client.slots.map((s) => s[0]))])}`);
        const record = makeRecord({ organizationId });
        if (onVictim(record) === wanted) records.push(record);
      }
      return records;
    };
    const readers = made(true, 5);
    const doomed = made(true, 3);
    const elsewhere = made(false, 3);
    for (const record of [...readers, ...doomed, ...elsewhere]) expect(await store.insert(record)).toBe('ok');

    const frozen = cluster!.servers.find((s) => s.port === replica.port)!;
    await frozen.signal('SIGSTOP');
    let verifies = 0;
    try {
      await redisCli(victim.port, 'client', 'kill', 'type', 'replica');
      const attempt = (record: TokenRecord, i: number) =>
        sleep(100 * i)
          .then(() => store.deleteMany(organizationId, [record.id]))
          .then(
            (result) => ({ record, result, error: null }),
            (error: unknown) => ({ record, result: null, error: error as Error }),
          );
      let deleting = true;
      const outcomes = Promise.all([...doomed, ...elsewhere].map(attempt)).finally(() => (deleting = false));
      await sleep(50);
      while (deleting) {
        for (const record of readers) {
          expect(await store.findByHash(record.hash)).toEqual(record);
          verifies++;
        }
      }
      for (const { record, result, error } of await outcomes) {
        if (onVictim(record)) {
          expect(error).toBeInstanceOf(StoreUnavailableError);
          expect(error!.message).toMatch(new RegExp(`WAIT: 0 of 1 replicas of 127\\.0\\.0\\.1:${victim.port} acknowledged within 2000 ms`));
        } else {
          expect(error).toBeNull();
          expect(result).toMatchObject({ missing: [] });
        }
      }
    } finally {
      await frozen.signal('SIGCONT');
    }
    expect(verifies).toBeGreaterThan(readers.length);
    await waitUntil('the replica to be back', async () => (await redisCli(replica.port, 'info', 'replication')).includes('master_link_status:up'));
    // The refused deletes removed the lookup keys first: deleting again finishes them.
    for (const record of doomed) expect(await store.findByHash(record.hash)).toBeNull();
    expect(await store.deleteMany(organizationId, [...doomed, ...readers].map((r) => r.id))).toMatchObject({ missing: [] });
    await store.close();
    await deleteKeysWithPrefix(client, keyPrefix);
  });
});
