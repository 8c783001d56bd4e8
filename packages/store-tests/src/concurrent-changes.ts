import type { RollChange, TokenRecord, TokenStore } from '@keyward/core';
import { expect, test } from 'vitest';
import { makeHash, makeRecord } from './records.js';

/** Concurrent changes of one token, as two admins (or one double click) send them. */
const CONCURRENT = 30;
const GRACE_END = 1_900_000_000_000;

/** Reasons of the calls that failed, so a failure shows what the store answered. */
function failures(outcomes: ReadonlyArray<PromiseSettledResult<unknown>>): string[] {
  return outcomes.flatMap((o) => (o.status === 'rejected' ? [`${(o.reason as { code?: string }).code ?? ''} ${String((o.reason as Error)?.message ?? o.reason)}`] : []));
}

/**
 * The conformance tests of concurrent changes of one token: each change is a lost race at most for
 * the store to settle (a row lock, a retried compare-and-set), never a failure the caller sees.
 * Every call succeeds, and the token ends as if they had run one after another. `store()` is the
 * current test's store.
 */
export function describeConcurrentChanges(store: () => TokenStore, timeout: number): void {
  test(`${CONCURRENT} concurrent roll() calls all succeed and the last one's secret verifies; each kept the secret it replaced as its previous one`, { timeout }, async () => {
    const record = makeRecord();
    expect(await store().insert(record)).toBe('ok');
    const changes: RollChange[] = Array.from({ length: CONCURRENT }, (_, i) => ({ hash: makeHash(), hint: `kw_c${i}`, previousExpiresAt: GRACE_END + i }));
    const outcomes = await Promise.allSettled(changes.map((change) => store().roll(record.organizationId, record.id, change)));
    expect(failures(outcomes)).toEqual([]);
    const rolled = outcomes.map((o) => (o as PromiseFulfilledResult<TokenRecord | null>).value);
    rolled.forEach((result, i) => {
      expect(result).toMatchObject({ id: record.id, hash: changes[i]!.hash, hint: changes[i]!.hint, previous: { expiresAt: changes[i]!.previousExpiresAt } });
    });
    // One after another: each roll replaced the secret the one before it set, so the secrets the
    // rolls replaced are the original and every rolled one but the last, each exactly once.
    const last = (await store().get(record.organizationId, record.id))!;
    const replaced = rolled.map((r) => r!.previous!.hash).sort();
    expect(replaced).toEqual([record.hash, ...changes.map((c) => c.hash)].filter((hash) => hash !== last.hash).sort());
    expect(rolled.find((r) => r!.hash === last.hash)).toEqual(last);
    expect(await store().findByHash(last.hash)).toEqual(last);
    expect(await store().findByHash(last.previous!.hash)).toEqual(last);
    for (const hash of [record.hash, ...changes.map((c) => c.hash)]) {
      if (hash !== last.hash && hash !== last.previous!.hash) expect(await store().findByHash(hash)).toBeNull();
    }
  });

  test(`${CONCURRENT} concurrent roll() calls with and without a grace period all succeed; only the secrets the last one left verify`, { timeout }, async () => {
    const record = makeRecord();
    expect(await store().insert(record)).toBe('ok');
    const changes: RollChange[] = Array.from({ length: CONCURRENT }, (_, i) => ({ hash: makeHash(), hint: `kw_m${i}`, previousExpiresAt: i % 2 ? GRACE_END : null }));
    const outcomes = await Promise.allSettled(changes.map((change) => store().roll(record.organizationId, record.id, change)));
    expect(failures(outcomes)).toEqual([]);
    outcomes.forEach((o, i) => expect((o as PromiseFulfilledResult<TokenRecord | null>).value?.hash).toBe(changes[i]!.hash));
    const last = (await store().get(record.organizationId, record.id))!;
    const live = new Set([last.hash, ...(last.previous ? [last.previous.hash] : [])]);
    expect(changes.map((c) => c.hash)).toContain(last.hash);
    for (const hash of [record.hash, ...changes.map((c) => c.hash)]) {
      expect(await store().findByHash(hash), `secret ${hash}`).toEqual(live.has(hash) ? last : null);
    }
  });

  test(`${CONCURRENT} concurrent update() calls of one token all succeed and the token ends as one of them`, { timeout }, async () => {
    const record = makeRecord();
    expect(await store().insert(record)).toBe('ok');
    const outcomes = await Promise.allSettled(Array.from({ length: CONCURRENT }, (_, i) => store().update(record.organizationId, record.id, { metadata: { i } })));
    expect(failures(outcomes)).toEqual([]);
    outcomes.forEach((o, i) => expect(o).toMatchObject({ value: { ...record, metadata: { i } } }));
    const last = (await store().get(record.organizationId, record.id))!;
    expect(last).toMatchObject({ ...record, metadata: { i: expect.any(Number) } });
    expect(await store().findByHash(record.hash)).toEqual(last);
  });
}
