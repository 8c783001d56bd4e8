// Issue #23 on core and the memory store: pause, per-token rate limits, credits with refill, the
// order of checks (no refusal spends what it did not need), the limiter's backend down, features a
// store cannot carry, and the cache never spending credits the store no longer has.
import {
  ConfigurationError,
  DAY_MS,
  StoreUnavailableError,
  ValidationError,
  createKeyward,
  memoryStore,
  type InvalidationChannel,
  type InvalidationListener,
  type TokenStore,
  type VerifyResult,
} from '@keyward/core';
import { ACTORS, resolveProject, setup } from '@keyward/test-kit/fixtures';
import { describe, expect, test } from 'vitest';

const { owner } = ACTORS;
const org = { kind: 'organization' } as const;

function codes(results: VerifyResult[]): string[] {
  return results.map((r) => (r.ok ? 'ok' : r.code));
}

async function verifyTimes(keyward: ReturnType<typeof setup>['keyward'], plaintext: string, n: number, target = {}): Promise<VerifyResult[]> {
  const results: VerifyResult[] = [];
  for (let i = 0; i < n; i++) results.push(await keyward.verify(plaintext, target));
  return results;
}

/** A memory store with only the token part of contract v3, as a third-party v2 store has. */
function tokenPartOnly(): TokenStore {
  const { spend: _s, rateLimiter: _r, auditLog: _a, pruneAudit: _p, addUsage: _u, readUsage: _ru, pruneUsage: _pu, ...tokenPart } = memoryStore();
  return tokenPart;
}

describe('pause and resume', () => {
  test('update({ enabled: false }) refuses the token with DISABLED at once; enabled: true brings it back', async () => {
    const { keyward } = setup();
    const { plaintext, token } = await keyward.create(owner, { name: 'p', scope: org, expiresIn: 'never' });
    const paused = await keyward.update(owner, token.id, { enabled: false });
    expect(paused.enabled).toBe(false);
    expect(await keyward.verify(plaintext)).toEqual({ ok: false, code: 'DISABLED', tokenId: token.id });
    expect((await keyward.list(owner)).items[0]).toMatchObject({ id: token.id, status: 'paused', enabled: false, name: 'p', hint: token.hint });
    await keyward.update(owner, token.id, { enabled: true });
    expect((await keyward.verify(plaintext)).ok).toBe(true);
    expect((await keyward.list(owner)).items[0]?.status).toBe('active');
  });

  test('a paused token that has also expired answers DISABLED (pause is checked before expiry)', async () => {
    const { keyward, clock } = setup();
    const { plaintext, token } = await keyward.create(owner, { name: 'p', scope: org, expiresIn: '1d' });
    await keyward.update(owner, token.id, { enabled: false });
    clock.advance('7d');
    expect(await keyward.verify(plaintext)).toMatchObject({ ok: false, code: 'DISABLED' });
    // Listed as expired: resuming would not help.
    expect((await keyward.list(owner)).items[0]?.status).toBe('expired');
  });

  test('a paused token with credits spends none of them', async () => {
    const { keyward } = setup();
    const { plaintext, token } = await keyward.create(owner, { name: 'p', scope: org, expiresIn: 'never', remaining: 3 });
    await keyward.update(owner, token.id, { enabled: false });
    await verifyTimes(keyward, plaintext, 5);
    expect((await keyward.get(owner, token.id)).remaining).toBe(3);
  });
});

describe('tokens without limits', () => {
  test('never reach spend() or a rate limiter, and verify synchronously on the memory store', async () => {
    const { keyward, store } = setup();
    let limiters = 0;
    const rateLimiter = (store as unknown as { rateLimiter: (o: unknown) => unknown }).rateLimiter;
    (store as unknown as { rateLimiter: (o: unknown) => unknown }).rateLimiter = (o) => (limiters++, rateLimiter(o));
    const { plaintext } = await keyward.create(owner, { name: 'plain', scope: org, expiresIn: 'never' });
    for (let i = 0; i < 5; i++) {
      const result = keyward.check(plaintext);
      expect(result).not.toBeInstanceOf(Promise);
      expect(result).toMatchObject({ ok: true });
      expect(result).not.toHaveProperty('limits');
    }
    expect(store.calls.spend).toBe(0);
    expect(limiters).toBe(0);
  });

  test('a token with credits only still verifies synchronously on the memory store (spend answers in the same step)', async () => {
    const { keyward, store } = setup();
    const { plaintext } = await keyward.create(owner, { name: 'credits', scope: org, expiresIn: 'never', remaining: 5 });
    const result = keyward.check(plaintext);
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toMatchObject({ ok: true, token: { remaining: 4 } });
    expect(store.calls.spend).toBe(1);
  });
});

describe('rate limits', () => {
  test('a token with { limit: 3, window: "1m" } passes 3 times, then RATE_LIMITED with the wait until the window resets', async () => {
    const { keyward } = setup();
    const { plaintext, token } = await keyward.create(owner, { name: 'r', scope: org, expiresIn: 'never', rateLimit: { limit: 3, window: '1m' } });
    expect(token.rateLimit).toEqual({ limit: 3, window: 60_000 });
    const results = await verifyTimes(keyward, plaintext, 4);
    expect(codes(results)).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED']);
    expect(results.slice(0, 3).map((r) => r.ok && r.limits?.rateLimit?.remaining)).toEqual([2, 1, 0]);
    const limited = results[3]!;
    expect(limited.ok).toBe(false);
    if (limited.ok) return;
    expect(limited.tokenId).toBe(token.id);
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(limited.limits?.rateLimit).toMatchObject({ limit: 3, window: 60_000, remaining: 0 });
  });

  test('a route cost takes that many points: cost 2 against a limit of 3 passes once', async () => {
    const { keyward } = setup();
    const { plaintext } = await keyward.create(owner, { name: 'r', scope: org, expiresIn: 'never', rateLimit: { limit: 3, window: '1h' } });
    expect(codes(await verifyTimes(keyward, plaintext, 2, { cost: 2 }))).toEqual(['ok', 'RATE_LIMITED']);
  });

  test('refusals before the rate limit (scope, permissions, pause) take no point', async () => {
    const { keyward } = setup();
    const { plaintext } = await keyward.create(owner, { name: 'r', scope: { kind: 'project', projectId: 'proj_a1' }, expiresIn: 'never', rateLimit: { limit: 2, window: '1h' } });
    expect(codes(await verifyTimes(keyward, plaintext, 5, { projectId: 'proj_a2' }))).toEqual(Array(5).fill('SCOPE_DENIED'));
    expect(codes(await verifyTimes(keyward, plaintext, 3, { projectId: 'proj_a1' }))).toEqual(['ok', 'ok', 'RATE_LIMITED']);
  });

  test('the host default is given to new tokens; the maximum refuses a faster limit and a token without one', async () => {
    const { keyward } = setup({ rateLimits: { default: { limit: 10, window: '1s' }, max: { limit: 600, window: '1m' } } });
    const { token } = await keyward.create(owner, { name: 'd', scope: org, expiresIn: 'never' });
    expect(token.rateLimit).toEqual({ limit: 10, window: 1000 });
    // 11 per second is 660 per minute: faster than the maximum.
    const fast = keyward.create(owner, { name: 'f', scope: org, expiresIn: 'never', rateLimit: { limit: 11, window: '1s' } });
    await expect(fast).rejects.toMatchObject({ field: 'rateLimit' });
    await expect(keyward.create(owner, { name: 'n', scope: org, expiresIn: 'never', rateLimit: null })).rejects.toBeInstanceOf(ValidationError);
    await expect(keyward.update(owner, token.id, { rateLimit: { limit: 601, window: '1m' } })).rejects.toMatchObject({ field: 'rateLimit' });
    expect((await keyward.update(owner, token.id, { rateLimit: { limit: 600, window: 60_000 } })).rateLimit).toEqual({ limit: 600, window: 60_000 });
  });

  test('a window in ms must be whole seconds; unknown fields of a rate limit are refused', async () => {
    const { keyward } = setup();
    const create = (rateLimit: unknown) => keyward.create(owner, { name: `w${Math.random()}`, scope: org, expiresIn: 'never', rateLimit: rateLimit as never });
    await expect(create({ limit: 5, window: 1500 })).rejects.toMatchObject({ field: 'rateLimit.window' });
    await expect(create({ limit: 5, window: '2m' })).rejects.toMatchObject({ field: 'rateLimit.window' });
    await expect(create({ limit: 0, window: '1s' })).rejects.toMatchObject({ field: 'rateLimit.limit' });
    await expect(create({ limit: 5, window: '1s', burst: 2 })).rejects.toBeInstanceOf(ValidationError);
    expect((await create({ limit: 5, window: 120_000 })).token.rateLimit).toEqual({ limit: 5, window: 120_000 });
  });

  test('a limiter whose backend fails refuses (StoreUnavailableError) by default, and lets through with onLimiterError: "allow"', async () => {
    const broken = (): TokenStore => {
      const store = memoryStore();
      return { ...store, rateLimiter: () => ({ consume: () => Promise.reject(new Error('ECONNREFUSED')) }) } as TokenStore;
    };
    const closed = createKeyward({ store: broken(), resolveProject, onError: () => {} });
    const { plaintext } = await closed.create(owner, { name: 'c', scope: org, expiresIn: 'never', rateLimit: { limit: 5, window: '1s' } });
    await expect(closed.verify(plaintext)).rejects.toBeInstanceOf(StoreUnavailableError);

    const errors: unknown[] = [];
    const open = createKeyward({ store: broken(), resolveProject, onError: (e) => errors.push(e), rateLimits: { onLimiterError: 'allow' } });
    const created = await open.create(owner, { name: 'o', scope: org, expiresIn: 'never', rateLimit: { limit: 5, window: '1s' } });
    const result = await open.verify(created.plaintext);
    expect(result.ok).toBe(true);
    expect(result.ok && result.limits).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(StoreUnavailableError);
  });

  test('bad rateLimits options are refused at startup, naming the option', () => {
    expect(() => createKeyward({ store: memoryStore(), resolveProject, rateLimits: { default: { limit: 5, window: '1w' as never } } })).toThrow(/rateLimits\.default/);
    expect(() => createKeyward({ store: memoryStore(), resolveProject, rateLimits: { onLimiterError: 'maybe' as never } })).toThrow(/onLimiterError/);
    expect(() => createKeyward({ store: memoryStore(), resolveProject, rateLimits: { default: { limit: 100, window: '1s' }, max: { limit: 1, window: '1s' } } })).toThrow(ConfigurationError);
  });
});

describe('credits', () => {
  test('2 credits: 2 requests pass (remaining 1, then 0), the third is USAGE_EXHAUSTED without a wait', async () => {
    const { keyward } = setup();
    const { plaintext, token } = await keyward.create(owner, { name: 'c', scope: org, expiresIn: 'never', remaining: 2 });
    const results = await verifyTimes(keyward, plaintext, 3);
    expect(codes(results)).toEqual(['ok', 'ok', 'USAGE_EXHAUSTED']);
    expect(results.slice(0, 2).map((r) => r.ok && r.token.remaining)).toEqual([1, 0]);
    expect(results[2]).toEqual({ ok: false, code: 'USAGE_EXHAUSTED', tokenId: token.id, limits: { rateLimit: undefined, credits: { remaining: 0, refill: null, nextRefillAt: null, refillInMs: null } } });
    expect((await keyward.get(owner, token.id)).remaining).toBe(0);
  });

  test('a cost larger than what is left takes nothing', async () => {
    const { keyward } = setup();
    const { plaintext, token } = await keyward.create(owner, { name: 'c', scope: org, expiresIn: 'never', remaining: 5 });
    expect(codes(await verifyTimes(keyward, plaintext, 2, { cost: 3 }))).toEqual(['ok', 'USAGE_EXHAUSTED']);
    expect((await keyward.get(owner, token.id)).remaining).toBe(2);
  });

  test('a refill sets the credits back to its amount once the interval has passed, and says when (retry after)', async () => {
    const { keyward, clock } = setup();
    const { plaintext, token } = await keyward.create(owner, { name: 'c', scope: org, expiresIn: 'never', refill: { amount: 2, interval: '1d' } });
    expect(token).toMatchObject({ remaining: 2, refill: { amount: 2, interval: '1d' }, nextRefillAt: clock.now() + DAY_MS });
    expect(codes(await verifyTimes(keyward, plaintext, 3))).toEqual(['ok', 'ok', 'USAGE_EXHAUSTED']);
    clock.advance(DAY_MS - 1000);
    const waiting = await keyward.verify(plaintext);
    expect(waiting).toMatchObject({ ok: false, code: 'USAGE_EXHAUSTED', retryAfterMs: 1000 });
    // Three intervals later: back to the amount (not 3 × the amount), anchored on whole intervals.
    clock.advance(2 * DAY_MS + 1000);
    expect(codes(await verifyTimes(keyward, plaintext, 3))).toEqual(['ok', 'ok', 'USAGE_EXHAUSTED']);
    expect((await keyward.get(owner, token.id)).nextRefillAt).toBe(token.nextRefillAt! + 3 * DAY_MS);
  });

  test('requests refused before the credits (rate limited, out of scope, paused) spend none', async () => {
    const { keyward } = setup();
    const { plaintext, token } = await keyward.create(owner, { name: 'c', scope: { kind: 'project', projectId: 'proj_a1' }, expiresIn: 'never', remaining: 10, rateLimit: { limit: 2, window: '1h' } });
    await verifyTimes(keyward, plaintext, 3, { projectId: 'proj_a2' });
    expect(codes(await verifyTimes(keyward, plaintext, 4, { projectId: 'proj_a1' }))).toEqual(['ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect((await keyward.get(owner, token.id)).remaining).toBe(8);
  });

  test('a request refused for credits gives its rate-limit point back: an exhausted token keeps answering USAGE_EXHAUSTED', async () => {
    const { keyward } = setup();
    const { plaintext } = await keyward.create(owner, { name: 'c', scope: org, expiresIn: 'never', remaining: 1, rateLimit: { limit: 2, window: '1h' } });
    expect(codes(await verifyTimes(keyward, plaintext, 6))).toEqual(['ok', ...Array(5).fill('USAGE_EXHAUSTED')]);
  });

  test('update() sets credits outright (restarting the refill clock) and null makes the token unlimited', async () => {
    const { keyward, clock } = setup();
    const { plaintext, token } = await keyward.create(owner, { name: 'c', scope: org, expiresIn: 'never', remaining: 0 });
    expect(codes(await verifyTimes(keyward, plaintext, 1))).toEqual(['USAGE_EXHAUSTED']);
    clock.advance(5000);
    expect(await keyward.update(owner, token.id, { remaining: 1, refill: { amount: 1, interval: '7d' } })).toMatchObject({ remaining: 1, nextRefillAt: clock.now() + 7 * DAY_MS });
    expect(codes(await verifyTimes(keyward, plaintext, 2))).toEqual(['ok', 'USAGE_EXHAUSTED']);
    await keyward.update(owner, token.id, { remaining: null });
    const free = await verifyTimes(keyward, plaintext, 3);
    expect(codes(free)).toEqual(['ok', 'ok', 'ok']);
    expect(free[0]!.ok && free[0]!.limits).toBeUndefined();
  });

  test('a refill with remaining: null is refused, naming refill', async () => {
    const { keyward } = setup();
    await expect(keyward.create(owner, { name: 'c', scope: org, expiresIn: 'never', remaining: null, refill: { amount: 5, interval: '1d' } })).rejects.toMatchObject({ field: 'refill' });
  });
});

describe('the lookup cache and limits', () => {
  function provenChannel(): InvalidationChannel {
    return {
      subscribe(listener: InvalidationListener) {
        const timer = setInterval(() => listener.proven(performance.now()), 5);
        listener.proven(performance.now());
        return { close: async () => clearInterval(timer) };
      },
    };
  }

  test('a cached token cannot spend credits the store no longer has (another instance set them to 0)', async () => {
    const store = memoryStore();
    const cached = createKeyward({ store, resolveProject, cache: { channel: provenChannel(), maxStalenessMs: 60_000, heartbeatMs: 5 }, onError: () => {} });
    const other = createKeyward({ store, resolveProject });
    const { plaintext, token } = await cached.create(owner, { name: 'c', scope: org, expiresIn: 'never', remaining: 100 });
    expect((await cached.verify(plaintext)).ok).toBe(true);
    // The other instance's change never reaches this cache (no invalidation is sent on this channel).
    await other.update(owner, token.id, { remaining: 0 });
    expect(await cached.verify(plaintext)).toMatchObject({ ok: false, code: 'USAGE_EXHAUSTED' });
    await cached.close();
    await other.close();
  });

  test('a pause through the caching instance is refused by it at once, as a delete is', async () => {
    const store = memoryStore();
    const keyward = createKeyward({ store, resolveProject, cache: { channel: provenChannel(), maxStalenessMs: 60_000, heartbeatMs: 5 } });
    const { plaintext, token } = await keyward.create(owner, { name: 'c', scope: org, expiresIn: 'never' });
    expect((await keyward.verify(plaintext)).ok).toBe(true);
    await keyward.update(owner, token.id, { enabled: false });
    expect(await keyward.verify(plaintext)).toMatchObject({ ok: false, code: 'DISABLED' });
    await keyward.close();
  });
});

describe('a store with the token part only', () => {
  test('keyward starts, reads its tokens as enabled and unlimited, and says which features are off', async () => {
    const keyward = createKeyward({ store: tokenPartOnly(), resolveProject });
    expect(keyward.features).toEqual({ pause: false, credits: false, rateLimits: false, audit: false, usage: false });
    const { plaintext, token } = await keyward.create(owner, { name: 'v2', scope: org, expiresIn: 'never' });
    expect(token).toMatchObject({ enabled: true, rateLimit: null, remaining: null, refill: null });
    expect((await keyward.verify(plaintext)).ok).toBe(true);
  });

  test('each feature the store cannot carry is refused by name: at startup when asked for, per field otherwise', async () => {
    expect(() => createKeyward({ store: tokenPartOnly(), resolveProject, rateLimits: {} })).toThrow(/rateLimits: this store cannot carry rateLimits \(it lacks LimitsStore\.spend\(\), RateLimiterStore\.rateLimiter\(\)\)/);
    expect(() => createKeyward({ store: tokenPartOnly(), resolveProject, audit: true })).toThrow(/audit: this store cannot carry audit/);
    expect(() => createKeyward({ store: tokenPartOnly(), resolveProject, usage: { retentionDays: 30 } })).toThrow(/usage: this store cannot carry usage/);
    const keyward = createKeyward({ store: tokenPartOnly(), resolveProject });
    const input = { name: 'x', scope: org, expiresIn: 'never' } as const;
    await expect(keyward.create(owner, { ...input, remaining: 5 })).rejects.toMatchObject({ field: 'remaining' });
    await expect(keyward.create(owner, { ...input, rateLimit: { limit: 1, window: '1s' } })).rejects.toMatchObject({ field: 'rateLimit' });
    const { token } = await keyward.create(owner, input);
    await expect(keyward.update(owner, token.id, { enabled: false })).rejects.toMatchObject({ field: 'enabled' });
  });
});
