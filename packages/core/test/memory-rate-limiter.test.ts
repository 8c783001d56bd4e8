// The memory store's synchronous rate limit path (issue #23, speed): RateLimiterMemory's own count,
// answered without its promise. It must answer exactly as the promise path does, step for step,
// over limits reached, windows reset, costs above 1, refunds and a failing limiter (fail-open and
// fail-closed); and a rate-limited verification on the memory store must then be synchronous.
import { StoreUnavailableError, createKeyward, memoryStore, type Keyward, type RateLimiterAnswer, type RateLimiterLike, type TokenStore, type VerifyResult } from '@keyward/core';
import { ACTORS, resolveProject } from '@keyward/test-kit/fixtures';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { memoryRateLimiter } from '../src/memory-rate-limiter.js';

const org = { kind: 'organization' } as const;

// rate-limiter-flexible reads Date.now() and expires its keys with setTimeout: both are faked, so
// the two paths see the same instants and every wait can be compared to the millisecond.
beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 0, 1), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** The memory store as a store without `consumeSync` has it: the limiter's promise `consume` only. */
function promiseOnly(store: TokenStore): TokenStore {
  const limiters = store as TokenStore & { rateLimiter(options: never): RateLimiterLike };
  return Object.assign(Object.create(store) as TokenStore, {
    rateLimiter(options: never): RateLimiterLike {
      const limiter = limiters.rateLimiter(options);
      return { consume: (key, points) => limiter.consume(key, points), reward: (key, points) => limiter.reward!(key, points) };
    },
  });
}

/** What a verification answers, without what differs between two stores (ids, times of creation). */
function answer(result: VerifyResult): unknown {
  return result.ok ? { ok: true, limits: result.limits, remaining: result.token.remaining } : { code: result.code, retryAfterMs: result.retryAfterMs, limits: result.limits };
}

/** One request of a case: its route cost, after `wait` ms. */
interface Step {
  cost?: number;
  wait?: number;
}

interface Case {
  name: string;
  token: { rateLimit: { limit: number; window: '1s' | '1m' | '1h' | number }; remaining?: number };
  steps: Step[];
  /** The codes the case must answer ('ok' for a pass), on both paths. */
  codes: string[];
}

const repeat = (n: number, step: Step = {}): Step[] => Array.from({ length: n }, () => step);

const CASES: Case[] = [
  { name: 'limit reached', token: { rateLimit: { limit: 3, window: '1m' } }, steps: repeat(5), codes: ['ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED'] },
  {
    name: 'window reset: the count starts again once the window has passed',
    token: { rateLimit: { limit: 2, window: '1s' } },
    steps: [{}, { wait: 400 }, { wait: 300 }, { wait: 299 }, { wait: 1 }, {}, {}],
    codes: ['ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED', 'ok', 'ok', 'RATE_LIMITED'],
  },
  {
    name: 'cost > 1: a cost that does not fit is refused and still counted, as rate-limiter-flexible counts it',
    token: { rateLimit: { limit: 5, window: '1h' } },
    steps: [{ cost: 2 }, { cost: 2 }, { cost: 2 }, { cost: 1 }, { cost: 5, wait: 3_600_000 }, { cost: 1 }],
    codes: ['ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED', 'ok', 'RATE_LIMITED'],
  },
  {
    name: 'refund: a request refused for credits gives its points back',
    token: { rateLimit: { limit: 3, window: '1h' }, remaining: 2 },
    steps: [{}, {}, ...repeat(4), { cost: 3 }],
    // The refunds keep the count at 2 of 3, so only the last request (cost 3) goes over the limit.
    codes: ['ok', 'ok', 'USAGE_EXHAUSTED', 'USAGE_EXHAUSTED', 'USAGE_EXHAUSTED', 'USAGE_EXHAUSTED', 'RATE_LIMITED'],
  },
  {
    name: 'refund with cost > 1 against a limit the credits outlast',
    token: { rateLimit: { limit: 4, window: '1m' }, remaining: 3 },
    steps: [{ cost: 2 }, { cost: 2 }, { cost: 1 }, { cost: 1 }, { cost: 3 }],
    codes: ['ok', 'USAGE_EXHAUSTED', 'ok', 'USAGE_EXHAUSTED', 'RATE_LIMITED'],
  },
];

/** Runs a case's steps through `check()`, noting whether each answer came synchronously. */
async function run(keyward: Keyward, plaintext: string, steps: Step[]): Promise<{ answers: unknown[]; codes: string[]; sync: boolean[] }> {
  const answers: unknown[] = [];
  const codes: string[] = [];
  const sync: boolean[] = [];
  for (const step of steps) {
    if (step.wait) vi.advanceTimersByTime(step.wait);
    const pending = keyward.check(plaintext, step.cost === undefined ? {} : { cost: step.cost });
    sync.push(!(pending instanceof Promise));
    const result = await pending;
    answers.push(answer(result));
    codes.push(result.ok ? 'ok' : result.code);
  }
  return { answers, codes, sync };
}

describe('the memory store rate limiter answers synchronously, as its promise path does', () => {
  test.each(CASES)('$name', async ({ token, steps, codes }) => {
    const runs = [];
    for (const store of [memoryStore(), promiseOnly(memoryStore())]) {
      const keyward = createKeyward({ store, resolveProject, now: () => Date.now() });
      const created = await keyward.create(ACTORS.owner, { name: 'limited', scope: org, expiresIn: 'never', ...token });
      runs.push(await run(keyward, created.plaintext, steps));
      await keyward.close();
    }
    const [sync, promised] = runs;
    expect(sync!.codes).toEqual(codes);
    expect(sync!.answers).toEqual(promised!.answers);
    expect(sync!.sync).toEqual(steps.map(() => true));
    expect(promised!.sync).toEqual(steps.map(() => false));
  });

  test('consumeSync returns what consume resolves with and throws what it rejects with, key by key', async () => {
    const options = { keyPrefix: 'keyward:rl:3:1', points: 3, duration: 1 };
    const now = memoryRateLimiter(options);
    const later = memoryRateLimiter(options);
    expect(typeof now.consumeSync).toBe('function');
    const settle = (promise: Promise<RateLimiterAnswer>) => promise.then((value) => ({ value }), (thrown: unknown) => ({ thrown }));
    const attempt = (fn: () => RateLimiterAnswer) => {
      try {
        return { value: fn() };
      } catch (thrown) {
        return { thrown };
      }
    };
    const plan: Array<[string, number, number]> = [['a', 1, 0], ['a', 2, 100], ['b', 3, 0], ['a', 1, 0], ['b', 1, 899], ['a', 1, 1], ['a', 2, 0], ['a', 2, 0]];
    for (const [key, points, wait] of plan) {
      vi.advanceTimersByTime(wait);
      expect(attempt(() => now.consumeSync!(key, points))).toEqual(await settle(later.consume(key, points)));
    }
    // Refunds go through the library's own reward, on the same counts.
    await now.reward!('a', 2);
    await later.reward!('a', 2);
    expect(attempt(() => now.consumeSync!('a', 1))).toEqual(await settle(later.consume('a', 1)));
  });
});

describe('a limiter that fails, answered in the same step', () => {
  /** A memory store whose limiter fails as a broken backend would: thrown from consumeSync, or only rejected from consume. */
  function broken(sync: boolean): TokenStore {
    const failing: RateLimiterLike = { consume: () => Promise.reject(new Error('limiter broke')) };
    if (sync) {
      failing.consumeSync = () => {
        throw new Error('limiter broke');
      };
    }
    return Object.assign(Object.create(memoryStore()) as TokenStore, { rateLimiter: () => failing });
  }

  test('fail-closed (the default): check() throws StoreUnavailableError, verify() rejects with it, as the promise path rejects', async () => {
    const refusals: unknown[] = [];
    for (const sync of [true, false]) {
      const keyward = createKeyward({ store: broken(sync), resolveProject, onError: () => {} });
      const { plaintext } = await keyward.create(ACTORS.owner, { name: 'c', scope: org, expiresIn: 'never', rateLimit: { limit: 5, window: '1s' } });
      if (sync) expect(() => keyward.check(plaintext)).toThrow(StoreUnavailableError);
      else await expect(keyward.check(plaintext)).rejects.toBeInstanceOf(StoreUnavailableError);
      refusals.push(await keyward.verify(plaintext).then(() => 'passed', (error: Error) => [error.constructor, error.message, error.cause]));
    }
    expect(refusals[0]).toEqual([StoreUnavailableError, 'rate limiter unavailable: limiter broke', new Error('limiter broke')]);
    expect(refusals[0]).toEqual(refusals[1]);
  });

  test('fail-open (onLimiterError: "allow"): the request passes unlimited and onError hears of it, as on the promise path', async () => {
    const runs = [];
    for (const sync of [true, false]) {
      const errors: unknown[] = [];
      const keyward = createKeyward({ store: broken(sync), resolveProject, onError: (error) => errors.push(error), rateLimits: { onLimiterError: 'allow' } });
      const { plaintext } = await keyward.create(ACTORS.owner, { name: 'o', scope: org, expiresIn: 'never', rateLimit: { limit: 5, window: '1s' }, remaining: 2 });
      const pending = keyward.check(plaintext);
      expect(pending instanceof Promise).toBe(!sync);
      runs.push({ answer: answer(await pending), errors: errors.map((error) => [error instanceof StoreUnavailableError, (error as Error).cause]) });
    }
    expect(runs[0]).toEqual({
      answer: { ok: true, limits: { rateLimit: undefined, credits: expect.objectContaining({ remaining: 1 }) }, remaining: 1 },
      errors: [[true, new Error('limiter broke')]],
    });
    expect(runs[0]).toEqual(runs[1]);
  });

  test('a limiter over its limit that throws its result object refuses with RATE_LIMITED, not an outage', async () => {
    const over = { remainingPoints: 0, msBeforeNext: 700, consumedPoints: 6 };
    const store = Object.assign(Object.create(memoryStore()) as TokenStore, {
      rateLimiter: (): RateLimiterLike => ({
        consume: () => Promise.reject(over),
        consumeSync: () => {
          throw over;
        },
      }),
    });
    const keyward = createKeyward({ store, resolveProject });
    const { plaintext } = await keyward.create(ACTORS.owner, { name: 'r', scope: org, expiresIn: 'never', rateLimit: { limit: 5, window: '1s' } });
    expect(answer(keyward.check(plaintext) as VerifyResult)).toEqual({ code: 'RATE_LIMITED', retryAfterMs: 700, limits: { rateLimit: { limit: 5, window: 1000, remaining: 0, resetMs: 700 } } });
  });
});
