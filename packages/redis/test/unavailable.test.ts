import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreUnavailableError, type TokenStore } from '@keyward/core';
import { makeRecord, useLimitFields } from '@keyward/store-tests';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { redisStore } from '../src/index.js';
import { FAIL_FAST, randomPrefix } from '@keyward/test-kit/redis-keys';
import { freePort, waitUntil } from '@keyward/test-kit/net';
import { startRedisServer, type RedisServer } from '@keyward/test-kit/redis';

// The store keeps contract v3's limit fields and returns them from every read.
useLimitFields(true);

/** Every operation of the contract, each expected to fail closed while Redis cannot answer. */
function everyOperation(store: TokenStore): Record<string, () => unknown> {
  const record = makeRecord();
  return {
    insert: () => store.insert(record),
    findByHash: () => store.findByHash(record.hash),
    get: () => store.get('org_1', record.id),
    list: () => store.list('org_1', { limit: 10 }),
    deleteMany: () => store.deleteMany('org_1', [record.id]),
    deleteByProject: () => store.deleteByProject('proj_1'),
    deleteExpired: () => store.deleteExpired(Date.now()),
    touch: () => store.touch([{ id: record.id, organizationId: 'org_1', lastUsedAt: 1 }]),
  };
}

async function expectUnavailable(operation: () => unknown, cause?: RegExp): Promise<void> {
  const error = await Promise.resolve()
    .then(operation)
    .then(
      (value) => new Error(`resolved ${JSON.stringify(value)} instead of throwing`),
      (thrown: unknown) => thrown,
    );
  expect(error).toBeInstanceOf(StoreUnavailableError);
  expect((error as StoreUnavailableError).code).toBe('STORE_UNAVAILABLE');
  expect((error as StoreUnavailableError).cause).toBeInstanceOf(Error);
  if (cause) expect(((error as StoreUnavailableError).cause as Error).message).toMatch(cause);
}

describe('redisStore when Redis cannot answer', () => {
  let dir: string;
  let server: RedisServer;
  let client: Redis;
  let admin: Redis;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyward-redis-outage-'));
    // An RDB in our own directory lets the data survive the stop/start below.
    server = await startRedisServer(['--dir', dir, '--dbfilename', 'dump.rdb']);
    client = new Redis({ ...FAIL_FAST, port: server.port, commandTimeout: 1000 });
    admin = new Redis({ ...FAIL_FAST, port: server.port });
    // Outages below are intended; ioredis would otherwise log each reconnect failure.
    client.on('error', () => {});
    admin.on('error', () => {});
  });

  afterAll(async () => {
    client?.disconnect();
    admin?.disconnect();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('server stopped: every operation throws StoreUnavailableError (never null); server back: the same store works again', async () => {
    const store = redisStore({ client, keyPrefix: randomPrefix() });
    const before = makeRecord();
    expect(await store.insert(before)).toBe('ok');
    expect(await store.findByHash(before.hash)).toEqual(before);

    await server.stop({ save: true });
    for (const [name, operation] of Object.entries(everyOperation(store))) {
      await expectUnavailable(operation).catch((error: unknown) => {
        throw new Error(`${name}: ${String(error)}`);
      });
    }

    await server.start();
    // Waits for ioredis to reconnect by itself; the store is not recreated.
    await waitUntil('the client to reconnect', async () => client.status === 'ready');
    expect(await store.findByHash(before.hash)).toEqual(before);
    // The restarted server has an empty script cache: scripts must be resent, not fail with NOSCRIPT.
    const after = makeRecord();
    expect(await store.insert(after)).toBe('ok');
    expect((await store.list('org_1', { limit: 10 })).items.map((r) => r.id).sort()).toEqual([before.id, after.id].sort());
    expect(await store.deleteMany('org_1', [before.id])).toMatchObject({ missing: [] });
    expect(await store.findByHash(before.hash)).toBeNull();
  });

  test('connection refused (nothing listening) throws StoreUnavailableError, not null', async () => {
    const nowhere = new Redis({ ...FAIL_FAST, port: await freePort() });
    nowhere.on('error', () => {});
    try {
      const store = redisStore({ client: nowhere });
      for (const operation of Object.values(everyOperation(store))) await expectUnavailable(operation);
    } finally {
      nowhere.disconnect();
    }
  });

  test('a read-only replica (READONLY) fails writes with StoreUnavailableError', async () => {
    const store = redisStore({ client, keyPrefix: randomPrefix() });
    const existing = makeRecord();
    expect(await store.insert(existing)).toBe('ok');
    // A primary that does not exist: the server turns replica, keeps its data and refuses writes.
    await admin.replicaof('127.0.0.1', await freePort());
    try {
      await expectUnavailable(() => store.insert(makeRecord()), /READONLY/);
      await expectUnavailable(() => store.touch([{ id: existing.id, organizationId: 'org_1', lastUsedAt: 1 }]), /READONLY/);
      await expectUnavailable(() => store.deleteMany('org_1', [existing.id]), /READONLY/);
      // Reads still answer: the replica holds the data.
      expect(await store.findByHash(existing.hash)).toEqual(existing);
    } finally {
      await admin.replicaof('NO', 'ONE');
    }
    expect(await store.insert(makeRecord())).toBe('ok');
  });

  test('a command that times out (server paused) throws StoreUnavailableError', async () => {
    const store = redisStore({ client, keyPrefix: randomPrefix() });
    // Longer than the client's 1000 ms commandTimeout. A pause of ALL also holds the admin's
    // UNPAUSE, so the pause is kept short rather than relying on it.
    await admin.call('CLIENT', 'PAUSE', '2500', 'ALL');
    try {
      await expectUnavailable(() => store.findByHash('missing'), /timed out/i);
    } finally {
      await admin.call('CLIENT', 'UNPAUSE');
    }
    expect(await store.findByHash('missing')).toBeNull();
  });

  test('scripts keep working after the server forgets them (SCRIPT FLUSH on the same connection)', async () => {
    const store = redisStore({ client, keyPrefix: randomPrefix() });
    expect(await store.insert(makeRecord())).toBe('ok');
    // Only on this test's own server: the shared one may hold other clients' scripts.
    await admin.script('FLUSH');
    const record = makeRecord();
    expect(await store.insert(record)).toBe('ok');
    expect((await store.list('org_1', { limit: 10 })).items).toHaveLength(2);
    await store.touch([{ id: record.id, organizationId: 'org_1', lastUsedAt: 77 }]);
    expect((await store.findByHash(record.hash))?.lastUsedAt).toBe(77);
  });

  test('a client the caller closed throws StoreUnavailableError, and close() leaves the client open', async () => {
    const own = new Redis({ ...FAIL_FAST, port: server.port });
    own.on('error', () => {});
    const store = redisStore({ client: own, keyPrefix: randomPrefix() });
    await store.close?.();
    expect(await own.ping()).toBe('PONG');
    own.disconnect();
    await expectUnavailable(() => store.findByHash('anything'), /closed/i);
  });
});
