// The opt-in lookup cache in core, driven through a hand-operated channel: what is answered from
// memory, and when the store is read again. Time is faked, so bounds are checked exactly.
import { CloseTimeoutError, ConfigurationError, createKeyward, memoryStore, type InvalidationChannel, type InvalidationListener, type TokenRecord, type TokenStore } from '@keyward/core';
import { countingStore } from '@keyward/test-kit/stores';
import { ACTORS, resolveProject } from '@keyward/test-kit/fixtures';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';

/** A channel the test operates: it delivers, proves or loses on command. */
function handChannel() {
  let listener: InvalidationListener | undefined;
  const channel: InvalidationChannel & { closed: boolean } = {
    closed: false,
    subscribe(l) {
      listener = l;
      return { close: async () => void (channel.closed = true) };
    },
  };
  return {
    channel,
    /** A heartbeat sent now comes back now. */
    heartbeat: () => listener!.proven(performance.now()),
    /** A heartbeat sent at `sentAt` comes back now. */
    heartbeatSentAt: (sentAt: number) => listener!.proven(sentAt),
    invalidate: (hashes: string[] | null) => listener!.invalidate(hashes),
    lose: () => listener!.lost(),
  };
}

const MAX_STALENESS = 1000;

function setup() {
  const feed = handChannel();
  const store = countingStore(memoryStore());
  const errors: unknown[] = [];
  const keyward = createKeyward({ store, resolveProject, onError: (e) => errors.push(e), cache: { channel: feed.channel, maxStalenessMs: MAX_STALENESS } });
  return { feed, store, keyward, errors };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'performance', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('lookup cache', () => {
  test('while the channel is proven, a token verified once is answered without reading the store', async () => {
    const { feed, store, keyward } = setup();
    const { plaintext } = await keyward.create(ACTORS.owner, { name: 'a', scope: { kind: 'organization' }, expiresIn: 'never' });
    feed.heartbeat();
    expect((await keyward.verify(plaintext)).ok).toBe(true);
    const reads = store.calls.findByHash;
    for (let i = 0; i < 10; i++) expect((await keyward.verify(plaintext)).ok).toBe(true);
    expect(store.calls.findByHash).toBe(reads);
    await keyward.close();
  });

  test('without a proven channel nothing is cached: every verification reads the store', async () => {
    const { store, keyward } = setup();
    const { plaintext } = await keyward.create(ACTORS.owner, { name: 'a', scope: { kind: 'organization' }, expiresIn: 'never' });
    for (let i = 0; i < 5; i++) await keyward.verify(plaintext);
    expect(store.calls.findByHash).toBe(5);
    await keyward.close();
  });

  test('an invalidation from the channel makes the next verification read the store (a token deleted elsewhere is refused)', async () => {
    const { feed, store, keyward } = setup();
    const { plaintext, token } = await keyward.create(ACTORS.owner, { name: 'a', scope: { kind: 'organization' }, expiresIn: 'never' });
    feed.heartbeat();
    await keyward.verify(plaintext);
    const record = await store.get(token.organizationId, token.id);
    // Another instance deletes it: the store loses it and the channel announces the hash.
    await store.deleteMany(token.organizationId, [token.id]);
    feed.invalidate([record!.hash]);
    expect(await keyward.verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    await keyward.close();
  });

  test('a deletion by this instance is forgotten at once, before the channel says anything', async () => {
    const { feed, keyward } = setup();
    const { plaintext, token } = await keyward.create(ACTORS.owner, { name: 'a', scope: { kind: 'organization' }, expiresIn: 'never' });
    feed.heartbeat();
    await keyward.verify(plaintext);
    await keyward.delete(ACTORS.owner, token.id);
    expect(await keyward.verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    await keyward.close();
  });

  test(`no cached answer is used ${MAX_STALENESS} ms after the last proven heartbeat; the lapse is reported once`, async () => {
    const { feed, store, keyward, errors } = setup();
    const { plaintext, token } = await keyward.create(ACTORS.owner, { name: 'a', scope: { kind: 'organization' }, expiresIn: 'never' });
    feed.heartbeat();
    await keyward.verify(plaintext);
    // The channel stalls: the deletion elsewhere is never announced.
    await store.deleteMany(token.organizationId, [token.id]);
    vi.advanceTimersByTime(MAX_STALENESS - 1);
    expect((await keyward.verify(plaintext)).ok).toBe(true); // within the documented bound
    vi.advanceTimersByTime(1);
    expect(await keyward.verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    vi.advanceTimersByTime(5 * MAX_STALENESS);
    expect(errors.filter((e) => /maxStalenessMs/.test(String(e)))).toHaveLength(1);
    await keyward.close();
  });

  test('a lost channel empties the cache; heartbeats sent before the loss prove nothing', async () => {
    const { feed, store, keyward } = setup();
    const { plaintext } = await keyward.create(ACTORS.owner, { name: 'a', scope: { kind: 'organization' }, expiresIn: 'never' });
    const sentBefore = performance.now();
    feed.heartbeat();
    await keyward.verify(plaintext);
    vi.advanceTimersByTime(10);
    feed.lose();
    const reads = store.calls.findByHash;
    await keyward.verify(plaintext);
    expect(store.calls.findByHash).toBe(reads + 1);
    // A heartbeat sent before the loss arrives late: still no caching.
    feed.heartbeatSentAt(sentBefore);
    await keyward.verify(plaintext);
    expect(store.calls.findByHash).toBe(reads + 2);
    await keyward.close();
  });

  test('a read in flight while an invalidation arrives is not cached', async () => {
    const feed = handChannel();
    const inner = memoryStore();
    let release: (() => void) | undefined;
    let reads = 0;
    const slow: TokenStore = {
      ...inner,
      findByHash: (hash) =>
        new Promise<TokenRecord | null>((resolve) => {
          reads++;
          release = () => resolve(inner.findByHash(hash) as TokenRecord | null);
        }),
    };
    const keyward = createKeyward({ store: slow, resolveProject, onError: () => {}, cache: { channel: feed.channel } });
    const { plaintext } = await keyward.create(ACTORS.owner, { name: 'a', scope: { kind: 'organization' }, expiresIn: 'never' });
    feed.heartbeat();
    const first = keyward.verify(plaintext);
    feed.invalidate(null);
    release!();
    expect((await first).ok).toBe(true);
    const second = keyward.verify(plaintext);
    // Not cached: the second verification reads the store again.
    expect(reads).toBe(2);
    release!();
    expect((await second).ok).toBe(true);
    await keyward.close();
  });

  test('two reads of one token in flight at once, with the cache full, evict nothing else', async () => {
    const feed = handChannel();
    const inner = memoryStore();
    let gate: Promise<void> | undefined;
    const slow: TokenStore = { ...inner, findByHash: async (hash) => (gate && (await gate), inner.findByHash(hash)) };
    const keyward = createKeyward({ store: slow, resolveProject, onError: () => {}, cache: { channel: feed.channel, maxEntries: 2 } });
    const [a, b] = [await keyward.create(ACTORS.owner, { name: 'a', scope: { kind: 'organization' }, expiresIn: 'never' }), await keyward.create(ACTORS.owner, { name: 'b', scope: { kind: 'organization' }, expiresIn: 'never' })];
    feed.heartbeat();
    await keyward.verify(a.plaintext);
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const both = Promise.all([keyward.verify(b.plaintext), keyward.verify(b.plaintext)]);
    open();
    await both;
    gate = undefined;
    // Both cached: answered synchronously.
    expect(keyward.check(a.plaintext)).not.toBeInstanceOf(Promise);
    expect(keyward.check(b.plaintext)).not.toBeInstanceOf(Promise);
    await keyward.close();
  });

  test('close() closes the channel subscription', async () => {
    const { feed, keyward } = setup();
    await keyward.close();
    expect(feed.channel.closed).toBe(true);
  });

  test('a channel whose close() never settles: keyward.close() still resolves (within closeTimeoutMs, default 5000 ms), closes the store, and reports the channel to onError once as a CloseTimeoutError', async () => {
    const closedStores: string[] = [];
    const store: TokenStore = { ...memoryStore(), close: async () => void closedStores.push('store') };
    const errors: unknown[] = [];
    const channel: InvalidationChannel = { subscribe: () => ({ close: () => new Promise<void>(() => {}) }) };
    const keyward = createKeyward({ store, resolveProject, onError: (e) => errors.push(e), cache: { channel } });
    let closed = false;
    const closing = keyward.close().then(() => (closed = true));
    await vi.advanceTimersByTimeAsync(4999);
    expect(closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await closing;
    expect(closedStores).toEqual(['store']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(CloseTimeoutError);
    expect(errors[0]).toMatchObject({ code: 'CLOSE_TIMED_OUT', step: 'cache', timeoutMs: 5000 });
    expect(String(errors[0])).toMatch(/did not close within 5000 ms/);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('a channel whose close() throws or rejects: keyward.close() resolves, closes the store, and reports the failure to onError', async () => {
    for (const close of [() => Promise.reject(new Error('UNLISTEN failed')), () => { throw new Error('UNLISTEN failed'); }]) {
      const closedStores: string[] = [];
      const store: TokenStore = { ...memoryStore(), close: async () => void closedStores.push('store') };
      const errors: unknown[] = [];
      const channel: InvalidationChannel = { subscribe: () => ({ close: close as () => Promise<void> }) };
      const keyward = createKeyward({ store, resolveProject, onError: (e) => errors.push(e), cache: { channel } });
      await keyward.close();
      expect(closedStores).toEqual(['store']);
      expect(errors.map(String)).toEqual(['Error: UNLISTEN failed']);
    }
  });

  test('bad cache options throw ConfigurationError naming the option', () => {
    const { channel } = handChannel();
    const make = (cache: unknown) => () => createKeyward({ store: memoryStore(), resolveProject, cache: cache as never });
    expect(make({})).toThrow(/cache\.channel/);
    expect(make({ channel, maxStalenessMs: 0 })).toThrow(/cache\.maxStalenessMs/);
    expect(make({ channel, maxStalenessMs: 1000, heartbeatMs: 600 })).toThrow(/cache\.heartbeatMs/);
    expect(make({ channel, ttlMs: -1 })).toThrow(ConfigurationError);
  });
});
