import { StoreUnavailableError, type TokenStore } from '@keyward/core';
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

  test('a broken store refuses every other call with StoreUnavailableError, never an empty answer', { timeout }, async () => {
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
    for (const [method, call] of Object.entries(calls)) {
      const result = await outcome(call);
      expect(result, `${method}() on a broken store`).toBeInstanceOf(StoreUnavailableError);
    }
  });
}
