// An action and its audit entry are one on the memory store too: the only way to stop it between
// the two is an entry that cannot be stored (its draft's `changes` throw when copied). Each
// management action must then store neither the change nor the entry.
import { memoryStore, type AuditDraft, type TokenRecord } from '@keyward/core';
import { makeDraft, makeHash, makeRecord, useLimitFields } from '@keyward/store-tests';
import { afterAll, describe, expect, test } from 'vitest';

useLimitFields(true);
afterAll(() => useLimitFields(false));

type Store = ReturnType<typeof memoryStore>;

const ACTIONS: Array<{ name: string; record: () => TokenRecord; run: (s: Store, r: TokenRecord, d: AuditDraft) => Promise<unknown> }> = [
  { name: 'insert', record: () => makeRecord(), run: (s, r, d) => s.insert(r, d) },
  { name: 'update (rename)', record: () => makeRecord(), run: (s, r, d) => s.update(r.organizationId, r.id, { name: 'Renamed', nameKey: 'renamed' }, d) },
  { name: 'update (pause)', record: () => makeRecord(), run: (s, r, d) => s.update(r.organizationId, r.id, { enabled: false }, d) },
  { name: 'update (credits)', record: () => makeRecord(), run: (s, r, d) => s.update(r.organizationId, r.id, { remaining: 5 }, d) },
  { name: 'roll', record: () => makeRecord(), run: (s, r, d) => s.roll(r.organizationId, r.id, { hash: makeHash(), hint: 'kw_roll', previousExpiresAt: null }, d) },
  { name: 'deleteMany', record: () => makeRecord(), run: (s, r, d) => s.deleteMany(r.organizationId, [r.id], d) },
  { name: 'deleteByProject', record: () => makeRecord({ scope: { kind: 'project', projectId: 'proj_gone' } }), run: (s, r, d) => s.deleteByProject('proj_gone', d) },
  { name: 'deleteExpired', record: () => makeRecord({ expiresAt: 1000 }), run: (s, _r, d) => s.deleteExpired(2000, d) },
];

/** A draft whose entry cannot be stored: copying its `changes` throws. */
function unstorableDraft(): AuditDraft {
  return makeDraft({
    changes: Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('audit write refused by the test');
      },
    }),
  });
}

async function stateOf(store: Store, record: TokenRecord): Promise<unknown> {
  const entries = await store.auditLog(record.organizationId, { tokenId: record.id, limit: 10 });
  return { token: await store.get(record.organizationId, record.id), byHash: store.findByHash(record.hash), list: await store.list(record.organizationId, { limit: 10 }), entries: entries.items.length };
}

describe('memory store: an action and its audit entry are stored together or not at all', () => {
  for (const action of ACTIONS) {
    test(`${action.name}: an entry that cannot be stored fails the call, and the action is not stored either`, async () => {
      const store = memoryStore();
      const record = action.record();
      if (action.name !== 'insert') expect(await store.insert(record)).toBe('ok');
      const before = await stateOf(store, record);
      await expect(action.run(store, record, unstorableDraft())).rejects.toThrow('audit write refused by the test');
      expect(await stateOf(store, record)).toEqual(before);
      // And the store still works: the same action with a good draft stores both.
      await action.run(store, record, makeDraft());
      expect(((await stateOf(store, record)) as { entries: number }).entries).toBe(1);
    });
  }
});
