// The durability option on an own primary + replica (free ports): each ordered write step waits
// for the replica (WAIT); when the replica cannot acknowledge, the call answers
// StoreUnavailableError and what was written is a prefix the ordering rule allows.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, StoreUnavailableError } from '@keyward/core';
import { makeHash, makeRecord } from '@keyward/store-tests';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { redisStore } from '../src/index.js';
import { FAIL_FAST, randomPrefix } from '@keyward/test-kit/redis-keys';
import { waitUntil } from '@keyward/test-kit/net';
import { redisCli, startRedisServer, type RedisServer } from '@keyward/test-kit/redis';

let primary: RedisServer;
let replica: RedisServer;
let client: Redis;

const replicaOnline = () => waitUntil('the replica to be in sync', async () => (await redisCli(primary.port, 'info', 'replication')).includes('state=online'));

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
    const wait = vi.spyOn(client, 'wait');
    const record = makeRecord({ scope: { kind: 'project', projectId: 'proj_d' }, expiresAt: 9_000_000_000_000 });
    expect(await store.insert(record)).toBe('ok');
    expect(wait).toHaveBeenCalledTimes(3);
    wait.mockClear();
    expect(await store.findByHash(record.hash)).toEqual(record);
    expect(await store.get('org_1', record.id)).toEqual(record);
    expect(wait).not.toHaveBeenCalled();
    expect((await store.deleteMany('org_1', [record.id])).missing).toEqual([]);
    expect(wait).toHaveBeenCalledTimes(3);
    wait.mockRestore();
  });

  test('roll() and update() wait for the replica after each of their steps, so the replica holds every secret the primary answered for', async () => {
    const keyPrefix = randomPrefix();
    const store = redisStore({ client, keyPrefix, durability: { replicas: 1, timeoutMs: 1000 } });
    const record = makeRecord();
    expect(await store.insert(record)).toBe('ok');
    const wait = vi.spyOn(client, 'wait');
    const hash = makeHash();
    expect(await store.roll(record.organizationId, record.id, { hash, hint: 'kw_dur1', previousExpiresAt: Date.now() + 3_600_000 })).toMatchObject({ hash });
    expect(wait).toHaveBeenCalledTimes(4);
    wait.mockClear();
    expect(await store.update(record.organizationId, record.id, { name: 'Durable', nameKey: 'durable' })).toMatchObject({ name: 'Durable' });
    expect(wait).toHaveBeenCalledTimes(2);
    wait.mockRestore();
    const onReplica = new Redis({ ...FAIL_FAST, port: replica.port });
    try {
      for (const secret of [hash, record.hash]) expect(JSON.parse((await onReplica.hget(`${keyPrefix}h:${secret}`, 'r'))!)).toMatchObject({ hash, name: 'Durable' });
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

  test('a plain client does not wait by default; options are checked at construction', async () => {
    const store = redisStore({ client, keyPrefix: randomPrefix() });
    const wait = vi.spyOn(client, 'wait');
    expect(await store.insert(makeRecord())).toBe('ok');
    expect(wait).not.toHaveBeenCalled();
    wait.mockRestore();
    expect(() => redisStore({ client, durability: { replicas: 0, timeoutMs: 100 } })).toThrow(/durability\.replicas/);
    expect(() => redisStore({ client, durability: { replicas: 1, timeoutMs: 1.5 } })).toThrow(/durability\.timeoutMs/);
    expect(() => redisStore({ client, durability: 'yes' as never })).toThrow(ConfigurationError);
  });
});
