// Core's opt-in lookup cache on Redis: createKeyward({ store: redisStore(...), cache: { channel:
// redisInvalidations(...) } }), against the shared Redis on 6379 with a key prefix per test. Each
// instance gets its own command client and its own subscriber, as two processes would.
import { ConfigurationError, createKeyward, type CreatedToken, memoryStore, type CacheOptions, type Keyward, type KeywardOptions, type TokenStore, type VerifyResult } from '@keyward/core';
import { makeRecord, useLimitFields } from '@keyward/store-tests';
import { ACTORS, resolveProject } from '@keyward/test-kit/fixtures';
import { countingStore, sha256, type CountingStore } from '@keyward/test-kit/stores';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import { redisInvalidations, redisStore } from '../src/index.js';
import { FAIL_FAST, deleteKeysWithPrefix, randomPrefix } from '@keyward/test-kit/redis-keys';
import { waitUntil } from '@keyward/test-kit/net';

// The store keeps contract v3's limit fields and returns them from every read.
useLimitFields(true);

const DAY = 86_400_000;
const owner = ACTORS.owner;

const clients: Redis[] = [];
function client(): Redis {
  const c = new Redis({ ...FAIL_FAST, port: 6379 });
  clients.push(c);
  return c;
}
const admin = client();
const keywards: Keyward[] = [];
const prefixes: string[] = [];

afterEach(async () => {
  await Promise.all(keywards.splice(0).map((k) => k.close().catch(() => {})));
  await Promise.all(prefixes.splice(0).map((p) => deleteKeysWithPrefix(admin, p)));
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
});

function prefix(): string {
  const p = randomPrefix();
  prefixes.push(p);
  return p;
}

interface Instance {
  keyward: Keyward;
  /** The Redis store behind it, counting the reads that reach Redis. */
  store: CountingStore;
  commands: Redis;
  subscriber: Redis;
  /** What keyward reported off the request path (a heartbeat lapse, a failed heartbeat). */
  errors: unknown[];
}

/**
 * One keyward instance on `keyPrefix`. With the cache (unless `cache` is false): heartbeats every
 * 100 ms and a 300 ms staleness bound, so tests wait little. `wrap` puts a store in between.
 */
function instance(
  keyPrefix: string,
  cache: Partial<CacheOptions> | false = {},
  options: { wrap?: (store: TokenStore) => TokenStore; keyward?: Partial<KeywardOptions> } = {},
): Instance {
  const commands = client();
  const subscriber = client();
  const errors: unknown[] = [];
  const store = countingStore(redisStore({ client: commands, keyPrefix }));
  const keyward = createKeyward({
    store: options.wrap ? options.wrap(store) : store,
    resolveProject,
    lastUsedIntervalMs: 3_600_000,
    onError: (error) => errors.push(error),
    ...(cache === false ? {} : { cache: { channel: redisInvalidations({ client: commands, subscriber, keyPrefix }), heartbeatMs: 100, maxStalenessMs: 300, ...cache } }),
    ...options.keyward,
  });
  keywards.push(keyward);
  return { keyward, store, commands, subscriber, errors };
}

/** The answer if `keyward` gave it from its cache (synchronously), else undefined (it asked Redis). */
function fromCache(keyward: Keyward, plaintext: string): VerifyResult | undefined {
  const answer = keyward.check(plaintext);
  if (answer instanceof Promise) {
    answer.catch(() => {});
    return undefined;
  }
  return answer;
}

/** Waits until the channel is proven and `plaintext` is answered from the cache (verifying it until it is). */
async function cached(keyward: Keyward, plaintext: string): Promise<void> {
  await waitUntil('the token to be cached', async () => {
    if (fromCache(keyward, plaintext)?.ok) return true;
    expect((await keyward.verify(plaintext)).ok).toBe(true);
    return fromCache(keyward, plaintext)?.ok === true;
  });
}

const create = (keyward: Keyward, name: string, extra: { projectId?: string; expiresIn?: '1d' } = {}) =>
  keyward.create(owner, {
    name,
    scope: extra.projectId ? { kind: 'project', projectId: extra.projectId } : { kind: 'organization' },
    expiresIn: extra.expiresIn ?? 'never',
  });

/** A well-formed token that no Redis store holds (made by a throwaway memory-backed keyward). */
async function unknownPlaintext(): Promise<string> {
  return (await create(createKeyward({ store: memoryStore(), resolveProject }), 'elsewhere')).plaintext;
}

describe('core\'s cache on Redis', () => {
  test('a cached token is answered without a Redis round trip, with the stored token', async () => {
    const { keyward, store, commands } = instance(prefix());
    const { plaintext, token } = await create(keyward, 'a');
    await cached(keyward, plaintext);
    const hmget = vi.spyOn(commands, 'hmget');
    const reads = store.calls.findByHash;
    const { lastUsedAt: _, ...stored } = token;
    for (let i = 0; i < 10; i++) expect(fromCache(keyward, plaintext)).toMatchObject({ ok: true, token: stored });
    expect(hmget).not.toHaveBeenCalled();
    expect(store.calls.findByHash).toBe(reads);
    hmget.mockRestore();
  });

  test('a caller changing a cached answer does not change what the next verification gets', async () => {
    const { keyward } = instance(prefix());
    const { plaintext, token } = await create(keyward, 'frozen');
    await cached(keyward, plaintext);
    const first = fromCache(keyward, plaintext) as { ok: true; token: { name: string; scope: { kind: string } } };
    first.token.name = 'changed';
    first.token.scope.kind = 'changed';
    expect(fromCache(keyward, plaintext)).toMatchObject({ ok: true, token: { name: token.name, scope: { kind: 'organization' } } });
  });

  test('unknown tokens are not cached: a token stored after a miss verifies at once', async () => {
    const p = prefix();
    const { keyward, store } = instance(p);
    const warm = await create(keyward, 'warm');
    await cached(keyward, warm.plaintext);
    const plaintext = await unknownPlaintext();
    const reads = store.calls.findByHash;
    expect(await keyward.verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    expect(await keyward.verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    expect(store.calls.findByHash).toBe(reads + 2);
    await redisStore({ client: client(), keyPrefix: p }).insert(makeRecord({ organizationId: owner.organizationId, hash: sha256(plaintext) }));
    expect((await keyward.verify(plaintext)).ok).toBe(true);
  });

  test('delete() on one instance: refused there at once, and by another instance\'s cache as soon as the invalidation arrives', async () => {
    const p = prefix();
    const a = instance(p);
    const b = instance(p);
    const { plaintext, token } = await create(a.keyward, 'shared');
    await cached(a.keyward, plaintext);
    await cached(b.keyward, plaintext);
    await a.keyward.delete(owner, token.id);
    expect(fromCache(a.keyward, plaintext)).toBeUndefined();
    expect(await a.keyward.verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    await waitUntil('the invalidation to reach the other instance', async () => fromCache(b.keyward, plaintext) === undefined);
    expect(await b.keyward.verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
  });

  test('an instance without the cache still invalidates instances that have it', async () => {
    const p = prefix();
    const plain = instance(p, false);
    const b = instance(p);
    const { plaintext } = await create(plain.keyward, 'project token', { projectId: 'proj_a1' });
    await cached(b.keyward, plaintext);
    expect(await plain.keyward.revokeProject('proj_a1')).toEqual({ deleted: 1 });
    await waitUntil('the invalidation to reach the cached instance', async () => fromCache(b.keyward, plaintext) === undefined);
    expect(await b.keyward.verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
  });

  test('roll() on one instance: another instance\'s cache stops answering with the record it held for the old secret, and with no grace refuses it', async () => {
    const p = prefix();
    const a = instance(p);
    const b = instance(p);
    const { plaintext, token } = await create(a.keyward, 'rolled');
    await cached(b.keyward, plaintext);
    // With a grace period: the old secret still verifies, but as the previous one of the rolled token.
    const graced = await a.keyward.roll(owner, token.id, { previousSecretExpiresIn: '1h' });
    await waitUntil('the roll\'s invalidation to reach the other instance', async () => {
      const answer = fromCache(b.keyward, plaintext) ?? (await b.keyward.verify(plaintext));
      return answer.ok && answer.token.hint === graced.token.hint && answer.token.previousSecret !== null;
    });
    await cached(b.keyward, graced.plaintext);
    // Without one: both earlier secrets stop; the cached instance refuses them once it has heard.
    const last = await a.keyward.roll(owner, token.id);
    await waitUntil('the second roll\'s invalidation', async () => fromCache(b.keyward, plaintext) === undefined && fromCache(b.keyward, graced.plaintext) === undefined);
    for (const old of [plaintext, graced.plaintext]) expect(await b.keyward.verify(old)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await b.keyward.verify(last.plaintext)).toMatchObject({ ok: true, token: { id: token.id } });
  });

  test('update() on one instance: another instance\'s cache stops answering with the former name and metadata', async () => {
    const p = prefix();
    const a = instance(p);
    const b = instance(p);
    const { plaintext, token } = await create(a.keyward, 'before');
    await cached(b.keyward, plaintext);
    await a.keyward.update(owner, token.id, { name: 'after', metadata: { team: 'web' } });
    await waitUntil('the update\'s invalidation to reach the other instance', async () => {
      const answer = fromCache(b.keyward, plaintext) ?? (await b.keyward.verify(plaintext));
      return answer.ok && answer.token.name === 'after';
    });
    expect(await b.keyward.verify(plaintext)).toMatchObject({ ok: true, token: { name: 'after', metadata: { team: 'web' } } });
  });

  test('while the subscriber is down every verification reads Redis, and the cache resumes once it is back', async () => {
    const p = prefix();
    const { keyward, store, subscriber } = instance(p);
    const { plaintext } = await create(keyward, 'a');
    await cached(keyward, plaintext);

    subscriber.disconnect();
    await waitUntil('the subscriber to be closed', async () => subscriber.status === 'end');
    expect(fromCache(keyward, plaintext)).toBeUndefined();
    // A deletion nobody announces (made behind keyward's back) is seen at once: nothing is cached.
    const key = `${p}h:${sha256(plaintext)}`;
    const fields = await admin.hgetall(key);
    await admin.del(key);
    expect(await keyward.verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    await admin.hset(key, fields);
    const reads = store.calls.findByHash;
    for (let i = 0; i < 3; i++) expect((await keyward.verify(plaintext)).ok).toBe(true);
    expect(store.calls.findByHash).toBe(reads + 3);

    await subscriber.connect();
    await cached(keyward, plaintext);
  });

  test('heartbeats that stop coming back stop the cache within maxStalenessMs; the lapse goes to onError; it resumes when they come back', async () => {
    const { keyward, commands, errors } = instance(prefix());
    const { plaintext } = await create(keyward, 'a');
    await cached(keyward, plaintext);
    // Heartbeats go out through the command client: make them vanish.
    const publish = vi.spyOn(commands, 'publish').mockImplementation(async () => 0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(fromCache(keyward, plaintext)).toBeUndefined();
    expect(errors.some((e) => /maxStalenessMs/.test(String(e)))).toBe(true);
    publish.mockRestore();
    await cached(keyward, plaintext);
  });

  test('last-used is still recorded for tokens answered from the cache', async () => {
    const p = prefix();
    const { keyward } = instance(p, {}, { keyward: { lastUsedIntervalMs: 1 } });
    const { plaintext, token } = await create(keyward, 'used');
    await cached(keyward, plaintext);
    await keyward.flush();
    const before = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fromCache(keyward, plaintext)?.ok).toBe(true);
    await keyward.flush();
    const stored = await redisStore({ client: client(), keyPrefix: p }).get(owner.organizationId, token.id);
    expect(stored!.lastUsedAt).toBeGreaterThanOrEqual(before);
  });

  test('a read in flight while an invalidation arrives is not cached', async () => {
    const p = prefix();
    let hold: Promise<void> | undefined;
    const slow = (inner: TokenStore): TokenStore => ({
      ...inner,
      findByHash: async (hash) => {
        if (hold) await hold;
        return inner.findByHash(hash);
      },
    });
    const other = instance(p, false);
    const mine = instance(p, {}, { wrap: slow });
    const kept = await create(other.keyward, 'kept');
    const gone = await create(other.keyward, 'gone');
    await cached(mine.keyward, gone.plaintext);

    let release!: () => void;
    hold = new Promise((resolve) => (release = resolve));
    const first = mine.keyward.verify(kept.plaintext);
    await other.keyward.delete(owner, gone.token.id);
    await waitUntil('the invalidation to arrive', async () => fromCache(mine.keyward, gone.plaintext) === undefined);
    release();
    hold = undefined;
    expect((await first).ok).toBe(true);
    // Read while the invalidation arrived: not cached, the next verification reads Redis again.
    const reads = mine.store.calls.findByHash;
    expect((await mine.keyward.verify(kept.plaintext)).ok).toBe(true);
    expect(mine.store.calls.findByHash).toBe(reads + 1);
    await cached(mine.keyward, kept.plaintext);
  });

  test('keeps at most maxEntries tokens, dropping the oldest', async () => {
    const { keyward } = instance(prefix(), { maxEntries: 2 });
    const [a, b, c] = [await create(keyward, 'a'), await create(keyward, 'b'), await create(keyward, 'c')];
    for (const made of [a, b, c]) await cached(keyward, made.plaintext);
    expect(fromCache(keyward, b.plaintext)?.ok).toBe(true);
    expect(fromCache(keyward, c.plaintext)?.ok).toBe(true);
    expect(fromCache(keyward, a.plaintext)).toBeUndefined();
  });

  test('entries are read again after ttlMs', async () => {
    const { keyward } = instance(prefix(), { ttlMs: 150 });
    const { plaintext } = await create(keyward, 'a');
    await cached(keyward, plaintext);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fromCache(keyward, plaintext)).toBeUndefined();
  });

  test('close() unsubscribes the channel and leaves both clients open', async () => {
    const p = prefix();
    const { keyward, commands, subscriber } = instance(p);
    await create(keyward, 'a');
    const subscribers = async () => Number(((await admin.pubsub('NUMSUB', `${p}invalidate`)) as unknown[])[1]);
    await waitUntil('the subscription', async () => (await subscribers()) === 1);
    await keyward.close();
    await waitUntil('the unsubscription', async () => (await subscribers()) === 0);
    expect(commands.status).toBe('ready');
    expect(subscriber.status).toBe('ready');
  });

  test('bad options are configuration errors naming the option; redisStore\'s old cache option points to core', () => {
    const c = client();
    const channel = redisInvalidations({ client: c, subscriber: client() });
    expect(() => redisStore({ client: c, cache: { subscriber: client() } } as never)).toThrow(/createKeyward\(\{ store, cache: \{ channel: redisInvalidations/);
    expect(() => redisInvalidations({ client: c, subscriber: c })).toThrow(/second client/);
    const make = (cache: object) => () => createKeyward({ store: redisStore({ client: c }), resolveProject, cache: { channel, ...cache } });
    expect(make({ ttlMs: 0 })).toThrow(ConfigurationError);
    expect(make({ ttlMs: 0 })).toThrow(/cache\.ttlMs/);
    expect(make({ maxEntries: 1.5 })).toThrow(/cache\.maxEntries/);
  });
});

describe('core\'s cache on Redis: every answer matches an uncached instance', () => {
  // Stands in for the store conformance run that once ran with the cache on: the cache is now
  // core's, so its correctness is checked here, answer by answer, after each kind of deletion.
  test('after delete, deleteMany, revokeProject and pruneExpired from cached and uncached instances, two cached instances answer exactly as an uncached one', { timeout: 30_000 }, async () => {
    const p = prefix();
    const a = instance(p);
    const b = instance(p);
    const plain = instance(p, false);
    const later = instance(p, false, { keyward: { now: () => Date.now() + 2 * DAY } });
    const made: CreatedToken[] = [];
    for (let i = 0; i < 6; i++) made.push(await create(plain.keyward, `org ${i}`));
    for (let i = 0; i < 4; i++) made.push(await create(plain.keyward, `project ${i}`, { projectId: 'proj_a2' }));
    for (let i = 0; i < 4; i++) made.push(await create(plain.keyward, `expiring ${i}`, { expiresIn: '1d' }));
    const plaintexts = made.map((m) => m.plaintext);
    for (const plaintext of plaintexts) {
      await cached(a.keyward, plaintext);
      await cached(b.keyward, plaintext);
    }

    const agree = async () => {
      for (const plaintext of plaintexts) {
        const expected = await plain.keyward.verify(plaintext);
        for (const cachedInstance of [a, b]) {
          const answer = await cachedInstance.keyward.verify(plaintext);
          if (answer.ok !== expected.ok || (!answer.ok && !expected.ok && answer.code !== expected.code)) return false;
        }
      }
      return true;
    };
    const refusedAtOnce = async (keyward: Keyward, gone: string[]) => {
      for (const plaintext of gone) expect(await keyward.verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    };

    await a.keyward.delete(owner, made[0]!.token.id);
    await refusedAtOnce(a.keyward, [plaintexts[0]!]);
    await waitUntil('the caches to agree after delete()', agree);

    await b.keyward.deleteMany(owner, [made[1]!.token.id, made[2]!.token.id]);
    await refusedAtOnce(b.keyward, plaintexts.slice(1, 3));
    await waitUntil('the caches to agree after deleteMany()', agree);

    expect(await a.keyward.revokeProject('proj_a2')).toEqual({ deleted: 4 });
    await refusedAtOnce(a.keyward, plaintexts.slice(6, 10));
    await waitUntil('the caches to agree after revokeProject()', agree);

    expect(await later.keyward.pruneExpired()).toEqual({ deleted: 4 });
    await waitUntil('the caches to agree after pruneExpired()', agree);

    // What is left is still answered from both caches; everything deleted is refused everywhere.
    const kept = plaintexts.slice(3, 6);
    for (const plaintext of kept) for (const cachedInstance of [a, b]) expect(fromCache(cachedInstance.keyward, plaintext)?.ok).toBe(true);
    for (const plaintext of plaintexts.filter((pt) => !kept.includes(pt))) {
      for (const k of [a, b, plain]) expect(await k.keyward.verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    }
  });
});
