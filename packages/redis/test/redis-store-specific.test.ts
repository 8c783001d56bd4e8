import { ConfigurationError, type TokenRecord, type TokenStore } from '@keyward/core';
import { makeHash, makeRecord, useLimitFields } from '@keyward/store-tests';
import { decodeLookup, lookupJson } from '../src/codec.js';
import { Cluster, Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createContext } from '../src/context.js';
import { DEFAULT_KEY_PREFIX, redisStore } from '../src/index.js';
import { removeSteps, runSteps } from '../src/steps.js';
import { FAIL_FAST, deleteKeysWithPrefix, keysWithPrefix, tokenKeysWithPrefix, randomPrefix } from '@keyward/test-kit/redis-keys';

// The store keeps contract v3's limit fields and returns them from every read.
useLimitFields(true);

const client = new Redis({ ...FAIL_FAST, port: 6379 });
let keyPrefix: string;
let store: TokenStore;

beforeEach(() => {
  keyPrefix = randomPrefix();
  store = redisStore({ client, keyPrefix });
});
afterEach(() => deleteKeysWithPrefix(client, keyPrefix));
afterAll(() => client.quit());

/** The client, recording every method the store calls on it, with its arguments. */
function recording(target: Redis): { client: Redis; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const proxy = new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push([property, ...args]);
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
  return { client: proxy, calls };
}

describe('redisStore options', () => {
  test('are checked at construction, and the error names the option', () => {
    const build = (options: unknown) => () => redisStore(options as Parameters<typeof redisStore>[0]);
    expect(build(undefined)).toThrow(ConfigurationError);
    expect(build({})).toThrow(/client must be an ioredis client/);
    expect(build({ client: { hmget() {} } })).toThrow(/client must be an ioredis client/);
    expect(build({ client, keyPrefix: 42 })).toThrow(/keyPrefix must be a string/);
    expect(build({ client, keyPrefix: 'x'.repeat(257) })).toThrow(/keyPrefix/);
  });

  test('the client passed positionally, redisStore(client), says to pass it as { client }', () => {
    expect(() => redisStore(client as never)).toThrow(ConfigurationError);
    expect(() => redisStore(client as never)).toThrow('redisStore(options): pass the client as { client }: redisStore({ client })');
  });

  test('every refused option names redisStore first, as the other stores name themselves', () => {
    const messages = [undefined, {}, { client: { hmget() {} } }, { client, keyPrefix: 42 }, { client, durability: 'yes' }, { client, durability: { replicas: 0, timeoutMs: 1 } }].map((options) => {
      try {
        redisStore(options as never);
        return 'did not throw';
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(messages.filter((message) => !message.startsWith('redisStore'))).toEqual([]);
  });

  test('refuse a Cluster client that reads from replicas, which could accept a deleted token', () => {
    const replicaReads = new Cluster([{ host: '127.0.0.1', port: 1 }], { scaleReads: 'slave', lazyConnect: true });
    try {
      expect(() => redisStore({ client: replicaReads })).toThrow(/client: .*scaleReads "master"/);
    } finally {
      replicaReads.disconnect();
    }
  });

  test('keyPrefix defaults to "keyward:"', async () => {
    const { client: spy, calls } = recording(client);
    const defaults = redisStore({ client: spy });
    calls.length = 0;
    expect(DEFAULT_KEY_PREFIX).toBe('keyward:');
    expect(await defaults.findByHash('abc')).toBeNull();
    expect(calls).toEqual([['hmget', 'keyward:h:abc', 'r', 'r1', 'r2', 'r3', 'u', 'l']]);
  });
});

describe('redisStore (Redis specifics)', () => {
  test('findByHash() is a single command: one HMGET of the lookup key', async () => {
    const record = makeRecord({ lastUsedAt: 1234 });
    expect(await store.insert(record)).toBe('ok');
    const { client: spy, calls } = recording(client);
    const spied = redisStore({ client: spy, keyPrefix });
    calls.length = 0;
    expect(await spied.findByHash(record.hash)).toEqual(record);
    expect(calls).toEqual([['hmget', `${keyPrefix}h:${record.hash}`, 'r', 'r1', 'r2', 'r3', 'u', 'l']]);
  });

  test('every key starts with keyPrefix, and the lookup key holds the record and its lastUsedAt, never a plaintext', async () => {
    const record = makeRecord({ scope: { kind: 'project', projectId: 'proj_1' }, expiresAt: 9000 });
    await store.insert(record);
    await store.touch([{ id: record.id, organizationId: record.organizationId, lastUsedAt: 4242 }]);
    const keys = (await keysWithPrefix(client, keyPrefix)).sort();
    expect(keys).toEqual(
      [
        `${keyPrefix}expiring`,
        `${keyPrefix}expiry`,
        `${keyPrefix}schema`,
        `${keyPrefix}h:${record.hash}`,
        `${keyPrefix}{o:org_1}:names`,
        `${keyPrefix}{o:org_1}:order`,
        `${keyPrefix}{o:org_1}:records`,
        `${keyPrefix}{p:proj_1}:tokens`,
      ].sort(),
    );
    const lookup = await client.hgetall(`${keyPrefix}h:${record.hash}`);
    expect(lookup.u).toBe('4242');
    // No limits: no limits field (it costs memory only on tokens that have some).
    expect(lookup.l).toBeUndefined();
    expect(decodeLookup(lookupJson([lookup.r, lookup.r1, lookup.r2, lookup.r3])!, record.hash, lookup.u)).toEqual({ ...record, lastUsedAt: 4242 });
    // In pieces of at most 64 bytes: the lookup hash keeps Redis's compact encoding.
    expect(await client.object('ENCODING', `${keyPrefix}h:${record.hash}`)).toBe('listpack');
  });

  test('organization, project and token ids with braces, colons and newlines never share keys', async () => {
    const organizations = ['a', 'a}', 'a}:records', '{o:a}', 'o:a', 'a\nb', 'ü🚀'];
    const records = organizations.map((organizationId) =>
      makeRecord({ organizationId, id: `tok_${organizationId}}:x`, name: 'Same', nameKey: 'same', scope: { kind: 'project', projectId: `${organizationId}}` } }),
    );
    for (const record of records) expect(await store.insert(record)).toBe('ok');
    for (const record of records) {
      expect((await store.list(record.organizationId, { limit: 10 })).items).toEqual([record]);
      expect(await store.findByHash(record.hash)).toEqual(record);
      for (const other of organizations.filter((o) => o !== record.organizationId)) expect(await store.get(other, record.id)).toBeNull();
    }
    expect(await store.deleteByProject('a}')).toEqual([records[0]]);
    expect(await store.findByHash(records[1]!.hash)).toEqual(records[1]);
  });

  test('touch() of deleted tokens leaves no key behind (nothing is recreated)', async () => {
    const record = makeRecord({ scope: { kind: 'project', projectId: 'proj_1' }, expiresAt: 10 });
    await store.insert(record);
    await store.deleteMany(record.organizationId, [record.id]);
    await store.touch([{ id: record.id, organizationId: record.organizationId, lastUsedAt: 99 }]);
    expect(await tokenKeysWithPrefix(client, keyPrefix)).toEqual([]);
  });

  test('touch() with several updates for one token keeps the latest, in every copy', async () => {
    const record = makeRecord();
    await store.insert(record);
    const ref = { id: record.id, organizationId: record.organizationId };
    await store.touch([{ ...ref, lastUsedAt: 300 }, { ...ref, lastUsedAt: 900 }, { ...ref, lastUsedAt: 600 }]);
    expect((await store.findByHash(record.hash))?.lastUsedAt).toBe(900);
    expect((await store.get(record.organizationId, record.id))?.lastUsedAt).toBe(900);
  });

  test('list() orders createdAt 0 and the largest safe integer correctly, and nothing follows a negative cursor', async () => {
    const oldest = makeRecord({ createdAt: 0, id: 'tok_z' });
    const newest = makeRecord({ createdAt: Number.MAX_SAFE_INTEGER, id: 'tok_a' });
    const middle = makeRecord({ createdAt: 1_700_000_000_000, id: 'tok_m' });
    for (const record of [oldest, middle, newest]) await store.insert(record);
    expect((await store.list('org_1', { limit: 10 })).items.map((r) => r.id)).toEqual(['tok_a', 'tok_m', 'tok_z']);
    expect(await store.list('org_1', { limit: 2 })).toMatchObject({ next: { createdAt: middle.createdAt, id: 'tok_m' } });
    expect(await store.list('org_1', { limit: 10, after: { createdAt: -1, id: 'tok_x' } })).toEqual({ items: [], next: null });
  });

  test('insert() refuses a record it cannot order, and a second record with an existing id, writing nothing', async () => {
    await expect(store.insert(makeRecord({ createdAt: -5 }))).rejects.toThrow(/createdAt/);
    await expect(store.insert(makeRecord({ createdAt: 1.5 }))).rejects.toThrow(/createdAt/);
    const first = makeRecord();
    await store.insert(first);
    const sameId = makeRecord({ id: first.id });
    await expect(store.insert(sameId)).rejects.toThrow(/already exists/);
    expect(await store.findByHash(sameId.hash)).toBeNull();
    expect((await store.list('org_1', { limit: 10 })).items).toEqual([first]);
    expect(await store.insert(makeRecord({ name: sameId.name, nameKey: sameId.nameKey }))).toBe('ok');
  });

  test('works through a client that has its own ioredis keyPrefix (scripts get prefixed keys too)', async () => {
    const outer = `${keyPrefix}outer:`;
    const prefixed = new Redis({ ...FAIL_FAST, port: 6379, keyPrefix: outer });
    try {
      const inner = redisStore({ client: prefixed, keyPrefix: 'inner:' });
      const record = makeRecord({ scope: { kind: 'project', projectId: 'proj_1' }, expiresAt: 50 });
      expect(await inner.insert(record)).toBe('ok');
      expect(await inner.insert(makeRecord({ nameKey: record.nameKey }))).toBe('name_taken');
      await inner.touch([{ id: record.id, organizationId: record.organizationId, lastUsedAt: 7 }]);
      expect(await inner.findByHash(record.hash)).toEqual({ ...record, lastUsedAt: 7 });
      expect((await inner.list('org_1', { limit: 5 })).items).toEqual([{ ...record, lastUsedAt: 7 }]);
      const keys = await keysWithPrefix(client, keyPrefix);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.every((key) => key.startsWith(`${outer}inner:`))).toBe(true);
      expect(await inner.deleteByProject('proj_1')).toHaveLength(1);
      expect(await tokenKeysWithPrefix(client, keyPrefix)).toEqual([]);
    } finally {
      prefixed.disconnect();
    }
  });
});

describe('record JSON the Lua scripts read without decoding it', () => {
  const GRACE_END = Date.now() + 3_600_000;

  test('a token whose name and metadata hold a lone surrogate (which cjson refuses) rolls, updates and is deleted by every kind of deletion', async () => {
    const deletions = [
      (r: TokenRecord) => store.deleteMany(r.organizationId, [r.id]),
      () => store.deleteByProject('proj_odd'),
      () => store.deleteExpired(9_000_000_000_000),
    ];
    for (const remove of deletions) {
      const record = makeRecord({ name: 'odd \ud800', nameKey: `odd \ud800 ${Math.random()}`, metadata: { note: '\udc00 alone' }, scope: { kind: 'project', projectId: 'proj_odd' }, expiresAt: 8_000_000_000_000 });
      expect(await store.insert(record)).toBe('ok');
      const hash = makeHash();
      expect(await store.roll(record.organizationId, record.id, { hash, hint: 'kw_odd1', previousExpiresAt: GRACE_END })).toMatchObject({ hash });
      expect(await store.update(record.organizationId, record.id, { metadata: { note: '\ud800 still' } })).toMatchObject({ hash });
      await remove(record);
      for (const secret of [record.hash, hash]) expect(await store.findByHash(secret)).toBeNull();
    }
    expect(await tokenKeysWithPrefix(client, keyPrefix)).toEqual([]);
  });

  test('metadata naming another token\'s hash (as "hash" or "previous") changes nothing but its own token', async () => {
    const other = makeRecord();
    await store.insert(other);
    const decoy = makeRecord({ metadata: { hash: other.hash, previous: { hash: other.hash, hint: 'kw_fake', expiresAt: 1 } } });
    await store.insert(decoy);
    const hash = makeHash();
    await store.roll(decoy.organizationId, decoy.id, { hash, hint: 'kw_dec1', previousExpiresAt: GRACE_END });
    expect((await store.deleteMany(decoy.organizationId, [decoy.id])).missing).toEqual([]);
    for (const secret of [decoy.hash, hash]) expect(await store.findByHash(secret)).toBeNull();
    expect(await store.findByHash(other.hash)).toEqual(other);
  });

  test('a deletion that read a token before a rename frees the new name', async () => {
    const record = makeRecord({ name: 'Before', nameKey: 'before' });
    await store.insert(record);
    const ctx = createContext({ client, keyPrefix });
    const steps = removeSteps(ctx, [{ record, hashes: [record.hash] }]);
    expect(await store.update(record.organizationId, record.id, { name: 'After', nameKey: 'after' })).toMatchObject({ name: 'After' });
    await runSteps(steps);
    expect(await store.insert(makeRecord({ name: 'After', nameKey: 'after' }))).toBe('ok');
    expect(await store.insert(makeRecord({ name: 'Before', nameKey: 'before' }))).toBe('ok');
  });
});
