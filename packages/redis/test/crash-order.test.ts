// Writes that span Cluster slots cannot be one transaction. These tests stop an insert or a
// deletion after each of its steps (as a crash would) and check the invariant the step order
// exists for: nothing verifies that is not listed.
import type { TokenStore } from '@keyward/core';
import { makeRecord, useLimitFields } from '@keyward/store-tests';
import { decodeLookup } from '../src/codec.js';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createContext, type StoreContext } from '../src/context.js';
import { redisStore } from '../src/index.js';
import { insertSteps, removeSteps, runSteps } from '../src/steps.js';
import { FAIL_FAST, deleteKeysWithPrefix, keysWithPrefix, tokenKeysWithPrefix, randomPrefix, lookupRecordJson } from '@keyward/test-kit/redis-keys';

// The store keeps contract v3's limit fields and returns them from every read.
useLimitFields(true);

const client = new Redis({ ...FAIL_FAST, port: 6379 });
let keyPrefix: string;
let ctx: StoreContext;
let store: TokenStore;

beforeEach(() => {
  keyPrefix = randomPrefix();
  ctx = createContext({ client, keyPrefix });
  store = redisStore({ client, keyPrefix });
});
afterEach(() => deleteKeysWithPrefix(client, keyPrefix));
afterAll(() => client.quit());

async function listedIds(organizationId: string): Promise<string[]> {
  return (await store.list(organizationId, { limit: 1000 })).items.map((r) => r.id);
}

/** Ids of tokens that verify (their lookup key exists) but that their organization does not list. */
async function verifiableButUnlisted(): Promise<string[]> {
  const lookupKeys = (await keysWithPrefix(client, keyPrefix)).filter((key) => key.startsWith(`${keyPrefix}h:`));
  const bad: string[] = [];
  for (const key of lookupKeys) {
    const record = decodeLookup((await lookupRecordJson(client, key))!, key.slice(`${keyPrefix}h:`.length), null);
    const listed = (await listedIds(record.organizationId)).includes(record.id);
    if (!listed || (await store.get(record.organizationId, record.id)) === null) bad.push(record.id);
  }
  return bad;
}

const tokenFor = (organizationId: string, i: number) =>
  makeRecord({ organizationId, name: `Crash ${i}`, nameKey: `crash ${i}`, scope: { kind: 'project', projectId: 'proj_crash' }, expiresAt: 5000 });

describe('interrupted writes keep "nothing verifies that is not listed"', () => {
  test('an insert stopped after any of its steps', async () => {
    const stepCount = insertSteps(ctx, makeRecord()).length;
    for (let done = 0; done <= stepCount; done++) {
      const record = tokenFor('org_crash', done);
      const [claim, ...rest] = insertSteps(ctx, record);
      if (done >= 1) expect(await claim()).toBe('ok');
      await runSteps(rest.slice(0, Math.max(0, done - 1)));

      expect(await verifiableButUnlisted()).toEqual([]);
      const verifies = (await store.findByHash(record.hash)) !== null;
      const listed = (await listedIds('org_crash')).includes(record.id);
      expect({ done, verifies, listed }).toEqual({ done, verifies: done === stepCount, listed: done >= 1 });
      // Whatever was left is still reachable by id, and deleting it frees the name.
      if (listed) expect(await store.deleteMany('org_crash', [record.id])).toMatchObject({ missing: [] });
      expect(await store.insert({ ...tokenFor('org_crash', done), nameKey: record.nameKey })).toBe('ok');
    }
  });

  test('a deletion stopped after any of its steps, then finished by deleteMany, deleteByProject or deleteExpired', async () => {
    const stepCount = removeSteps(ctx, []).length;
    for (let done = 0; done <= stepCount; done++) {
      const records = [tokenFor('org_a', 0), tokenFor('org_a', 1), tokenFor('org_b', 0), tokenFor('org_b', 1)];
      for (const record of records) expect(await store.insert(record)).toBe('ok');
      await runSteps(removeSteps(ctx, records.map((record) => ({ record, hashes: [record.hash] }))).slice(0, done));

      expect(await verifiableButUnlisted()).toEqual([]);
      for (const record of records) expect(await store.findByHash(record.hash)).toEqual(done >= 1 ? null : record);
      const stillListed = done < 2;
      expect(await listedIds('org_a')).toHaveLength(stillListed ? 2 : 0);

      // Finish it through the public API: listed leftovers by id, index leftovers by the sweeps.
      if (stillListed) {
        expect(await store.deleteMany('org_a', [records[0]!.id, records[1]!.id])).toMatchObject({ missing: [] });
        expect(await store.deleteMany('org_b', [records[2]!.id, records[3]!.id])).toMatchObject({ missing: [] });
      }
      expect(await store.deleteByProject('proj_crash')).toEqual([]);
      expect(await store.deleteExpired(5000)).toEqual([]);
      expect(await tokenKeysWithPrefix(client, keyPrefix)).toEqual([]);
    }
  });

  test('an insert that fails after claiming its name is undone: it neither verifies nor is listed, and the name is free', async () => {
    // A client whose lookup-key write fails, as if the connection dropped right before it.
    const broken = new Proxy(client, {
      get(target, property) {
        if (property === 'keywardV4WriteLookup') return () => Promise.reject(new Error('Connection is closed.'));
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const failing = redisStore({ client: broken, keyPrefix });
    const record = tokenFor('org_crash', 0);
    await expect(failing.insert(record)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(await store.findByHash(record.hash)).toBeNull();
    expect(await store.get('org_crash', record.id)).toBeNull();
    expect(await tokenKeysWithPrefix(client, keyPrefix)).toEqual([]);
    expect(await store.insert({ ...tokenFor('org_crash', 1), nameKey: record.nameKey })).toBe('ok');
  });

  test('an insert whose claim applied but whose reply was lost is undone too', async () => {
    const lostReply = new Proxy(client, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        if (property !== 'keywardV4Claim') return value.bind(target);
        return (...args: unknown[]) =>
          (value as (...a: unknown[]) => Promise<unknown>).apply(target, args).then(() => {
            throw new Error('Command timed out');
          });
      },
    });
    const failing = redisStore({ client: lostReply, keyPrefix });
    const record = tokenFor('org_crash', 0);
    await expect(failing.insert(record)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(await store.get('org_crash', record.id)).toBeNull();
    expect(await tokenKeysWithPrefix(client, keyPrefix)).toEqual([]);
  });
});
