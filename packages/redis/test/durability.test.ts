// The durability option on an own primary + replica (free ports): each ordered write step waits
// for the replica (WAIT); when the replica cannot acknowledge, the call answers
// StoreUnavailableError and what was written is a prefix the ordering rule allows.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, StoreUnavailableError } from '@keyward/core';
import { makeHash, makeRecord, useLimitFields } from '@keyward/store-tests';
import { decodeLookup } from '../src/codec.js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { redisStore } from '../src/index.js';
import { createContext } from '../src/context.js';
import { fetchTokens } from '../src/reads.js';
import { removeSteps } from '../src/steps.js';
import { FAIL_FAST, randomPrefix, lookupRecordJson } from '@keyward/test-kit/redis-keys';
import { sleep, waitUntil } from '@keyward/test-kit/net';
import { redisCli, startRedisServer, type RedisServer } from '@keyward/test-kit/redis';

// The store keeps contract v3's limit fields and returns them from every read.
useLimitFields(true);

let primary: RedisServer;
let replica: RedisServer;
let client: Redis;

const replicaOnline = () => waitUntil('the replica to be in sync', async () => (await redisCli(primary.port, 'info', 'replication')).includes('state=online'));

/** WAIT commands the primary has run so far (they run on the store's own connections, not on `client`). */
async function waits(): Promise<number> {
  return Number(/cmdstat_wait:calls=(\d+)/.exec(await redisCli(primary.port, 'info', 'commandstats'))?.[1] ?? 0);
}

let dir: string;

beforeAll(async () => {
  // The replica writes the snapshot it receives to disk: keep it out of the working directory.
  dir = await mkdtemp(join(tmpdir(), 'keyward-durability-'));
  primary = await startRedisServer(['--dir', dir]);
  replica = await startRedisServer(['--replicaof', '127.0.0.1', String(primary.port), '--dir', dir]);
  client = new Redis({ ...FAIL_FAST, port: primary.port });
  await replicaOnline();
});

afterAll(async () => {
  client?.disconnect();
  await replica?.stop();
  await primary?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('durability', () => {
  test('with a replica that acknowledges, writes wait for it and succeed; reads never wait', async () => {
    const store = redisStore({ client, keyPrefix: randomPrefix(), durability: { replicas: 1, timeoutMs: 1000 } });
    // The one-time schema step (it waits too) out of the way first.
    await store.listExpiring({ expiresAfter: 0, expiresBy: 1, limit: 1 });
    const record = makeRecord({ scope: { kind: 'project', projectId: 'proj_d' }, expiresAt: 9_000_000_000_000 });
    let before = await waits();
    expect(await store.insert(record)).toBe('ok');
    expect(await waits()).toBe(before + 3);
    before = await waits();
    expect(await store.findByHash(record.hash)).toEqual(record);
    expect(await store.get('org_1', record.id)).toEqual(record);
    expect(await waits()).toBe(before);
    expect((await store.deleteMany('org_1', [record.id])).missing).toEqual([]);
    expect(await waits()).toBe(before + 3);
    await store.close();
  });

  test('roll() and update() wait for the replica after each of their steps, so the replica holds every secret the primary answered for', async () => {
    const keyPrefix = randomPrefix();
    const store = redisStore({ client, keyPrefix, durability: { replicas: 1, timeoutMs: 1000 } });
    const record = makeRecord();
    expect(await store.insert(record)).toBe('ok');
    const hash = makeHash();
    let before = await waits();
    expect(await store.roll(record.organizationId, record.id, { hash, hint: 'kw_dur1', previousExpiresAt: Date.now() + 3_600_000 })).toMatchObject({ hash });
    expect(await waits()).toBe(before + 4);
    before = await waits();
    expect(await store.update(record.organizationId, record.id, { name: 'Durable', nameKey: 'durable' })).toMatchObject({ name: 'Durable' });
    expect(await waits()).toBe(before + 2);
    await store.close();
    const onReplica = new Redis({ ...FAIL_FAST, port: replica.port });
    try {
      for (const secret of [hash, record.hash]) expect(decodeLookup((await lookupRecordJson(onReplica, `${keyPrefix}h:${secret}`))!, secret, null)).toMatchObject({ hash, name: 'Durable' });
    } finally {
      onReplica.disconnect();
    }
  });

  test('a replica that cannot acknowledge: insert and delete answer StoreUnavailableError, and nothing verifies that is not listed', async () => {
    const keyPrefix = randomPrefix();
    const store = redisStore({ client, keyPrefix, durability: { replicas: 1, timeoutMs: 200 } });
    const kept = makeRecord();
    expect(await store.insert(kept)).toBe('ok');

    await replica.signal('SIGSTOP');
    try {
      await redisCli(primary.port, 'client', 'kill', 'type', 'replica');
      const refused = makeRecord();
      await expect(store.insert(refused)).rejects.toThrow(StoreUnavailableError);
      await expect(store.insert(makeRecord())).rejects.toThrow(/WAIT: 0 of 1 replicas/);
      // The claim reached the primary, the wait failed: listed at most, never verifying.
      expect(await store.findByHash(refused.hash)).toBeNull();

      await expect(store.deleteMany('org_1', [kept.id])).rejects.toThrow(StoreUnavailableError);
      // The lookup key went first: refused at once, still listed, so it can be deleted by id later.
      expect(await store.findByHash(kept.hash)).toBeNull();
      expect(await store.get('org_1', kept.id)).not.toBeNull();
    } finally {
      await replica.signal('SIGCONT');
    }
    await replicaOnline();
    expect(await store.deleteMany('org_1', [kept.id])).toMatchObject({ missing: [] });
    const listed = (await store.list('org_1', { limit: 10 })).items;
    // The refused inserts may stay listed but not verifying; they are deleted by id.
    for (const record of listed) expect(await store.findByHash(record.hash)).toBeNull();
    if (listed.length > 0) expect((await store.deleteMany('org_1', listed.map((r) => r.id))).missing).toEqual([]);
    expect((await store.list('org_1', { limit: 10 })).items).toEqual([]);
  });

  test('a delete answered 503 goes through when sent again, whichever step\'s WAIT failed; the token stopped verifying at the first attempt', async () => {
    const keyPrefix = randomPrefix('retry-delete');
    const durability = { replicas: 1, timeoutMs: 1000 };
    const store = redisStore({ client, keyPrefix, durability });
    const ctx = createContext({ client, keyPrefix, durability });
    try {
      // The deletion's three steps (lookup keys, listing, index entries): the replica stops
      // answering before step `failing` (0-based) and the user retries after it is back.
      for (const failing of [0, 1, 2]) {
        const record = makeRecord({ scope: { kind: 'project', projectId: 'proj_retry' }, expiresAt: 9_000_000_000_000 });
        expect(await store.insert(record)).toBe('ok');
        const [token] = await fetchTokens(ctx, record.organizationId, [record.id]);
        const steps = removeSteps(ctx, [token!]);
        for (const step of steps.slice(0, failing)) await step();
        await replica.signal('SIGSTOP');
        try {
          await redisCli(primary.port, 'client', 'kill', 'type', 'replica');
          await expect(steps[failing]!()).rejects.toThrow(/WAIT: 0 of 1 replicas/);
        } finally {
          await replica.signal('SIGCONT');
        }
        expect(await store.findByHash(record.hash)).toBeNull();
        await replicaOnline();
        // The retry resolves (the token deleted now, or reported missing: an earlier attempt
        // already removed its listing); either way it is gone, index entries included.
        await store.deleteMany(record.organizationId, [record.id]);
        expect(await store.get(record.organizationId, record.id)).toBeNull();
        expect(await store.findByHash(record.hash)).toBeNull();
        await store.deleteByProject('proj_retry');
        expect(await store.listExpiring({ expiresAfter: 0, expiresBy: 9_000_000_000_000, limit: 10 })).toMatchObject({ items: [] });
      }
    } finally {
      await ctx.close();
      await store.close();
    }
  });

  test('reads never wait behind durability: with the replica\'s link down, verifies of other tokens on the same primary answer while deletes wait, and each delete fails saying WAIT did', async () => {
    // The client the README recommends: its commandTimeout equals the default WAIT timeout.
    const recommended = new Redis({ ...FAIL_FAST, port: primary.port, commandTimeout: 1000 });
    const store = redisStore({ client: recommended, keyPrefix: randomPrefix('reads-during-wait'), durability: { replicas: 1, timeoutMs: 1000 } });
    const readers = Array.from({ length: 10 }, () => makeRecord());
    const doomed = Array.from({ length: 4 }, () => makeRecord());
    for (const record of [...readers, ...doomed]) expect(await store.insert(record)).toBe('ok');

    await replica.signal('SIGSTOP');
    const latencies: number[] = [];
    try {
      await redisCli(primary.port, 'client', 'kill', 'type', 'replica');
      // Deletes every 150 ms, each waiting up to 1 s for the replica that cannot answer.
      const deletes = doomed.map((record, i) =>
        sleep(150 * i)
          .then(() => store.deleteMany('org_1', [record.id]))
          .then(
            (result) => new Error(`deleted without a replica: ${JSON.stringify(result)}`),
            (error: unknown) => error,
          ),
      );
      let deleting = true;
      const settled = Promise.all(deletes).finally(() => (deleting = false));
      // From 50 ms into the first delete until the last one answered: every verify answers the record.
      await sleep(50);
      while (deleting) {
        for (const record of readers) {
          const started = performance.now();
          expect(await store.findByHash(record.hash)).toEqual(record);
          latencies.push(performance.now() - started);
        }
        expect(await store.get('org_1', readers[0]!.id)).toEqual(readers[0]);
      }
      for (const error of await settled) {
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect((error as Error).message).toMatch(/WAIT: 0 of 1 replicas of 127\.0\.0\.1:\d+ acknowledged within 1000 ms/);
      }
    } finally {
      await replica.signal('SIGCONT');
      await store.close();
      recommended.disconnect();
    }
    latencies.sort((a, b) => a - b);
    // A figure for the report, not an assertion (timing is bench/'s business).
    console.log(`[reads during WAIT] ${latencies.length} verifies, p50 ${latencies[Math.floor(latencies.length * 0.5)]!.toFixed(2)} ms, p99 ${latencies[Math.floor(latencies.length * 0.99)]!.toFixed(2)} ms, max ${latencies.at(-1)!.toFixed(2)} ms`);
    expect(latencies.length).toBeGreaterThan(readers.length);
    await replicaOnline();
  });

  test('the store\'s WAIT connections close with store.close() (the client stays open), and with the caller\'s client when it ends', async () => {
    const named = async (name: string) => (await redisCli(primary.port, 'client', 'list')).split('\n').filter((line) => line.includes(` name=${name} `)).length;
    const own = new Redis({ ...FAIL_FAST, port: primary.port, connectionName: 'kw-closing' });
    const store = redisStore({ client: own, keyPrefix: randomPrefix(), durability: { replicas: 1, timeoutMs: 1000 } });
    expect(await store.insert(makeRecord())).toBe('ok');
    // The client's connection and the store's WAIT connection (a duplicate: same name).
    expect(await named('kw-closing')).toBe(2);
    await store.close();
    await waitUntil('the WAIT connection to close', async () => (await named('kw-closing')) === 1);
    expect(await own.ping()).toBe('PONG');
    await expect(store.insert(makeRecord())).rejects.toThrow(StoreUnavailableError);

    // A process that quits its client without closing keyward must still be able to exit.
    const other = redisStore({ client: own, keyPrefix: randomPrefix(), durability: { replicas: 1, timeoutMs: 1000 } });
    expect(await other.insert(makeRecord())).toBe('ok');
    expect(await named('kw-closing')).toBe(2);
    await own.quit();
    await waitUntil('every connection of the name to close', async () => (await named('kw-closing')) === 0);
  });

  test('a plain client does not wait by default; options are checked at construction', async () => {
    const store = redisStore({ client, keyPrefix: randomPrefix() });
    const before = await waits();
    expect(await store.insert(makeRecord())).toBe('ok');
    expect(await waits()).toBe(before);
    expect(() => redisStore({ client, durability: { replicas: 0, timeoutMs: 100 } })).toThrow(/durability\.replicas/);
    expect(() => redisStore({ client, durability: { replicas: 1, timeoutMs: 1.5 } })).toThrow(/durability\.timeoutMs/);
    expect(() => redisStore({ client, durability: 'yes' as never })).toThrow(ConfigurationError);
  });
});
