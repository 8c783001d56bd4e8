// A roll touches the organization's slot and up to three lookup keys on other slots, so it is a
// sequence of steps. These tests stop it after each step (as a crash would), interleave two rolls,
// and race it with deletions, and check what matters most: a deleted token never verifies through
// any of its secrets, and nothing verifies that its listing does not name.
import type { TokenRecord } from '@keyward/core';
import { makeHash, makeRecord, useLimitFields } from '@keyward/store-tests';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
import { rollSteps } from '../src/changes.js';
import { createContext, type StoreContext } from '../src/context.js';
import { redisStore, type RedisTokenStore } from '../src/index.js';
import { waitUntil } from '@keyward/test-kit/net';
import { FAIL_FAST, deleteKeysWithPrefix, tokenKeysWithPrefix, randomPrefix, verifiableRecords } from '@keyward/test-kit/redis-keys';

// The store keeps contract v3's limit fields and returns them from every read.
useLimitFields(true);

const client = new Redis({ ...FAIL_FAST, port: 6379 });
const GRACE_END = Date.now() + 86_400_000;
let keyPrefix: string;
let ctx: StoreContext;
let store: RedisTokenStore;

beforeEach(() => {
  keyPrefix = randomPrefix('roll');
  ctx = createContext({ client, keyPrefix });
  store = redisStore({ client, keyPrefix });
});
afterEach(() => deleteKeysWithPrefix(client, keyPrefix));
afterAll(() => client.quit());

/** Runs the first `count` steps of a roll (all when omitted), stopping early if one says the roll is over. */
async function rollPart(record: TokenRecord, hash: string, count: number, previousExpiresAt: number | null = GRACE_END): Promise<void> {
  const { steps } = rollSteps(ctx, record.organizationId, record.id, { hash, hint: 'kw_part', previousExpiresAt });
  for (const step of steps.slice(0, count)) if (!(await step())) return;
}

/**
 * Every lookup key belongs to a listed token and holds one of the secrets its listing names (or a
 * retired one, which the listing still names for deletion): no secret verifies that no deletion would find.
 */
async function expectEveryLookupKeyNamed(): Promise<void> {
  for (const found of await verifiableRecords(client, keyPrefix)) {
    const listed = await store.get(found.organizationId, found.id);
    expect(listed, `lookup key of ${found.id} without a listing`).not.toBeNull();
  }
}

const deletions = {
  deleteMany: (r: TokenRecord) => store.deleteMany(r.organizationId, [r.id]),
  deleteByProject: () => store.deleteByProject('proj_roll'),
  deleteExpired: () => store.deleteExpired(5_000_000_000_000),
} as const;

describe('a roll stopped after any of its steps', () => {
  for (const [name, remove] of Object.entries(deletions)) {
    test(`leaves every secret named by the listing, and ${name}() then stops all three (older previous, current, new)`, async () => {
      const STEPS = 4;
      for (let done = 0; done <= STEPS; done++) {
        const record = makeRecord({ scope: { kind: 'project', projectId: 'proj_roll' }, expiresAt: 4_000_000_000_000 });
        expect(await store.insert(record)).toBe('ok');
        // A first roll with a grace period: the token has a previous secret.
        const second = makeHash();
        await rollPart(record, second, STEPS);
        const third = makeHash();
        await rollPart(record, third, done);
        await expectEveryLookupKeyNamed();
        // Whatever the prefix, the token is listed and at least one live secret verifies.
        expect(await store.get(record.organizationId, record.id)).not.toBeNull();
        const live = done >= 2 ? [third, second] : [second];
        for (const hash of live) expect((await store.findByHash(hash))?.id).toBe(record.id);
        if (done === STEPS) expect(await store.findByHash(record.hash)).toBeNull();

        await remove(record);
        for (const hash of [record.hash, second, third]) expect(await store.findByHash(hash)).toBeNull();
        expect(await verifiableRecords(client, keyPrefix)).toEqual([]);
      }
      expect(await tokenKeysWithPrefix(client, keyPrefix)).toEqual([]);
    });
  }

  test('without a grace period, the current secret stops once the roll has retired it, and never outlives a deletion', async () => {
    for (let done = 0; done <= 4; done++) {
      const record = makeRecord();
      await store.insert(record);
      const next = makeHash();
      await rollPart(record, next, done, null);
      await expectEveryLookupKeyNamed();
      if (done >= 3) expect(await store.findByHash(record.hash)).toBeNull();
      expect((await store.deleteMany(record.organizationId, [record.id])).missing).toEqual([]);
      for (const hash of [record.hash, next]) expect(await store.findByHash(hash)).toBeNull();
    }
    expect(await verifiableRecords(client, keyPrefix)).toEqual([]);
  });

  test('reconcile() removes the lookup key of a secret a stopped roll retired, keeps the live ones, and reports nothing (the token is listed)', async () => {
    const record = makeRecord();
    await store.insert(record);
    const next = makeHash();
    await rollPart(record, next, 2, null);
    expect((await store.findByHash(record.hash))?.id).toBe(record.id);
    let cursor: string | null = null;
    do {
      const slice = await store.reconcile({ cursor });
      expect(slice.removed).toEqual([]);
      cursor = slice.cursor;
    } while (cursor !== null);
    expect(await store.findByHash(record.hash)).toBeNull();
    expect(await store.findByHash(next)).toMatchObject({ id: record.id, hash: next });
  });

  test('reconcile() finishes a roll stopped before rewriting the old secret: it then answers as the previous one and expires', async () => {
    const record = makeRecord();
    await store.insert(record);
    const next = makeHash();
    await rollPart(record, next, 2);
    // The old secret's lookup key still holds the record from before the roll, with no expiry.
    expect(await store.findByHash(record.hash)).toMatchObject({ hash: record.hash, previous: null });
    expect(await client.pttl(`${keyPrefix}h:${record.hash}`)).toBe(-1);
    let cursor: string | null = null;
    do {
      const slice = await store.reconcile({ cursor });
      expect(slice.removed).toEqual([]);
      cursor = slice.cursor;
    } while (cursor !== null);
    expect(await store.findByHash(record.hash)).toMatchObject({ hash: next, previous: { hash: record.hash, expiresAt: GRACE_END } });
    expect(await client.pttl(`${keyPrefix}h:${record.hash}`)).toBeGreaterThan(0);
  });

  test('a token deleted between a roll\'s steps: the roll takes its new lookup key back and answers null', async () => {
    for (let done = 1; done <= 3; done++) {
      const record = makeRecord();
      await store.insert(record);
      const next = makeHash();
      const { steps, result } = rollSteps(ctx, record.organizationId, record.id, { hash: next, hint: 'kw_race', previousExpiresAt: GRACE_END });
      for (const step of steps.slice(0, done)) await step();
      expect((await store.deleteMany(record.organizationId, [record.id])).missing).toEqual([]);
      for (const step of steps.slice(done)) if (!(await step())) break;
      expect(result()).toBeNull();
      for (const hash of [record.hash, next]) expect(await store.findByHash(hash)).toBeNull();
    }
    expect(await verifiableRecords(client, keyPrefix)).toEqual([]);
  });
});

describe('two rolls of one token interleaved', () => {
  test('whichever steps of the first run around the second, a deletion afterwards stops every secret', async () => {
    for (let before = 1; before <= 4; before++) {
      for (let after = before; after <= 4; after++) {
        for (const grace of [GRACE_END, null]) {
          const record = makeRecord();
          await store.insert(record);
          const first = makeHash();
          const second = makeHash();
          const { steps } = rollSteps(ctx, record.organizationId, record.id, { hash: first, hint: 'kw_one1', previousExpiresAt: GRACE_END });
          for (const step of steps.slice(0, before)) await step();
          await rollPart(record, second, 4, grace);
          // The first roll's confirmation takes its lookup key back when the second retired its secret (no grace).
          for (const step of steps.slice(before, after)) await step();
          await expectEveryLookupKeyNamed();
          expect((await store.findByHash(second))?.hash).toBe(second);
          expect((await store.deleteMany(record.organizationId, [record.id])).missing).toEqual([]);
          for (const hash of [record.hash, first, second]) expect(await store.findByHash(hash), `before ${before}, after ${after}, grace ${grace}`).toBeNull();
        }
      }
    }
    expect(await verifiableRecords(client, keyPrefix)).toEqual([]);
  });

  test('once both finished, only the secrets the record names verify; the first, superseded by the second, still succeeded', async () => {
    const record = makeRecord();
    await store.insert(record);
    const first = makeHash();
    const second = makeHash();
    const { steps, result } = rollSteps(ctx, record.organizationId, record.id, { hash: first, hint: 'kw_one1', previousExpiresAt: GRACE_END });
    await steps[0]();
    await rollPart(record, second, 4, null);
    await steps[1]();
    await steps[2]();
    // The second roll read the first one's record and retired its secret: the first came before
    // it (as two UPDATEs queued on a row lock) and answers its record, already superseded.
    expect(await steps[3]()).toBe(true);
    expect(result()).toMatchObject({ hash: first, previous: { hash: record.hash, expiresAt: GRACE_END } });
    // The second roll dropped `first` at once; the first roll, finishing late, must not revive it.
    expect(await store.findByHash(first)).toBeNull();
    expect(await store.findByHash(record.hash)).toBeNull();
    expect(await store.get(record.organizationId, record.id)).toMatchObject({ hash: second, previous: null });
    expect((await verifiableRecords(client, keyPrefix)).map((r) => r.hash)).toEqual([second]);
  });
});

describe('concurrent rolls of one token', () => {
  test('from several instances (a compare-and-set race no in-process queue settles): every roll succeeds, they form one chain, only the record\'s secrets verify', async () => {
    const instances = Array.from({ length: 4 }, () => new Redis({ ...FAIL_FAST, port: 6379 }));
    try {
      const stores = instances.map((c) => redisStore({ client: c, keyPrefix }));
      for (let round = 0; round < 5; round++) {
        const record = makeRecord();
        await store.insert(record);
        const hashes = Array.from({ length: 12 }, makeHash);
        const outcomes = await Promise.allSettled(hashes.map((hash, i) => stores[i % stores.length]!.roll(record.organizationId, record.id, { hash, hint: 'kw_cc', previousExpiresAt: GRACE_END })));
        expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
        const rolled = outcomes.map((o) => (o as PromiseFulfilledResult<TokenRecord>).value);
        const current = (await store.get(record.organizationId, record.id))!;
        // One after another: the secrets replaced are the original and every rolled one but the last, once each.
        expect(rolled.map((r) => r.previous!.hash).sort()).toEqual([record.hash, ...hashes].filter((h) => h !== current.hash).sort());
        const live = [current.hash, current.previous!.hash];
        const verifying = (await verifiableRecords(client, keyPrefix)).map((r) => r.id);
        expect(new Set(verifying)).toEqual(new Set([record.id]));
        for (const hash of [record.hash, ...hashes]) expect((await store.findByHash(hash)) !== null).toBe(live.includes(hash));
        await store.deleteMany(record.organizationId, [record.id]);
      }
      expect(await verifiableRecords(client, keyPrefix)).toEqual([]);
    } finally {
      await Promise.all(instances.map((c) => c.quit()));
    }
  });
});

describe('rolls racing deletions', () => {
  test('20 rolls and a deleteMany of one token at once: afterwards no secret verifies', async () => {
    for (let round = 0; round < 10; round++) {
      const record = makeRecord({ scope: { kind: 'project', projectId: 'proj_roll' } });
      await store.insert(record);
      const hashes = Array.from({ length: 20 }, makeHash);
      const rolls = hashes.map((hash, i) => store.roll(record.organizationId, record.id, { hash, hint: 'kw_rc', previousExpiresAt: i % 2 ? GRACE_END : null }));
      const removal = round % 2 ? store.deleteMany(record.organizationId, [record.id]) : store.deleteByProject('proj_roll');
      // A roll that lost the race to the deletion answers null; none fails.
      await Promise.all([...rolls, removal]);
      await store.deleteByProject('proj_roll');
      for (const hash of [record.hash, ...hashes]) expect(await store.findByHash(hash)).toBeNull();
    }
    expect(await verifiableRecords(client, keyPrefix)).toEqual([]);
    expect(await tokenKeysWithPrefix(client, keyPrefix)).toEqual([]);
  });
});

describe('the invalidation channel', () => {
  test('roll() announces the old current and the dropped previous secret; update() announces the secrets it rewrote', async () => {
    const subscriber = new Redis({ ...FAIL_FAST, port: 6379 });
    try {
      const messages: string[][] = [];
      subscriber.on('message', (_channel: string, message: string) => messages.push(JSON.parse(message) as string[]));
      await subscriber.subscribe(`${keyPrefix}invalidate`);
      const record = makeRecord();
      await store.insert(record);
      const second = makeHash();
      const third = makeHash();
      await store.roll(record.organizationId, record.id, { hash: second, hint: 'kw_two2', previousExpiresAt: GRACE_END });
      await store.roll(record.organizationId, record.id, { hash: third, hint: 'kw_thr3', previousExpiresAt: null });
      await store.update(record.organizationId, record.id, { name: 'Renamed', nameKey: 'renamed' });
      // [third] twice: the second roll's rewrite of its new key, then the update's.
      const naming = (hash: string) => messages.filter((m) => m.length === 1 && m[0] === hash).length;
      await waitUntil('the update\'s message', async () => naming(third) >= 2);
      // First roll: the old current secret (rewritten as previous). Second: both older secrets, dropped.
      expect(naming(record.hash)).toBeGreaterThanOrEqual(1);
      expect(messages.flat()).toEqual(expect.arrayContaining([record.hash, second, third]));
      expect(messages.at(-1)).toEqual([third]);
    } finally {
      subscriber.disconnect();
    }
  });
});
