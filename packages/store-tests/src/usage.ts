import type { TokenStore, UsageCount, UsageStore } from '@keyward/core';
import { expect, test } from 'vitest';

const none = { DISABLED: 0, EXPIRED: 0, SCOPE_DENIED: 0, PERMISSION_DENIED: 0, RATE_LIMITED: 0, USAGE_EXHAUSTED: 0 };

function count(tokenId: string, day: string, accepted: number, refused: UsageCount['refused'] = {}, organizationId = 'org_1'): UsageCount {
  return { tokenId, organizationId, day, accepted, refused };
}

/**
 * The conformance tests of contract v3's usage part: increments per (token, UTC day) that lose and
 * double nothing under concurrency, reads per token and per organization, pruning. `store()` is
 * the current test's store, which implements `UsageStore`.
 */
export function describeUsage(store: () => TokenStore & UsageStore, timeout: number): void {
  test('addUsage() adds to each (token, day); readUsage() answers a token\'s days oldest first, every code present', { timeout }, async () => {
    await store().addUsage([count('tok_a', '2026-01-02', 3, { EXPIRED: 1 }), count('tok_a', '2026-01-01', 1)]);
    await store().addUsage([count('tok_a', '2026-01-02', 2, { EXPIRED: 2, RATE_LIMITED: 4 })]);
    expect(await store().readUsage('org_1', { tokenId: 'tok_a', fromDay: '2026-01-01', toDay: '2026-01-31' })).toEqual([
      { day: '2026-01-01', accepted: 1, refused: none },
      { day: '2026-01-02', accepted: 5, refused: { ...none, EXPIRED: 3, RATE_LIMITED: 4 } },
    ]);
  });

  test('readUsage() keeps to the day range (inclusive), the token and the organization', { timeout }, async () => {
    await store().addUsage([
      count('tok_a', '2025-12-31', 9),
      count('tok_a', '2026-01-01', 1),
      count('tok_a', '2026-01-03', 3),
      count('tok_a', '2026-01-04', 9),
      count('tok_b', '2026-01-02', 9),
      count('tok_c', '2026-01-02', 9, {}, 'org_other'),
    ]);
    expect((await store().readUsage('org_1', { tokenId: 'tok_a', fromDay: '2026-01-01', toDay: '2026-01-03' })).map((d) => [d.day, d.accepted])).toEqual([
      ['2026-01-01', 1],
      ['2026-01-03', 3],
    ]);
    expect(await store().readUsage('org_other', { tokenId: 'tok_a', fromDay: '2025-01-01', toDay: '2027-01-01' })).toEqual([]);
  });

  test('readUsage() with tokenId null sums every token of the organization per day (and only of it)', { timeout }, async () => {
    await store().addUsage([
      count('tok_a', '2026-01-01', 1, { SCOPE_DENIED: 1 }),
      count('tok_b', '2026-01-01', 2, { SCOPE_DENIED: 2, DISABLED: 1 }),
      count('tok_gone', '2026-01-02', 4),
      count('tok_c', '2026-01-01', 100, {}, 'org_other'),
    ]);
    expect(await store().readUsage('org_1', { tokenId: null, fromDay: '2026-01-01', toDay: '2026-01-02' })).toEqual([
      { day: '2026-01-01', accepted: 3, refused: { ...none, SCOPE_DENIED: 3, DISABLED: 1 } },
      { day: '2026-01-02', accepted: 4, refused: none },
    ]);
  });

  test('100 concurrent addUsage() batches to one row lose and double nothing', { timeout: Math.max(timeout, 60_000) }, async () => {
    await Promise.all(Array.from({ length: 100 }, (_, i) => store().addUsage([count('tok_hot', '2026-02-01', 1, i % 2 ? { USAGE_EXHAUSTED: 1 } : {}), count(`tok_${i}`, '2026-02-01', 1)])));
    expect(await store().readUsage('org_1', { tokenId: 'tok_hot', fromDay: '2026-02-01', toDay: '2026-02-01' })).toEqual([
      { day: '2026-02-01', accepted: 100, refused: { ...none, USAGE_EXHAUSTED: 50 } },
    ]);
    expect((await store().readUsage('org_1', { tokenId: null, fromDay: '2026-02-01', toDay: '2026-02-01' }))[0]?.accepted).toBe(200);
  });

  test('pruneUsage(beforeDay) deletes the rows of earlier days and says how many', { timeout }, async () => {
    await store().addUsage([count('tok_a', '2026-01-01', 1), count('tok_b', '2026-01-01', 1), count('tok_a', '2026-01-02', 1)]);
    expect(await store().pruneUsage('2026-01-02')).toBe(2);
    expect((await store().readUsage('org_1', { tokenId: null, fromDay: '2026-01-01', toDay: '2026-01-31' })).map((d) => d.day)).toEqual(['2026-01-02']);
  });
}
