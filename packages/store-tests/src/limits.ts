import type { LimitsStore, RateLimiterAnswer, RateLimiterStore, TokenRecord, TokenStore } from '@keyward/core';
import { expect, test } from 'vitest';
import { makeHash, makeRecord } from './records.js';

const DAY = 86_400_000;

/**
 * The conformance tests of contract v3's limits part: the record's limit fields, pause, and
 * `spend()` (refill, refusal, never below zero, exact under concurrency). `store()` is the current
 * test's store, which implements `LimitsStore`.
 */
export function describeLimits(store: () => TokenStore & LimitsStore, timeout: number): void {
  async function inserted(overrides: Partial<TokenRecord>): Promise<TokenRecord> {
    const record = makeRecord(overrides);
    expect(await store().insert(record)).toBe('ok');
    return record;
  }

  test('insert() keeps enabled, rateLimit, remaining, refill and refilledAt field for field', { timeout }, async () => {
    const record = await inserted({ enabled: false, rateLimit: { limit: 600, window: 60_000 }, remaining: 12_345, refill: { amount: 20_000, interval: 30 * DAY }, refilledAt: 1_700_000_000_000 });
    expect(await store().findByHash(record.hash)).toEqual(record);
    expect(await store().get(record.organizationId, record.id)).toEqual(record);
    expect((await store().list(record.organizationId, { limit: 10 })).items).toEqual([record]);
  });

  test('update({ enabled: false }) pauses and { enabled: true } resumes, changing nothing else', { timeout }, async () => {
    const record = await inserted({ remaining: 5, rateLimit: { limit: 1, window: 1000 } });
    expect(await store().update(record.organizationId, record.id, { enabled: false })).toEqual({ ...record, enabled: false });
    expect(await store().findByHash(record.hash)).toEqual({ ...record, enabled: false });
    expect(await store().update(record.organizationId, record.id, { enabled: true })).toEqual(record);
    expect(await store().findByHash(record.hash)).toEqual(record);
  });

  test('update() sets and clears rateLimit, remaining, refill and refilledAt', { timeout }, async () => {
    const record = await inserted({});
    const limits = { rateLimit: { limit: 10, window: 1000 }, remaining: 7, refill: { amount: 7, interval: DAY }, refilledAt: 1_700_000_000_000 };
    expect(await store().update(record.organizationId, record.id, limits)).toEqual({ ...record, ...limits });
    expect(await store().get(record.organizationId, record.id)).toEqual({ ...record, ...limits });
    const cleared = { rateLimit: null, remaining: null, refill: null, refilledAt: null };
    expect(await store().update(record.organizationId, record.id, cleared)).toEqual({ ...record, ...cleared });
    expect(await store().findByHash(record.hash)).toEqual({ ...record, ...cleared });
  });

  test('spend(cost) takes cost credits and answers what is left; fewer than cost left: refused, nothing written', { timeout }, async () => {
    const record = await inserted({ remaining: 5 });
    expect(await store().spend(record.organizationId, record.id, 2, 1000)).toEqual({ ok: true, remaining: 3, refilledAt: null });
    expect(await store().spend(record.organizationId, record.id, 3, 1000)).toEqual({ ok: true, remaining: 0, refilledAt: null });
    expect(await store().spend(record.organizationId, record.id, 1, 1000)).toEqual({ ok: false, remaining: 0, refilledAt: null });
    expect((await store().get(record.organizationId, record.id))?.remaining).toBe(0);
    const other = await inserted({ remaining: 4 });
    expect(await store().spend(other.organizationId, other.id, 5, 1000)).toEqual({ ok: false, remaining: 4, refilledAt: null });
    expect(await store().findByHash(other.hash)).toEqual(other);
  });

  test('spend() of a token without credits answers remaining null and writes nothing; unknown or foreign ids answer null', { timeout }, async () => {
    const record = await inserted({ organizationId: 'org_a' });
    expect(await store().spend('org_a', record.id, 1, 1000)).toEqual({ ok: true, remaining: null, refilledAt: null });
    expect(await store().findByHash(record.hash)).toEqual(record);
    expect(await store().spend('org_b', record.id, 1, 1000)).toBeNull();
    expect(await store().spend('org_a', 'tok_missing', 1, 1000)).toBeNull();
  });

  test('spend() applies a refill that fell due first: back to the amount, anchored on whole intervals', { timeout }, async () => {
    const t0 = 1_700_000_000_000;
    const record = await inserted({ remaining: 0, refill: { amount: 10, interval: DAY }, refilledAt: t0 });
    expect(await store().spend(record.organizationId, record.id, 1, t0 + DAY - 1)).toEqual({ ok: false, remaining: 0, refilledAt: t0 });
    // Two and a half intervals on: refilled once (to the amount, not twice), anchored at t0 + 2 days.
    expect(await store().spend(record.organizationId, record.id, 4, t0 + 2.5 * DAY)).toEqual({ ok: true, remaining: 6, refilledAt: t0 + 2 * DAY });
    expect(await store().get(record.organizationId, record.id)).toMatchObject({ remaining: 6, refilledAt: t0 + 2 * DAY });
  });

  test('a refill that fell due is kept even when the spend is refused', { timeout }, async () => {
    const t0 = 1_700_000_000_000;
    const record = await inserted({ remaining: 1, refill: { amount: 3, interval: DAY }, refilledAt: t0 });
    expect(await store().spend(record.organizationId, record.id, 5, t0 + DAY)).toEqual({ ok: false, remaining: 3, refilledAt: t0 + DAY });
    expect(await store().findByHash(record.hash)).toMatchObject({ remaining: 3, refilledAt: t0 + DAY });
  });

  test('1000 concurrent spend() calls against 100 credits accept exactly 100; remaining ends at 0, never below', { timeout: Math.max(timeout, 60_000) }, async () => {
    const record = await inserted({ remaining: 100 });
    const answers = await Promise.all(Array.from({ length: 1000 }, () => store().spend(record.organizationId, record.id, 1, 1000)));
    expect(answers.filter((a) => a?.ok === true)).toHaveLength(100);
    expect(answers.filter((a) => a?.ok === false)).toHaveLength(900);
    const left = answers.filter((a) => a?.ok === true).map((a) => a!.remaining).sort((a, b) => a! - b!);
    // Each credit taken exactly once: the answers count down 99 … 0 with no repeat.
    expect(left).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect((await store().get(record.organizationId, record.id))?.remaining).toBe(0);
  });

  test('300 concurrent spends of cost 3 against 100 credits accept exactly 33 and leave 1', { timeout: Math.max(timeout, 60_000) }, async () => {
    const record = await inserted({ remaining: 100 });
    const answers = await Promise.all(Array.from({ length: 300 }, () => store().spend(record.organizationId, record.id, 3, 1000)));
    expect(answers.filter((a) => a?.ok === true)).toHaveLength(33);
    expect((await store().findByHash(record.hash))?.remaining).toBe(1);
  });

  test('touch() and roll() never undo a spend or a pause', { timeout }, async () => {
    const record = await inserted({ remaining: 10 });
    await store().spend(record.organizationId, record.id, 4, 1000);
    await store().update(record.organizationId, record.id, { enabled: false });
    await store().touch([{ id: record.id, organizationId: record.organizationId, lastUsedAt: 9000 }]);
    const hash = makeHash();
    const rolled = await store().roll(record.organizationId, record.id, { hash, hint: 'kw_roll', previousExpiresAt: null });
    expect(rolled).toMatchObject({ remaining: 6, enabled: false, lastUsedAt: 9000 });
    expect(await store().findByHash(hash)).toMatchObject({ remaining: 6, enabled: false });
  });
}

/**
 * The conformance tests of contract v3's rate limiter part: a rate-limiter-flexible limiter on
 * the store's own backend. `store()` is the current test's store, which implements `RateLimiterStore`.
 */
export function describeRateLimiter(store: () => TokenStore & RateLimiterStore, timeout: number): void {
  const options = () => ({ keyPrefix: `keyward:rl:test:${Math.random().toString(36).slice(2)}`, points: 3, duration: 60 });

  test('rateLimiter() counts points per key: 3 pass, the 4th is refused with the wait (not an Error)', { timeout }, async () => {
    const limiter = store().rateLimiter(options());
    const passed = [await limiter.consume('tok_a', 1), await limiter.consume('tok_a', 1), await limiter.consume('tok_a', 1)];
    expect(passed.map((r) => r.remainingPoints)).toEqual([2, 1, 0]);
    const refused = await limiter.consume('tok_a', 1).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(refused).not.toBeInstanceOf(Error);
    expect((refused as RateLimiterAnswer).msBeforeNext).toBeGreaterThan(0);
    expect((refused as RateLimiterAnswer).msBeforeNext).toBeLessThanOrEqual(60_000);
    // Another key has its own count.
    expect((await limiter.consume('tok_b', 3)).remainingPoints).toBe(0);
  });

  test('two limiters made with the same options share their counts (as two keyward instances on one store do)', { timeout }, async () => {
    const same = options();
    const first = store().rateLimiter(same);
    const second = store().rateLimiter({ ...same });
    await first.consume('tok_shared', 2);
    expect((await second.consume('tok_shared', 1)).remainingPoints).toBe(0);
    await expect(first.consume('tok_shared', 1)).rejects.toMatchObject({ remainingPoints: 0 });
  });
}
