// Real error replies from real servers (own redis-server processes on free ports), each answered as
// docs/stores.md's "Redis errors" table says: an outage is StoreUnavailableError (503), anything
// retrying will not change is StoreFailedError (500). READONLY, timeouts and refused or closed
// connections are in unavailable.test.ts, MOVED in redis-cluster.test.ts, the whole table in errors.test.ts.
import { StoreFailedError, StoreUnavailableError } from '@keyward/core';
import { makeRecord, useLimitFields } from '@keyward/store-tests';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, describe, expect, test } from 'vitest';
import { redisStore } from '../src/index.js';
import { FAIL_FAST, randomPrefix } from '@keyward/test-kit/redis-keys';
import { freePort, waitUntil } from '@keyward/test-kit/net';
import { startRedisServer, type RedisServer } from '@keyward/test-kit/redis';

// The store keeps contract v3's limit fields and returns them from every read.
useLimitFields(true);

const servers: RedisServer[] = [];
const clients: Redis[] = [];

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await Promise.all(servers.map((server) => server.stop()));
});

async function server(args: string[] = []): Promise<RedisServer> {
  const started = await startRedisServer(args);
  servers.push(started);
  return started;
}

function connect(port: number, options: RedisOptions = {}): Redis {
  const client = new Redis({ ...FAIL_FAST, port, commandTimeout: 2000, ...options });
  client.on('error', () => {});
  clients.push(client);
  return client;
}

async function failure(call: () => unknown): Promise<Error> {
  return Promise.resolve().then(call).then(
    (value) => new Error(`answered ${JSON.stringify(value)} instead of failing`),
    (error: unknown) => error as Error,
  );
}

async function expectAnswer(call: () => unknown, kind: typeof StoreUnavailableError | typeof StoreFailedError, reply: RegExp): Promise<void> {
  const error = await failure(call);
  expect(error).toBeInstanceOf(kind);
  expect((error.cause as Error).message).toMatch(reply);
}

describe('Redis error replies, as the store answers them', () => {
  test('BUSY (a script past busy-reply-threshold) is an outage; after SCRIPT KILL the store answers again', async () => {
    const busy = await server(['--busy-reply-threshold', '100']);
    const store = redisStore({ client: connect(busy.port), keyPrefix: randomPrefix() });
    const record = makeRecord();
    expect(await store.insert(record)).toBe('ok');
    const runner = connect(busy.port, { commandTimeout: 60_000 });
    // Connected before the script runs: a new connection's ready check would get BUSY too.
    const killer = connect(busy.port);
    await killer.ping();
    const endless = runner.eval('while true do end', 0).catch((error: unknown) => error);
    let seen: Error | undefined;
    await waitUntil('a BUSY reply', async () => {
      seen = await failure(() => store.findByHash(record.hash));
      return !/answered/.test(seen.message);
    });
    expect(seen).toBeInstanceOf(StoreUnavailableError);
    expect((seen!.cause as Error).message).toMatch(/^BUSY /);
    await killer.script('KILL');
    expect(String(await endless)).toMatch(/killed/i);
    expect(await store.findByHash(record.hash)).toEqual(record);
  });

  test('MASTERDOWN (a replica without its primary, replica-serve-stale-data no) is an outage', async () => {
    // Turned into a stale replica once started (the launcher waits for PONG, which it would refuse).
    const stale = await server();
    const admin = connect(stale.port);
    await admin.config('SET', 'replica-serve-stale-data', 'no');
    await admin.replicaof('127.0.0.1', await freePort());
    try {
      const store = redisStore({ client: connect(stale.port), keyPrefix: randomPrefix() });
      await expectAnswer(() => store.findByHash('anything'), StoreUnavailableError, /^MASTERDOWN /);
    } finally {
      await admin.replicaof('NO', 'ONE');
    }
  });

  test('NOREPLICAS (min-replicas-to-write not met) is an outage for writes; reads still answer', async () => {
    const guarded = await server(['--min-replicas-to-write', '1']);
    const store = redisStore({ client: connect(guarded.port), keyPrefix: randomPrefix() });
    await expectAnswer(() => store.insert(makeRecord()), StoreUnavailableError, /^NOREPLICAS /);
    expect(await store.findByHash('anything')).toBeNull();
  });

  test('OOM (maxmemory reached, noeviction) is an outage for writes; reads still answer', async () => {
    const full = await server();
    const admin = connect(full.port);
    const store = redisStore({ client: connect(full.port), keyPrefix: randomPrefix() });
    const record = makeRecord();
    expect(await store.insert(record)).toBe('ok');
    await admin.config('SET', 'maxmemory', '1');
    try {
      await expectAnswer(() => store.insert(makeRecord()), StoreUnavailableError, /^OOM /);
      expect(await store.findByHash(record.hash)).toEqual(record);
    } finally {
      await admin.config('SET', 'maxmemory', '0');
    }
  });

  test('NOAUTH and WRONGPASS (the client\'s credentials) are bugs: retrying will not help', async () => {
    const secured = await server();
    // Set once started: the launcher waits for PONG, which it would refuse.
    const admin = connect(secured.port);
    await admin.config('SET', 'requirepass', 'right');
    try {
      await expectAnswer(() => redisStore({ client: connect(secured.port) }).findByHash('anything'), StoreFailedError, /^NOAUTH /);
      await expectAnswer(() => redisStore({ client: connect(secured.port, { password: 'wrong' }) }).findByHash('anything'), StoreFailedError, /^WRONGPASS /);
      expect(await redisStore({ client: connect(secured.port, { password: 'right' }) }).findByHash('anything')).toBeNull();
    } finally {
      // So the launcher's redis-cli can stop it.
      await admin.config('SET', 'requirepass', '');
    }
  });

  test('NOPERM (an ACL user without the commands the store uses) is a bug', async () => {
    const acl = await server();
    await connect(acl.port).call('ACL', 'SETUSER', 'reader', 'on', '>pw', '~*', '+@read', '+info', '+ping');
    const store = redisStore({ client: connect(acl.port, { username: 'reader', password: 'pw' }), keyPrefix: randomPrefix() });
    await expectAnswer(() => store.insert(makeRecord()), StoreFailedError, /^NOPERM /);
    expect(await store.findByHash('anything')).toBeNull();
  });

  test('WRONGTYPE (another program wrote under the prefix) and an unreadable record are bugs, never "not found"', async () => {
    const shared = await server();
    const client = connect(shared.port);
    const keyPrefix = randomPrefix();
    const store = redisStore({ client, keyPrefix });
    await client.set(`${keyPrefix}h:overwritten`, 'not a hash');
    await expectAnswer(() => store.findByHash('overwritten'), StoreFailedError, /^WRONGTYPE /);
    await client.hset(`${keyPrefix}h:garbled`, 'r', '{"id": "tok_');
    const garbled = await failure(() => store.findByHash('garbled'));
    expect(garbled).toBeInstanceOf(StoreFailedError);
    expect(garbled.cause).toBeInstanceOf(SyntaxError);
  });
});
