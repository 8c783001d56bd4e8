import type { TokenRecord, TokenStore } from '@keyward/core';
import { expect, test } from 'vitest';
import { makeHash, makeRecord } from './records.js';

/**
 * The conformance tests of what a token carries and how it changes after creation: permissions and
 * metadata, roll (a new secret, the old one kept for a grace period), rename, and the expiring-soon
 * listing. `store()` is the current test's store.
 */
export function describeLifecycle(store: () => TokenStore, timeout: number): void {
  async function insertAll(records: TokenRecord[]): Promise<void> {
    for (const record of records) expect(await store().insert(record)).toBe('ok');
  }

  const GRACE_END = 1_900_000_000_000;

  test('insert() keeps permissions, metadata and a previous secret field for field', { timeout }, async () => {
    const record = makeRecord({
      permissions: ['builds:read', 'deploys:write'],
      metadata: { team: 'web', limits: { rpm: 600 }, tags: ['a', 'ü'], on: true, none: null },
      previous: { hash: makeHash(), hint: 'kw_old1', expiresAt: GRACE_END },
    });
    await insertAll([record]);
    expect(await store().findByHash(record.hash)).toEqual(record);
    expect(await store().findByHash(record.previous!.hash)).toEqual(record);
    expect(await store().get(record.organizationId, record.id)).toEqual(record);
    expect((await store().list(record.organizationId, { limit: 10 })).items).toEqual([record]);
  });

  test('roll() with a grace period: the new and the old secret both find the updated record', { timeout }, async () => {
    const record = makeRecord({ permissions: ['builds:read'], metadata: { a: 1 }, expiresAt: 2_000_000_000_000, lastUsedAt: 1_700_000_000_500 });
    await insertAll([record]);
    const hash = makeHash();
    const rolled = await store().roll(record.organizationId, record.id, { hash, hint: 'kw_new1', previousExpiresAt: GRACE_END });
    const expected: TokenRecord = { ...record, hash, hint: 'kw_new1', previous: { hash: record.hash, hint: record.hint, expiresAt: GRACE_END } };
    expect(rolled).toEqual(expected);
    expect(await store().findByHash(hash)).toEqual(expected);
    expect(await store().findByHash(record.hash)).toEqual(expected);
    expect(await store().get(record.organizationId, record.id)).toEqual(expected);
    expect((await store().list(record.organizationId, { limit: 10 })).items).toEqual([expected]);
  });

  test('roll() without a grace period: the old secret finds nothing at once', { timeout }, async () => {
    const record = makeRecord();
    await insertAll([record]);
    const hash = makeHash();
    const rolled = await store().roll(record.organizationId, record.id, { hash, hint: 'kw_new2', previousExpiresAt: null });
    expect(rolled).toEqual({ ...record, hash, hint: 'kw_new2', previous: null });
    expect(await store().findByHash(record.hash)).toBeNull();
    expect(await store().findByHash(hash)).toEqual(rolled);
  });

  test('roll() twice inside a grace period: the first secret stops at once, the second becomes the previous one', { timeout }, async () => {
    const record = makeRecord();
    await insertAll([record]);
    const second = makeHash();
    const third = makeHash();
    await store().roll(record.organizationId, record.id, { hash: second, hint: 'kw_two2', previousExpiresAt: GRACE_END });
    const rolled = await store().roll(record.organizationId, record.id, { hash: third, hint: 'kw_thr3', previousExpiresAt: GRACE_END + 1 });
    expect(rolled?.previous).toEqual({ hash: second, hint: 'kw_two2', expiresAt: GRACE_END + 1 });
    expect(await store().findByHash(record.hash)).toBeNull();
    expect((await store().findByHash(second))?.hash).toBe(third);
    expect((await store().findByHash(third))?.hash).toBe(third);
  });

  test('roll() of an unknown or foreign id returns null and writes nothing', { timeout }, async () => {
    const record = makeRecord({ organizationId: 'org_a' });
    await insertAll([record]);
    const hash = makeHash();
    expect(await store().roll('org_b', record.id, { hash, hint: 'kw_x', previousExpiresAt: GRACE_END })).toBeNull();
    expect(await store().roll('org_a', 'tok_missing', { hash, hint: 'kw_x', previousExpiresAt: GRACE_END })).toBeNull();
    expect(await store().findByHash(hash)).toBeNull();
    expect(await store().findByHash(record.hash)).toEqual(record);
  });

  test('deleteMany() after a roll: neither the new nor the previous secret finds anything', { timeout }, async () => {
    const record = makeRecord();
    await insertAll([record]);
    const hash = makeHash();
    await store().roll(record.organizationId, record.id, { hash, hint: 'kw_new3', previousExpiresAt: GRACE_END });
    const result = await store().deleteMany(record.organizationId, [record.id]);
    expect(result.deleted.map((r) => r.hash)).toEqual([hash]);
    expect(await store().findByHash(hash)).toBeNull();
    expect(await store().findByHash(record.hash)).toBeNull();
  });

  test('deleteByProject() after a roll: neither the new nor the previous secret finds anything', { timeout }, async () => {
    const record = makeRecord({ scope: { kind: 'project', projectId: 'proj_roll' } });
    await insertAll([record]);
    const hash = makeHash();
    await store().roll(record.organizationId, record.id, { hash, hint: 'kw_new4', previousExpiresAt: GRACE_END });
    expect((await store().deleteByProject('proj_roll')).map((r) => r.id)).toEqual([record.id]);
    expect(await store().findByHash(hash)).toBeNull();
    expect(await store().findByHash(record.hash)).toBeNull();
    expect(await store().get(record.organizationId, record.id)).toBeNull();
  });

  test('deleteExpired() after a roll: neither the new nor the previous secret finds anything', { timeout }, async () => {
    const record = makeRecord({ expiresAt: 1_000 });
    await insertAll([record]);
    const hash = makeHash();
    await store().roll(record.organizationId, record.id, { hash, hint: 'kw_new5', previousExpiresAt: 900 });
    expect((await store().deleteExpired(2_000)).map((r) => r.id)).toEqual([record.id]);
    expect(await store().findByHash(hash)).toBeNull();
    expect(await store().findByHash(record.hash)).toBeNull();
  });

  test('update() renames a token and frees its old name; its secret and everything else stay', { timeout }, async () => {
    const record = makeRecord({ name: 'Old', nameKey: 'old', metadata: { keep: true } });
    await insertAll([record]);
    const updated = await store().update(record.organizationId, record.id, { name: 'New', nameKey: 'new' });
    expect(updated).toEqual({ ...record, name: 'New', nameKey: 'new' });
    expect(await store().findByHash(record.hash)).toEqual(updated);
    expect(await store().insert(makeRecord({ name: 'OLD', nameKey: 'old' }))).toBe('ok');
    expect(await store().insert(makeRecord({ name: 'NEW', nameKey: 'new' }))).toBe('name_taken');
  });

  test('update() to a name key another token of the organization uses returns name_taken and writes nothing', { timeout }, async () => {
    const [a, b, other] = [
      makeRecord({ name: 'A', nameKey: 'a' }),
      makeRecord({ name: 'B', nameKey: 'b' }),
      makeRecord({ organizationId: 'org_2', name: 'C', nameKey: 'c' }),
    ];
    await insertAll([a!, b!, other!]);
    expect(await store().update(a!.organizationId, a!.id, { name: 'b', nameKey: 'b', metadata: { x: 1 } })).toBe('name_taken');
    expect(await store().get(a!.organizationId, a!.id)).toEqual(a);
    // Another organization's name is no clash, nor is a token's own name key in another case.
    expect(await store().update(a!.organizationId, a!.id, { name: 'C', nameKey: 'c' })).toMatchObject({ name: 'C' });
    expect(await store().update(b!.organizationId, b!.id, { name: 'b', nameKey: 'b' })).toMatchObject({ name: 'b' });
  });

  test('update() sets and clears metadata and leaves the name alone when none is given', { timeout }, async () => {
    const record = makeRecord();
    await insertAll([record]);
    const metadata = { plan: 'pro', nested: { list: [1, 'two', { three: 3 }] } };
    expect(await store().update(record.organizationId, record.id, { metadata })).toEqual({ ...record, metadata });
    expect(await store().findByHash(record.hash)).toEqual({ ...record, metadata });
    expect(await store().update(record.organizationId, record.id, { metadata: null })).toEqual(record);
  });

  test('of 10 concurrent update()s to one new name key, exactly one succeeds', { timeout }, async () => {
    const records = Array.from({ length: 10 }, () => makeRecord());
    await insertAll(records);
    const outcomes = await Promise.all(records.map((r) => store().update(r.organizationId, r.id, { name: 'Taken', nameKey: 'taken' })));
    expect(outcomes.filter((o) => o !== 'name_taken' && o !== null)).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'name_taken')).toHaveLength(9);
  });

  test('update() of an unknown or foreign id returns null', { timeout }, async () => {
    const record = makeRecord({ organizationId: 'org_a' });
    await insertAll([record]);
    expect(await store().update('org_b', record.id, { metadata: { x: 1 } })).toBeNull();
    expect(await store().update('org_a', 'tok_missing', { name: 'N', nameKey: 'n' })).toBeNull();
    expect(await store().get('org_a', record.id)).toEqual(record);
  });

  test('listExpiring() returns the window (after, by] of every organization, soonest first, ties by id', { timeout }, async () => {
    const at = (expiresAt: number | null, organizationId = 'org_1') => makeRecord({ expiresAt, organizationId });
    const inside = [at(2_000, 'org_b'), at(3_000), at(3_000, 'org_a'), at(3_000, 'org_c'), at(5_000)];
    const outside = [at(1_000), at(1_999), at(5_001), at(null)];
    await insertAll([...outside, ...inside]);
    const page = await store().listExpiring({ expiresAfter: 1_999, expiresBy: 5_000, limit: 100 });
    const expected = [...inside].sort((x, y) => x.expiresAt! - y.expiresAt! || (x.id < y.id ? -1 : 1));
    expect(page.items).toEqual(expected);
    expect(page.next).toBeNull();
  });

  test('listExpiring() pages with after: every token exactly once, in order, next null on the last page', { timeout }, async () => {
    const records = Array.from({ length: 23 }, (_, i) => makeRecord({ expiresAt: 10_000 + (i % 4), organizationId: `org_${i % 3}` }));
    await insertAll(records);
    const seen: string[] = [];
    let after;
    for (let page = 0; page < 100; page++) {
      const result = await store().listExpiring({ expiresAfter: 0, expiresBy: 20_000, limit: 5, after });
      seen.push(...result.items.map((r) => r.id));
      if (!result.next) break;
      after = result.next;
    }
    const expected = [...records].sort((x, y) => x.expiresAt! - y.expiresAt! || (x.id < y.id ? -1 : 1)).map((r) => r.id);
    expect(seen).toEqual(expected);
  });

  test('listExpiring() with a cursor at the window\'s start still leaves out tokens expiring at that instant', { timeout }, async () => {
    const [edge, inside] = [makeRecord({ expiresAt: 6_000 }), makeRecord({ expiresAt: 6_001 })];
    await insertAll([edge!, inside!]);
    const page = await store().listExpiring({ expiresAfter: 6_000, expiresBy: 7_000, limit: 10, after: { expiresAt: 6_000, id: '' } });
    expect(page.items.map((r) => r.id)).toEqual([inside!.id]);
  });

  test('listExpiring() forgets deleted tokens and follows a roll (same expiry, new secret)', { timeout }, async () => {
    const [kept, gone] = [makeRecord({ expiresAt: 4_000 }), makeRecord({ expiresAt: 4_000 })];
    await insertAll([kept!, gone!]);
    await store().deleteMany(gone!.organizationId, [gone!.id]);
    const hash = makeHash();
    await store().roll(kept!.organizationId, kept!.id, { hash, hint: 'kw_new6', previousExpiresAt: 3_000 });
    const page = await store().listExpiring({ expiresAfter: 0, expiresBy: 5_000, limit: 10 });
    expect(page.items.map((r) => [r.id, r.hash])).toEqual([[kept!.id, hash]]);
  });
}
