// The v2 methods on SQLite beyond what describeTokenStore asks of every store: the synchronous
// lookup of a previous secret, the argument checks, and what a roll leaves in the row.
import { sqliteStore } from '@keyward/sqlite';
import { makeRecord, useLimitFields } from '@keyward/store-tests';
import type { TokenRecord } from '@keyward/core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { tempDatabase, type TempDatabase } from './temp-db.js';

// The SQLite store keeps the contract v3 limit fields: its records always carry them.
useLimitFields(true);

let file: TempDatabase;
beforeEach(() => {
  file = tempDatabase();
});
afterEach(() => file.remove());

const record = (overrides: Partial<TokenRecord> = {}) => makeRecord({ permissions: null, metadata: null, previous: null, ...overrides });
const LATER = 2_000_000_000_000;

describe('sqliteStore v2', () => {
  test('permissions, metadata and previous round-trip through insert, findByHash, get, list and the deletes', async () => {
    const store = sqliteStore({ db: file.open() });
    const r = record({
      permissions: ['tokens:read', 'tokens:write'],
      metadata: { team: 'platform', nested: { n: 1, list: [true, null, 'é'] } },
      previous: { hash: 'old_hash', hint: 'kw_old_', expiresAt: LATER },
      scope: { kind: 'project', projectId: 'proj_1' },
    });
    expect(await store.insert(r)).toBe('ok');
    expect(store.findByHash(r.hash)).toEqual(r);
    expect(store.findByHash('old_hash')).toEqual(r);
    expect(await store.get(r.organizationId, r.id)).toEqual(r);
    expect((await store.list(r.organizationId, { limit: 10 })).items).toEqual([r]);
    expect(await store.deleteByProject('proj_1')).toEqual([r]);
    expect(store.findByHash('old_hash')).toBeNull();
  });

  test('findByHash() of a previous secret answers synchronously, with the record\'s current hash', async () => {
    const store = sqliteStore({ db: file.open() });
    const r = record();
    await store.insert(r);
    const rolled = await store.roll(r.organizationId, r.id, { hash: 'new_hash', hint: 'kw_new_', previousExpiresAt: LATER });
    const found = store.findByHash(r.hash);
    expect(found).not.toBeInstanceOf(Promise);
    expect(found).toEqual(rolled);
    expect(found).toMatchObject({ hash: 'new_hash', hint: 'kw_new_', previous: { hash: r.hash, hint: r.hint, expiresAt: LATER } });
  });

  test('roll() keeps every other column, touch() still applies to a rolled token, and deleteMany() returns the previous secret too', async () => {
    const store = sqliteStore({ db: file.open() });
    const r = record({ permissions: ['a'], metadata: { k: 'v' }, expiresAt: LATER + 1, lastUsedAt: 5 });
    await store.insert(r);
    const rolled = await store.roll(r.organizationId, r.id, { hash: 'new_hash', hint: 'kw_new_', previousExpiresAt: LATER });
    expect(rolled).toEqual({ ...r, hash: 'new_hash', hint: 'kw_new_', previous: { hash: r.hash, hint: r.hint, expiresAt: LATER } });
    await store.touch([{ id: r.id, organizationId: r.organizationId, lastUsedAt: 9 }]);
    const result = await store.deleteMany(r.organizationId, [r.id]);
    expect(result).toEqual({ deleted: [{ ...rolled, lastUsedAt: 9 }], missing: [] });
    expect(store.findByHash(r.hash)).toBeNull();
    expect(store.findByHash('new_hash')).toBeNull();
  });

  test('deleteExpired() and deleteByProject() return rolled records with their previous secret, and both secrets stop', async () => {
    const store = sqliteStore({ db: file.open() });
    const expiring = record({ expiresAt: 10 });
    const scoped = record({ scope: { kind: 'project', projectId: 'proj_9' } });
    await store.insert(expiring);
    await store.insert(scoped);
    const a = await store.roll(expiring.organizationId, expiring.id, { hash: 'a2', hint: 'kw_a2__', previousExpiresAt: LATER });
    const b = await store.roll(scoped.organizationId, scoped.id, { hash: 'b2', hint: 'kw_b2__', previousExpiresAt: LATER });
    expect(await store.deleteExpired(10)).toEqual([a]);
    expect(await store.deleteByProject('proj_9')).toEqual([b]);
    for (const hash of [expiring.hash, 'a2', scoped.hash, 'b2']) expect(store.findByHash(hash), hash).toBeNull();
  });

  test('update() with a name but no nameKey (or the reverse) is a TypeError naming both, and writes nothing', async () => {
    const store = sqliteStore({ db: file.open() });
    const r = record();
    await store.insert(r);
    await expect(store.update(r.organizationId, r.id, { name: 'X' })).rejects.toThrow(TypeError);
    await expect(store.update(r.organizationId, r.id, { nameKey: 'x' })).rejects.toThrow(/name.*nameKey/);
    expect(await store.get(r.organizationId, r.id)).toEqual(r);
  });

  test('update() to a name key taken in the organization is name_taken, even when it also changes metadata, and writes nothing', async () => {
    const store = sqliteStore({ db: file.open() });
    const a = record({ name: 'Alpha', nameKey: 'alpha' });
    const b = record({ name: 'Beta', nameKey: 'beta' });
    await store.insert(a);
    await store.insert(b);
    expect(await store.update(b.organizationId, b.id, { name: 'ALPHA', nameKey: 'alpha', metadata: { x: 1 } })).toBe('name_taken');
    expect(await store.get(b.organizationId, b.id)).toEqual(b);
    expect(await store.update(b.organizationId, b.id, { name: 'BETA', nameKey: 'beta' })).toEqual({ ...b, name: 'BETA' });
  });

  test('update() of metadata: undefined keeps it, null clears it, an object replaces it', async () => {
    const store = sqliteStore({ db: file.open() });
    const r = record({ metadata: { a: 1 } });
    await store.insert(r);
    expect(await store.update(r.organizationId, r.id, { metadata: undefined })).toEqual(r);
    expect(await store.update(r.organizationId, r.id, { metadata: { b: [2] } })).toEqual({ ...r, metadata: { b: [2] } });
    expect(await store.update(r.organizationId, r.id, { metadata: null })).toEqual({ ...r, metadata: null });
    expect((store.findByHash(r.hash) as TokenRecord | null)?.metadata).toBeNull();
  });

  test('listExpiring() with a cursor before or at the window\'s start answers the window\'s first page', async () => {
    const store = sqliteStore({ db: file.open() });
    const inside = [record({ expiresAt: 100 }), record({ expiresAt: 200 })];
    for (const r of [record({ expiresAt: 50 }), ...inside]) await store.insert(r);
    const page = await store.listExpiring({ expiresAfter: 50, expiresBy: 200, limit: 10, after: { expiresAt: 10, id: 'tok_zzz' } });
    expect(page).toEqual({ items: inside, next: null });
    // A cursor exactly at the window's start, before a token expiring at that instant: still outside.
    const atStart = await store.listExpiring({ expiresAfter: 50, expiresBy: 200, limit: 10, after: { expiresAt: 50, id: 'tok_' } });
    expect(atStart).toEqual({ items: inside, next: null });
  });
});
