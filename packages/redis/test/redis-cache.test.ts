import { ConfigurationError, type TokenRecord, type TokenStore } from '@keyward/core';
import { makeRecord } from '@keyward/store-tests';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import { redisStore } from '../src/index.js';
import { LookupCache, resolveCacheOptions } from '../src/cache.js';
import { FAIL_FAST, deleteKeysWithPrefix, randomPrefix } from './keys.js';
import { waitFor } from './server.js';
import { describeRedisStore } from './conformance.js';

// Every client of this file, closed at the end. Each store instance gets its own command client
// and its own subscriber, as two processes would.
const clients: Redis[] = [];
function client(): Redis {
  const c = new Redis({ ...FAIL_FAST, port: 6379 });
  clients.push(c);
  return c;
}
const admin = client();
const stores: TokenStore[] = [];
const prefixes: string[] = [];

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close?.()));
  await Promise.all(prefixes.splice(0).map((p) => deleteKeysWithPrefix(admin, p)));
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
});

/** A store with the cache on its own pair of clients; `heartbeatMs` short so tests wait little. */
function cachedStore(keyPrefix: string, heartbeatMs = 100): { store: TokenStore; commands: Redis; subscriber: Redis } {
  const commands = client();
  const subscriber = client();
  const store = redisStore({ client: commands, keyPrefix, cache: { subscriber, heartbeatMs, maxStalenessMs: 3 * heartbeatMs } });
  stores.push(store);
  return { store, commands, subscriber };
}

function prefix(): string {
  const p = randomPrefix();
  prefixes.push(p);
  return p;
}

/** True when the store answered from its cache: a synchronous answer instead of a promise. */
function answeredFromCache(store: TokenStore, hash: string): boolean {
  const answer = store.findByHash(hash);
  if (answer instanceof Promise) {
    answer.catch(() => {});
    return false;
  }
  return true;
}

/** Waits until the subscription is proven and `hash` is cached (reading it until it is). */
async function cached(store: TokenStore, hash: string): Promise<void> {
  await waitFor('the token to be cached', async () => {
    if (answeredFromCache(store, hash)) return true;
    await store.findByHash(hash);
    return answeredFromCache(store, hash);
  });
}

describe('redisStore with cache', () => {
  test('a cached token is answered without a Redis round trip, with the stored record', async () => {
    const { store, commands } = cachedStore(prefix());
    const record = makeRecord();
    await store.insert(record);
    await cached(store, record.hash);
    const hmget = vi.spyOn(commands, 'hmget');
    for (let i = 0; i < 10; i++) expect(store.findByHash(record.hash)).toEqual(record);
    expect(hmget).not.toHaveBeenCalled();
    hmget.mockRestore();
  });

  test('cached records are frozen: a caller cannot change what the next one gets', async () => {
    const { store } = cachedStore(prefix());
    const record = makeRecord();
    await store.insert(record);
    await cached(store, record.hash);
    const got = store.findByHash(record.hash) as TokenRecord;
    expect(Object.isFrozen(got)).toBe(true);
  });

  test('unknown hashes are not cached: a token inserted after a miss is found at once', async () => {
    const p = prefix();
    const { store } = cachedStore(p);
    const other = cachedStore(p).store;
    const warm = makeRecord();
    await store.insert(warm);
    await cached(store, warm.hash);
    const record = makeRecord();
    expect(await store.findByHash(record.hash)).toBeNull();
    await other.insert(record);
    expect(await store.findByHash(record.hash)).toEqual(record);
  });

  test('deleteMany() on one instance makes another instance\'s cache refuse the token', async () => {
    const p = prefix();
    const a = cachedStore(p).store;
    const b = cachedStore(p).store;
    const record = makeRecord();
    await a.insert(record);
    await cached(b, record.hash);
    await cached(a, record.hash);
    expect((await a.deleteMany('org_1', [record.id])).ok).toBe(true);
    // The deleting instance refuses at once; the other as soon as the invalidation arrives.
    expect(await a.findByHash(record.hash)).toBeNull();
    await waitFor('the invalidation to reach the other instance', async () => !answeredFromCache(b, record.hash));
    expect(await b.findByHash(record.hash)).toBeNull();
  });

  test('an instance without the cache still invalidates instances that have it', async () => {
    const p = prefix();
    const plain = redisStore({ client: client(), keyPrefix: p });
    stores.push(plain);
    const b = cachedStore(p).store;
    const record = makeRecord({ scope: { kind: 'project', projectId: 'proj_gone' } });
    await plain.insert(record);
    await cached(b, record.hash);
    expect(await plain.deleteByProject('proj_gone')).toHaveLength(1);
    await waitFor('the invalidation to reach the cached instance', async () => !answeredFromCache(b, record.hash));
    expect(await b.findByHash(record.hash)).toBeNull();
  });

  test('while the subscription is down every read goes to Redis, and the cache resumes once it is back', async () => {
    const p = prefix();
    const { store, subscriber } = cachedStore(p);
    const record = makeRecord();
    await store.insert(record);
    await cached(store, record.hash);

    subscriber.disconnect();
    await waitFor('the subscriber to be closed', async () => subscriber.status === 'end');
    expect(answeredFromCache(store, record.hash)).toBe(false);
    // A deletion nobody announces (made behind keyward's back) is seen at once: nothing is cached.
    await admin.del(`${p}h:${record.hash}`);
    expect(await store.findByHash(record.hash)).toBeNull();
    await admin.hset(`${p}h:${record.hash}`, { r: JSON.stringify({ ...record, lastUsedAt: undefined }) });
    expect(await store.findByHash(record.hash)).toEqual(record);
    expect(answeredFromCache(store, record.hash)).toBe(false);

    await subscriber.connect();
    await cached(store, record.hash);
    expect(store.findByHash(record.hash)).toEqual(record);
  });

  test('a late heartbeat stops the cache from answering', async () => {
    const { store, commands } = cachedStore(prefix(), 100);
    const record = makeRecord();
    await store.insert(record);
    await cached(store, record.hash);
    // Heartbeats go out through the command client: make them fail to arrive.
    const publish = vi.spyOn(commands, 'publish').mockImplementation(async () => 0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(answeredFromCache(store, record.hash)).toBe(false);
    publish.mockRestore();
    await cached(store, record.hash);
  });

  test('touch() updates the lastUsedAt of a cached record', async () => {
    const { store } = cachedStore(prefix());
    const record = makeRecord();
    await store.insert(record);
    await cached(store, record.hash);
    await store.touch([{ id: record.id, organizationId: 'org_1', lastUsedAt: 1_900_000_000_000 }]);
    expect((store.findByHash(record.hash) as TokenRecord).lastUsedAt).toBe(1_900_000_000_000);
    expect((await store.get('org_1', record.id))?.lastUsedAt).toBe(1_900_000_000_000);
  });

  test('close() unsubscribes the store\'s channels and leaves both clients open', async () => {
    const p = prefix();
    const { store, commands, subscriber } = cachedStore(p);
    await store.insert(makeRecord());
    await waitFor('the subscription', async () => Number((await admin.pubsub('NUMSUB', `${p}invalidate`))[1]) === 1);
    await store.close?.();
    await waitFor('the unsubscription', async () => Number((await admin.pubsub('NUMSUB', `${p}invalidate`))[1]) === 0);
    expect(commands.status).toBe('ready');
    expect(subscriber.status).toBe('ready');
  });

  test('bad cache options are configuration errors naming the option', () => {
    const c = client();
    expect(() => redisStore({ client: c, cache: { subscriber: c } })).toThrow(/second client/);
    expect(() => redisStore({ client: c, cache: { subscriber: {} as Redis } })).toThrow(ConfigurationError);
    expect(() => redisStore({ client: c, cache: { subscriber: client(), ttlMs: 0 } })).toThrow(/cache\.ttlMs/);
    expect(() => redisStore({ client: c, cache: { subscriber: client(), maxEntries: 1.5 } })).toThrow(/cache\.maxEntries/);
  });
});

describe('LookupCache', () => {
  const record = makeRecord();
  const live = async (cache: LookupCache) => waitFor('the heartbeat', async () => cache.live);

  test('a read that straddles an invalidation is not cached', async () => {
    const commands = client();
    const cache = new LookupCache(commands, resolveCacheOptions({ subscriber: client(), heartbeatMs: 100 }, commands), prefix());
    await live(cache);
    const ticket = cache.ticket();
    cache.forget(['some other hash']);
    cache.put(record.hash, { ...record }, ticket);
    expect(cache.get(record.hash)).toBeUndefined();
    cache.put(record.hash, { ...record }, cache.ticket());
    expect(cache.get(record.hash)).toEqual(record);
    await cache.close();
  });

  test('keeps at most maxEntries, dropping the oldest', async () => {
    const commands = client();
    const cache = new LookupCache(commands, resolveCacheOptions({ subscriber: client(), heartbeatMs: 100, maxEntries: 2 }, commands), prefix());
    await live(cache);
    for (const hash of ['a', 'b', 'c']) cache.put(hash, { ...record, hash }, cache.ticket());
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')?.hash).toBe('b');
    expect(cache.get('c')?.hash).toBe('c');
    await cache.close();
  });

  test('entries are read again after ttlMs', async () => {
    const commands = client();
    const cache = new LookupCache(commands, resolveCacheOptions({ subscriber: client(), heartbeatMs: 100, ttlMs: 50 }, commands), prefix());
    await live(cache);
    cache.put(record.hash, { ...record }, cache.ticket());
    expect(cache.get(record.hash)).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(cache.get(record.hash)).toBeUndefined();
    await cache.close();
  });
});

// The whole store contract holds with the cache on.
const suiteSubscriber = client();
describeRedisStore('redisStore (standalone, with cache)', () => admin, { subscriber: suiteSubscriber });
