// Every token that verifies stays revocable, even when a failover (without durability) brought
// its lookup key back after its listing was removed. The failover is simulated here by restoring
// the lookup key (and index entry) a deletion removed; hardening/test/redis-failover.test.ts does
// it with a real Cluster.
import type { TokenRecord } from '@keyward/core';
import { makeHash, makeRecord, useLimitFields } from '@keyward/store-tests';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
import { redisStore, type RedisTokenStore } from '../src/index.js';
import { indexMember } from '../src/keys.js';
import { FAIL_FAST, deleteKeysWithPrefix, randomPrefix } from '@keyward/test-kit/redis-keys';

// The store keeps contract v3's limit fields and returns them from every read.
useLimitFields(true);

const client = new Redis({ ...FAIL_FAST, port: 6379 });
let keyPrefix: string;
let store: RedisTokenStore;

beforeEach(() => {
  keyPrefix = randomPrefix();
  store = redisStore({ client, keyPrefix });
});
afterEach(() => deleteKeysWithPrefix(client, keyPrefix));
afterAll(() => client.quit());

/** Deletes `records` through the store, then puts back their lookup keys, as a failover that lost those writes would. */
async function deleteThenRevive(records: TokenRecord[], alsoIndex = false): Promise<void> {
  const dumps = await Promise.all(records.map((r) => client.dumpBuffer(`${keyPrefix}h:${r.hash}`)));
  const result = await store.deleteMany(records[0]!.organizationId, records.map((r) => r.id));
  expect(result.missing).toEqual([]);
  await Promise.all(records.map((r, i) => client.restore(`${keyPrefix}h:${r.hash}`, 0, dumps[i]!)));
  if (alsoIndex) {
    for (const r of records) {
      const member = indexMember(r.organizationId, r.id, r.hash);
      if (r.scope.kind === 'project') await client.sadd(`${keyPrefix}{p:${r.scope.projectId}}:tokens`, member);
      if (r.expiresAt !== null) await client.zadd(`${keyPrefix}expiring`, r.expiresAt, member);
    }
  }
  for (const r of records) {
    expect(await store.findByHash(r.hash)).not.toBeNull();
    expect(await store.get(r.organizationId, r.id)).toBeNull();
  }
}

describe('a token that verifies without being listed', () => {
  test('is deleted by id: deleteMany() finds it through the organization\'s record of recent deletions and reports it once', async () => {
    const records = [makeRecord(), makeRecord()];
    const listed = makeRecord();
    for (const r of [...records, listed]) await store.insert(r);
    await deleteThenRevive(records);
    const result = await store.deleteMany('org_1', [records[0]!.id, listed.id, records[1]!.id]);
    expect(result.deleted.map((r) => r.id).sort()).toEqual([records[0]!.id, listed.id, records[1]!.id].sort());
    for (const r of [...records, listed]) expect(await store.findByHash(r.hash)).toBeNull();
    // Nothing left to delete: the second time, not found.
    expect(await store.deleteMany('org_1', [records[0]!.id])).toEqual({ deleted: [], missing: [records[0]!.id] });
  });

  test('is removed by revokeProject() and pruneExpired() through its index entry, which carries the hash', async () => {
    const inProject = makeRecord({ scope: { kind: 'project', projectId: 'proj_back' } });
    const expired = makeRecord({ expiresAt: 1000 });
    for (const r of [inProject, expired]) await store.insert(r);
    await deleteThenRevive([inProject, expired], true);
    expect((await store.deleteByProject('proj_back')).map((r) => r.id)).toEqual([inProject.id]);
    expect((await store.deleteExpired(2000)).map((r) => r.id)).toEqual([expired.id]);
    for (const r of [inProject, expired]) expect(await store.findByHash(r.hash)).toBeNull();
  });

  test('is found by reconcile(), in bounded slices resumed with the cursor, and nothing listed is touched', async () => {
    const orphans = Array.from({ length: 30 }, () => makeRecord());
    const kept = Array.from({ length: 30 }, () => makeRecord({ organizationId: 'org_2' }));
    for (const r of [...orphans, ...kept]) await store.insert(r);
    // Without the record of recent deletions: only reconcile() can find these.
    await deleteThenRevive(orphans);
    await client.del(`${keyPrefix}{o:org_1}:gone`);

    const removed: TokenRecord[] = [];
    let cursor: string | null = null;
    let calls = 0;
    do {
      const slice = await store.reconcile({ cursor, limit: 10 });
      removed.push(...slice.removed);
      cursor = slice.cursor;
      calls++;
    } while (cursor !== null && calls < 1000);
    expect(cursor).toBeNull();
    expect(calls).toBeGreaterThan(1);
    expect(removed.map((r) => r.id).sort()).toEqual(orphans.map((r) => r.id).sort());
    for (const r of orphans) expect(await store.findByHash(r.hash)).toBeNull();
    for (const r of kept) expect(await store.findByHash(r.hash)).toEqual(r);
    // A second pass finds nothing.
    expect((await store.reconcile({ limit: 100_000 })).removed).toEqual([]);
  });

  test('reconcile() checks its options', async () => {
    await expect(store.reconcile({ limit: 0 })).rejects.toThrow(RangeError);
    await expect(store.reconcile({ limit: 0 })).rejects.toThrow(/options\.limit/);
    await expect(store.reconcile({ cursor: 'nope' })).rejects.toThrow(/options\.cursor/);
  });
});

describe('insert racing revokeProject()', () => {
  test('a token whose listing a revocation removed between the insert\'s steps does not verify', async () => {
    const record = makeRecord({ scope: { kind: 'project', projectId: 'proj_race' } });
    // Run the revocation right after the insert's index step, before its lookup key is written.
    const commands = client as unknown as Record<string, (...a: unknown[]) => Promise<number>>;
    let revoked: TokenRecord[] = [];
    const racing = new Proxy(client, {
      get(target, property) {
        if (property === 'keywardV4WriteLookup') {
          return async (...args: unknown[]) => {
            revoked = await redisStore({ client, keyPrefix }).deleteByProject('proj_race');
            return commands.keywardV4WriteLookup!.apply(client, args);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const racingStore = redisStore({ client: racing as Redis, keyPrefix });
    expect(await racingStore.insert(record)).toBe('ok');
    expect(revoked.map((r) => r.id)).toEqual([record.id]);
    expect(await store.findByHash(record.hash)).toBeNull();
    expect(await store.get('org_1', record.id)).toBeNull();
  });
});

describe('the record of recent deletions', () => {
  test('expires a day after the last deletion of the organization', async () => {
    const record = makeRecord();
    await store.insert(record);
    await store.deleteMany('org_1', [record.id]);
    for (const key of [`${keyPrefix}{o:org_1}:gone`, `${keyPrefix}{o:org_1}:goneAt`]) {
      const ttl = await client.pttl(key);
      expect(ttl).toBeGreaterThan(86_400_000 - 60_000);
      expect(ttl).toBeLessThanOrEqual(86_400_000);
    }
  });
});

describe('a rolled token that a failover brought back after its deletion', () => {
  const GRACE_END = Date.now() + 3_600_000;

  /** A project-scoped, expiring token rolled with a grace period: two live secrets. */
  async function rolledToken(): Promise<{ record: TokenRecord; hashes: string[] }> {
    const record = makeRecord({ scope: { kind: 'project', projectId: 'proj_back' }, expiresAt: 1000 });
    await store.insert(record);
    const hash = makeHash();
    await store.roll(record.organizationId, record.id, { hash, hint: 'kw_back', previousExpiresAt: GRACE_END });
    return { record, hashes: [hash, record.hash] };
  }

  /** Deletes the token, then restores both lookup keys and its index entries (carrying the hash at insert), as a failover that lost those writes would. */
  async function deleteThenReviveBoth({ record, hashes }: { record: TokenRecord; hashes: string[] }): Promise<void> {
    const dumps = await Promise.all(hashes.map((h) => client.dumpBuffer(`${keyPrefix}h:${h}`)));
    expect((await store.deleteMany(record.organizationId, [record.id])).missing).toEqual([]);
    await Promise.all(hashes.map((h, i) => client.restore(`${keyPrefix}h:${h}`, 0, dumps[i]!)));
    const member = indexMember(record.organizationId, record.id, record.hash);
    await client.sadd(`${keyPrefix}{p:proj_back}:tokens`, member);
    await client.zadd(`${keyPrefix}expiring`, 1000, member);
    for (const h of hashes) expect(await store.findByHash(h)).not.toBeNull();
  }

  test('deleteMany() by id removes both secrets, found through the record of recent deletions, and reports the token once', async () => {
    const token = await rolledToken();
    await deleteThenReviveBoth(token);
    const result = await store.deleteMany(token.record.organizationId, [token.record.id]);
    expect(result.deleted.map((r) => r.id)).toEqual([token.record.id]);
    for (const h of token.hashes) expect(await store.findByHash(h)).toBeNull();
  });

  test('revokeProject() and pruneExpired() remove both secrets through the index entry, which carries only the hash at insert', async () => {
    for (const sweep of [() => store.deleteByProject('proj_back'), () => store.deleteExpired(2000)]) {
      const token = await rolledToken();
      await deleteThenReviveBoth(token);
      expect((await sweep()).map((r) => r.id)).toEqual([token.record.id]);
      for (const h of token.hashes) expect(await store.findByHash(h)).toBeNull();
    }
  });

  test('reconcile() removes both secrets without the record of recent deletions, and reports the token once', async () => {
    const token = await rolledToken();
    await deleteThenReviveBoth(token);
    await client.del(`${keyPrefix}{o:org_1}:gone`);
    const removed: TokenRecord[] = [];
    let cursor: string | null = null;
    do {
      const slice = await store.reconcile({ cursor });
      removed.push(...slice.removed);
      cursor = slice.cursor;
    } while (cursor !== null);
    for (const h of token.hashes) expect(await store.findByHash(h)).toBeNull();
    // One per lookup key scanned: the two keys may come back in different SCAN slices.
    expect(new Set(removed.map((r) => r.id))).toEqual(new Set([token.record.id]));
  });
});
