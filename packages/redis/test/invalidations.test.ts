// redisInvalidations() on its own: what it tells a listener, against the shared Redis on 6379
// (a per-test key prefix, so its channels are its own).
import { inspect } from 'node:util';
import { ConfigurationError, StoreFailedError, type InvalidationListener } from '@keyward/core';
import { makeRecord, useLimitFields } from '@keyward/store-tests';
import { Redis, ReplyError } from 'ioredis';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { encodeListing } from '../src/codec.js';
import { redisInvalidations, redisStore } from '../src/index.js';
import { FAIL_FAST, deleteKeysWithPrefix, randomPrefix } from '@keyward/test-kit/redis-keys';
import { freePort, waitUntil } from '@keyward/test-kit/net';

// The store keeps contract v3's limit fields and returns them from every read.
useLimitFields(true);

const clients: Redis[] = [];
function client(options = {}): Redis {
  const c = new Redis({ ...FAIL_FAST, port: 6379, ...options });
  clients.push(c);
  return c;
}
const admin = client();
const prefixes: string[] = [];
function prefix(): string {
  const p = randomPrefix();
  prefixes.push(p);
  return p;
}

afterAll(async () => {
  await Promise.all(prefixes.map((p) => deleteKeysWithPrefix(admin, p)));
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
});

type Event = { kind: 'invalidate'; hashes: readonly string[] | null } | { kind: 'proven'; sentAt: number } | { kind: 'lost'; at: number };

/** A listener that records what the channel tells it. */
function recorder() {
  const events: Event[] = [];
  const listener: InvalidationListener = {
    invalidate: (hashes) => events.push({ kind: 'invalidate', hashes }),
    proven: (sentAt) => events.push({ kind: 'proven', sentAt }),
    lost: () => events.push({ kind: 'lost', at: performance.now() }),
  };
  const count = (kind: Event['kind']) => events.filter((e) => e.kind === kind).length;
  return {
    events,
    listener,
    count,
    invalidations: () => events.flatMap((e) => (e.kind === 'invalidate' ? [e.hashes] : [])),
    until: (what: string, probe: () => boolean) => waitUntil(what, async () => probe()),
  };
}

const subscribers = (channel: string) => admin.pubsub('NUMSUB', channel).then((reply) => Number((reply as unknown[])[1]));

describe('redisInvalidations()', () => {
  test('heartbeats come back as proven(sentAt); the deleting script\'s messages arrive as invalidate(hashes), an unreadable one as invalidate(null); close() unsubscribes and leaves both clients open', async () => {
    const keyPrefix = prefix();
    const commands = client();
    const subscriber = client();
    const store = redisStore({ client: commands, keyPrefix });
    const [a, b, c] = [makeRecord(), makeRecord(), makeRecord()];
    for (const record of [a, b, c]) await store.insert(record);
    const errors: unknown[] = [];
    const seen = recorder();
    const subscription = redisInvalidations({ client: commands, subscriber, keyPrefix }).subscribe(seen.listener, { heartbeatMs: 20, onError: (e) => errors.push(e) });
    await seen.until('two heartbeats back', () => seen.count('proven') >= 2);
    const now = performance.now();
    for (const event of seen.events) if (event.kind === 'proven') expect(event.sentAt).toBeLessThanOrEqual(now);

    await store.deleteMany('org_1', [a.id, b.id]);
    await seen.until('the deletion arrived', () => seen.count('invalidate') >= 1);
    expect(seen.invalidations().map((h) => [...h!].sort())).toEqual([[a.hash, b.hash].sort()]);
    await admin.publish(`${keyPrefix}invalidate`, 'not json');
    await admin.publish(`${keyPrefix}invalidate`, '[1, 2]');
    await seen.until('the unreadable messages arrived', () => seen.count('invalidate') >= 3);
    expect(seen.invalidations().slice(1)).toEqual([null, null]);
    expect(seen.count('lost')).toBe(0);

    expect(await subscribers(`${keyPrefix}invalidate`)).toBe(1);
    await subscription.close();
    expect(await subscribers(`${keyPrefix}invalidate`)).toBe(0);
    const after = seen.events.length;
    await store.deleteMany('org_1', [c.id]);
    subscriber.emit('reconnecting');
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.events.length).toBe(after);
    expect(commands.status).toBe('ready');
    expect(subscriber.status).toBe('ready');
    expect(errors).toEqual([]);
  });

  test('heartbeats of another instance on the same prefix prove nothing here', async () => {
    const keyPrefix = prefix();
    const commands = client();
    const mine = recorder();
    const other = recorder();
    const otherSubscription = redisInvalidations({ client: commands, subscriber: client(), keyPrefix }).subscribe(other.listener, { heartbeatMs: 10, onError: () => {} });
    await other.until('the other instance is live', () => other.count('proven') >= 1);
    // Beats once when subscribed, then every 10 s: only that first one may come back here.
    const subscriber = client();
    await subscriber.ping();
    const subscription = redisInvalidations({ client: commands, subscriber, keyPrefix }).subscribe(mine.listener, { heartbeatMs: 10_000, onError: () => {} });
    await mine.until('its own first heartbeat', () => mine.count('proven') >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(mine.count('proven')).toBe(1);
    await subscription.close();
    await otherSubscription.close();
  });

  test('two subscriptions sharing one subscriber and prefix: closing one leaves the other receiving invalidations', async () => {
    const keyPrefix = prefix();
    const commands = client();
    const subscriber = client();
    const store = redisStore({ client: commands, keyPrefix });
    const record = makeRecord();
    await store.insert(record);
    const first = recorder();
    const second = recorder();
    const channel = redisInvalidations({ client: commands, subscriber, keyPrefix });
    const one = channel.subscribe(first.listener, { heartbeatMs: 20, onError: () => {} });
    const two = channel.subscribe(second.listener, { heartbeatMs: 20, onError: () => {} });
    await second.until('both live', () => first.count('proven') >= 1 && second.count('proven') >= 1);
    await one.close();
    expect(await subscribers(`${keyPrefix}invalidate`)).toBe(1);
    await store.deleteMany('org_1', [record.id]);
    await second.until('the deletion reached the one left', () => second.count('invalidate') >= 1);
    expect(second.invalidations()).toEqual([[record.hash]]);
    await two.close();
    expect(await subscribers(`${keyPrefix}invalidate`)).toBe(0);
  });

  test('a subscriber that disconnects reports lost(); heartbeats sent before it prove nothing; once reconnected heartbeats prove again', async () => {
    const keyPrefix = prefix();
    const commands = client();
    const subscriber = client();
    const seen = recorder();
    const subscription = redisInvalidations({ client: commands, subscriber, keyPrefix }).subscribe(seen.listener, { heartbeatMs: 20, onError: () => {} });
    await seen.until('a heartbeat back', () => seen.count('proven') >= 1);
    subscriber.disconnect();
    await seen.until('the loss', () => seen.count('lost') >= 1);
    const lostIndex = seen.events.findIndex((e) => e.kind === 'lost');
    await subscriber.connect();
    await seen.until('heartbeats back after reconnecting', () => seen.events.slice(lostIndex).some((e) => e.kind === 'proven'));
    // Whatever is proven after a loss was sent after it.
    let lostAt = -Infinity;
    for (const event of seen.events) {
      if (event.kind === 'lost') lostAt = event.at;
      if (event.kind === 'proven') expect(event.sentAt).toBeGreaterThanOrEqual(lostAt);
    }
    await subscription.close();
  });

  test('a SUBSCRIBE that fails reports lost() and the error to onError; a heartbeat that cannot be published goes to onError', async () => {
    const keyPrefix = prefix();
    const commands = client();
    // A subscriber whose server is not there: its SUBSCRIBE fails.
    const dead = client({ port: await freePort(), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    dead.on('error', () => {});
    const seen = recorder();
    const errors: unknown[] = [];
    const failed = redisInvalidations({ client: commands, subscriber: dead, keyPrefix }).subscribe(seen.listener, { heartbeatMs: 20, onError: (e) => errors.push(e) });
    await seen.until('the loss', () => seen.count('lost') >= 1);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    await failed.close();

    const publish = vi.spyOn(commands, 'publish').mockRejectedValue(new Error('publish failed'));
    const beats: unknown[] = [];
    const live = redisInvalidations({ client: commands, subscriber: client(), keyPrefix }).subscribe(recorder().listener, { heartbeatMs: 20, onError: (e) => beats.push(e) });
    await waitUntil('a failed heartbeat reported', async () => beats.some((e) => String(e).includes('publish failed')));
    publish.mockRestore();
    await live.close();
  });

  test('errors reach onError as the store reports its own: no property holds the command ioredis attaches, a record or a hash', async () => {
    const keyPrefix = prefix();
    const commands = client();
    // A real ioredis error whose command carried a token's record, as a failed store command's does.
    const record = makeRecord();
    const json = encodeListing(record);
    await admin.set(`${keyPrefix}wrong-type`, 'a string');
    const driverError = await commands.hset(`${keyPrefix}wrong-type`, 'r', json).then(
      () => expect.unreachable('HSET on a string must fail'),
      (error: unknown) => error as Error,
    );
    expect(driverError).toBeInstanceOf(ReplyError);
    expect(inspect(driverError, { depth: Infinity })).toContain(record.hash);

    const failingSubscriber = client();
    vi.spyOn(failingSubscriber, 'subscribe').mockRejectedValue(driverError);
    const publish = vi.spyOn(commands, 'publish').mockRejectedValue(driverError);
    const reported: unknown[] = [];
    const onError = (error: unknown) => reported.push(error);
    const failed = redisInvalidations({ client: commands, subscriber: failingSubscriber, keyPrefix }).subscribe(recorder().listener, { heartbeatMs: 20, onError });
    const beating = redisInvalidations({ client: commands, subscriber: client(), keyPrefix }).subscribe(recorder().listener, { heartbeatMs: 20, onError });
    await waitUntil('a failed SUBSCRIBE and a failed heartbeat reported', async () =>
      reported.some((e) => /SUBSCRIBE failed/.test(String(e))) && reported.some((e) => /heartbeat failed/.test(String(e))),
    );
    publish.mockRestore();
    await Promise.all([failed.close(), beating.close()]);

    for (const error of reported) {
      // Classified like a command's error (WRONGTYPE is a bug), the reply's class and message kept as the cause.
      expect(error).toBeInstanceOf(StoreFailedError);
      expect((error as StoreFailedError).message).toMatch(/^redis store: invalidation channel: (SUBSCRIBE|heartbeat) failed: WRONGTYPE/);
      expect((error as StoreFailedError).cause).toBeInstanceOf(ReplyError);
      expect((error as StoreFailedError).cause).not.toHaveProperty('command');
      // Everything it holds, hidden properties included, as deep as a logger would print it.
      const printed = inspect(error, { depth: Infinity, showHidden: true });
      for (const secret of [record.hash, json, record.name, 'hset']) expect(printed).not.toContain(secret);
    }
  });

  test('bad options are ConfigurationErrors naming the field', () => {
    const commands = client();
    expect(() => redisInvalidations(undefined as never)).toThrow(ConfigurationError);
    expect(() => redisInvalidations({ client: commands, subscriber: commands })).toThrow(/subscriber must be a second client/);
    expect(() => redisInvalidations({ client: commands, subscriber: {} as Redis })).toThrow(/subscriber must be an ioredis client/);
    expect(() => redisInvalidations({ client: {} as Redis, subscriber: client() })).toThrow(/client must be an ioredis client/);
    expect(() => redisInvalidations({ client: commands, subscriber: client(), keyPrefix: 7 as never })).toThrow(/keyPrefix/);
  });
});
