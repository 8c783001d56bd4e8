import { StoreUnavailableError, type AuditStore, type LimitsStore, type TokenStore, type UsageStore } from '@keyward/core';
import { expect, test } from 'vitest';
import { makeHash, makeRecord } from './records.js';

/**
 * Tests that a store fails closed once `breakStore` has cut it off from its data: every method
 * throws or rejects with `StoreUnavailableError`, and none answers "nothing there" instead.
 * `store()` is the current test's store.
 */
export function describeFailClosed(
  store: () => TokenStore,
  breakStore: (store: TokenStore) => void | Promise<void>,
  timeout: number,
): void {
  // A call that throws synchronously counts the same as one that rejects.
  const outcome = async (call: () => unknown): Promise<unknown> => {
    try {
      return { answered: await call() };
    } catch (error) {
      return error;
    }
  };

  test('a broken store never answers findByHash() with null: it throws StoreUnavailableError', { timeout }, async () => {
    const record = makeRecord();
    expect(await store().insert(record)).toBe('ok');
    await breakStore(store());
    expect(await outcome(() => store().findByHash(record.hash))).toBeInstanceOf(StoreUnavailableError);
    expect(await outcome(() => store().findByHash(makeRecord().hash))).toBeInstanceOf(StoreUnavailableError);
  });

  test('a broken store refuses every other call (contract v3 parts included) with StoreUnavailableError, never an empty answer', { timeout }, async () => {
    const record = makeRecord();
    expect(await store().insert(record)).toBe('ok');
    await breakStore(store());
    const s = store();
    const calls: Record<string, () => unknown> = {
      insert: () => s.insert(makeRecord()),
      get: () => s.get(record.organizationId, record.id),
      list: () => s.list(record.organizationId, { limit: 10 }),
      deleteMany: () => s.deleteMany(record.organizationId, [record.id]),
      deleteByProject: () => s.deleteByProject('proj_any'),
      deleteExpired: () => s.deleteExpired(Date.now()),
      touch: () => s.touch([{ id: record.id, organizationId: record.organizationId, lastUsedAt: Date.now() }]),
      roll: () => s.roll(record.organizationId, record.id, { hash: makeHash(), hint: 'kw_x', previousExpiresAt: null }),
      update: () => s.update(record.organizationId, record.id, { metadata: { x: 1 } }),
      listExpiring: () => s.listExpiring({ expiresAfter: 0, expiresBy: Date.now(), limit: 10 }),
    };
    // Contract v3 parts, when the store has them.
    const v3 = s as Partial<LimitsStore & AuditStore & UsageStore>;
    if (v3.spend) calls.spend = () => v3.spend!(record.organizationId, record.id, 1, Date.now());
    if (v3.auditLog) calls.auditLog = () => v3.auditLog!(record.organizationId, { limit: 10 });
    if (v3.pruneAudit) calls.pruneAudit = () => v3.pruneAudit!(Date.now());
    if (v3.addUsage) calls.addUsage = () => v3.addUsage!([{ tokenId: record.id, organizationId: record.organizationId, day: '2026-01-01', accepted: 1, refused: {} }]);
    if (v3.readUsage) calls.readUsage = () => v3.readUsage!(record.organizationId, { tokenId: null, fromDay: '2026-01-01', toDay: '2026-01-31' });
    if (v3.pruneUsage) calls.pruneUsage = () => v3.pruneUsage!('2026-01-01');
    for (const [method, call] of Object.entries(calls)) {
      const result = await outcome(call);
      expect(result, `${method}() on a broken store`).toBeInstanceOf(StoreUnavailableError);
    }
  });
}
