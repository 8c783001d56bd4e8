import { memoryStore } from '@keyward/core';
import { describeTokenStore, makeRecord } from '@keyward/store-tests';
import { countingStore, type CountingStore } from '@keyward/test-kit/stores';
import { describe, expect, test } from 'vitest';

// Wrapped so the fail-closed tests can switch it off: the memory store itself never fails.
describeTokenStore('memoryStore', () => countingStore(memoryStore()), {
  breakStore: (store) => void ((store as CountingStore).down = true),
  parts: ['limits', 'rateLimiter', 'audit', 'usage'],
});

describe('memory store specifics', () => {
  test('findByHash hands out a frozen record that later uses replace rather than change', async () => {
    const store = memoryStore();
    const record = makeRecord();
    await store.insert(record);
    const found = store.findByHash(record.hash) as typeof record;
    expect(Object.isFrozen(found)).toBe(true);
    await store.touch([{ id: record.id, organizationId: record.organizationId, lastUsedAt: 1_800_000_000_000 }]);
    expect(found.lastUsedAt).toBeNull();
    expect((store.findByHash(record.hash) as typeof record).lastUsedAt).toBe(1_800_000_000_000);
  });

  test('a second token with an id already in use is refused, whatever its organization', async () => {
    const store = memoryStore();
    const record = makeRecord();
    await store.insert(record);
    await expect(store.insert(makeRecord({ id: record.id, organizationId: 'org_other' }))).rejects.toThrow(/already exists/);
  });

  test('lists newest first whatever the insertion order', async () => {
    const store = memoryStore();
    const records = [3, 1, 2, 2].map((t, i) => makeRecord({ createdAt: 1_700_000_000_000 + t, id: `tok_${i}` }));
    for (const r of records) await store.insert(r);
    const { items } = await store.list('org_1', { limit: 10 });
    expect(items.map((r) => r.id)).toEqual(['tok_0', 'tok_3', 'tok_2', 'tok_1']);
  });
});
