import { ConfigurationError, StoreUnavailableError, ValidationError } from './errors.js';
import { DAY_MS } from './expiry.js';
import type { MaybePromise, RateLimit, RateLimiterAnswer, RateLimiterLike, RateLimiterStore } from './store.js';

/** Rate limit windows by name; any whole number of seconds (as ms) is accepted too. */
export const RATE_LIMIT_WINDOWS = Object.freeze({ '1s': 1000, '1m': 60_000, '1h': 3_600_000, '1d': DAY_MS });
export type RateLimitWindowPreset = keyof typeof RATE_LIMIT_WINDOWS;
/** The longest window, ms (30 days). */
export const MAX_RATE_LIMIT_WINDOW_MS = 30 * DAY_MS;
/** The largest `limit` and `cost`: within every store's integer range. */
export const MAX_RATE_LIMIT = 1_000_000_000;

/** A rate limit as clients send it: a window by name (`1s`, `1m`, `1h`, `1d`) or in ms (whole seconds). */
export interface RateLimitInput {
  /** Requests (points) per window, 1 to 1 000 000 000. */
  limit: number;
  window: RateLimitWindowPreset | number;
}

/**
 * The rate limit a token stores, its window in ms.
 * @example rateLimitOf({ limit: 100, window: '1m' }) // { limit: 100, window: 60000 }
 */
export function rateLimitOf(input: RateLimitInput): RateLimit {
  return { limit: input.limit, window: typeof input.window === 'number' ? input.window : RATE_LIMIT_WINDOWS[input.window] };
}

/** Whether `a` lets through more requests per unit of time than `b` (compared without rounding). */
export function isFaster(a: RateLimit, b: RateLimit): boolean {
  return a.limit * b.window > b.limit * a.window;
}

/** What `createKeyward({ rateLimits })` takes. */
export interface RateLimitsOptions {
  /** Given to every token created without a `rateLimit` of its own. Default: none. */
  default?: RateLimitInput | undefined;
  /** No token may be faster than this (compared as requests per unit of time); tokens must then have a limit. Default: none. */
  max?: RateLimitInput | undefined;
  /**
   * What a limited request gets when the rate limiter's backend cannot answer: `'refuse'` (the
   * default: 503, as for a store outage) or `'allow'` (let it through, unlimited, and report the
   * error to `onError`).
   */
  onLimiterError?: 'refuse' | 'allow' | undefined;
}

/** The rate limit settings, checked. */
export interface ResolvedRateLimits {
  default: RateLimit | null;
  max: RateLimit | null;
  failOpen: boolean;
}

function configuredLimit(value: unknown, name: string): RateLimit | null {
  if (value === undefined) return null;
  const input = value as RateLimitInput;
  const window = typeof input?.window === 'number' ? input.window : RATE_LIMIT_WINDOWS[input?.window as RateLimitWindowPreset];
  if (typeof input !== 'object' || input === null || !isLimit(input.limit) || !isWindow(window)) {
    throw new ConfigurationError(`rateLimits.${name} must be { limit, window } with limit an integer from 1 to ${MAX_RATE_LIMIT} and window 1s, 1m, 1h, 1d or whole seconds in ms, got ${JSON.stringify(value)}`);
  }
  return { limit: input.limit, window };
}

function isLimit(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= MAX_RATE_LIMIT;
}

function isWindow(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1000 && (value as number) % 1000 === 0 && (value as number) <= MAX_RATE_LIMIT_WINDOW_MS;
}

/**
 * Checks `createKeyward({ rateLimits })` once, at startup.
 * @example resolveRateLimits({ default: { limit: 100, window: '1m' } }).default // { limit: 100, window: 60000 }
 */
export function resolveRateLimits(options: RateLimitsOptions | undefined): ResolvedRateLimits {
  if (options === undefined) return { default: null, max: null, failOpen: false };
  if (typeof options !== 'object' || options === null) throw new ConfigurationError('rateLimits must be an object { default?, max?, onLimiterError? }');
  const resolved = { default: configuredLimit(options.default, 'default'), max: configuredLimit(options.max, 'max') };
  if (resolved.default && resolved.max && isFaster(resolved.default, resolved.max)) throw new ConfigurationError('rateLimits.default must not be faster than rateLimits.max');
  const mode = options.onLimiterError ?? 'refuse';
  if (mode !== 'refuse' && mode !== 'allow') throw new ConfigurationError(`rateLimits.onLimiterError must be 'refuse' or 'allow', got ${JSON.stringify(mode)}`);
  return { ...resolved, failOpen: mode === 'allow' };
}

/**
 * The rate limit a token gets from what the client asked (undefined: nothing said, null: none),
 * under the host's default and maximum. `field` names the input in errors.
 * @example grantedRateLimit({ limit: 10, window: '1s' }, settings, 'rateLimit') // { limit: 10, window: 1000 }
 */
export function grantedRateLimit(requested: RateLimitInput | null | undefined, settings: ResolvedRateLimits, field: string): RateLimit | null {
  const limit = requested === undefined ? settings.default : requested === null ? null : rateLimitOf(requested);
  if (settings.max === null) return limit;
  if (limit === null) throw ValidationError.of(field, `is required on this server: at most ${settings.max.limit} requests per ${settings.max.window / 1000} s`);
  if (isFaster(limit, settings.max)) throw ValidationError.of(field, `must be at most ${settings.max.limit} requests per ${settings.max.window / 1000} s on this server`);
  return limit;
}

/** A token's rate limit state after a request, for the `RateLimit` header fields. */
export interface RateLimitState {
  limit: number;
  /** Window, ms. */
  window: number;
  /** Points left in this window. */
  remaining: number;
  /** ms until the window resets. */
  resetMs: number;
}

/** The limiter's verdict: within the limit, over it (with the wait), or not counted (backend down, let through). */
export type RateVerdict = { ok: true; state: RateLimitState | undefined } | { ok: false; state: RateLimitState };

function stateOf(limit: RateLimit, answer: RateLimiterAnswer): RateLimitState {
  return { limit: limit.limit, window: limit.window, remaining: Math.max(0, answer.remainingPoints), resetMs: Math.max(0, answer.msBeforeNext) };
}

/**
 * Counts requests against per-token rate limits on the store's rate-limiter-flexible backend: one
 * limiter per distinct (limit, window), each token keyed by its id. A limit changed on a token
 * starts a fresh count (another limiter). Limiters are made on first use and kept.
 */
export class RateLimiters {
  /** By limit, then by window (ms): numbers as keys, so finding a request's limiter builds no string. */
  private readonly limiters = new Map<number, Map<number, RateLimiterLike>>();

  constructor(
    private readonly store: RateLimiterStore,
    private readonly failOpen: boolean,
    private readonly onError: (error: unknown) => void,
  ) {}

  private limiter(limit: RateLimit): RateLimiterLike {
    let byWindow = this.limiters.get(limit.limit);
    if (byWindow === undefined) this.limiters.set(limit.limit, (byWindow = new Map()));
    let limiter = byWindow.get(limit.window);
    if (limiter === undefined) {
      const duration = limit.window / 1000;
      limiter = this.store.rateLimiter({ keyPrefix: `keyward:rl:${limit.limit}:${duration}`, points: limit.limit, duration });
      byWindow.set(limit.window, limiter);
    }
    return limiter;
  }

  /**
   * Takes `cost` points from the token's window: synchronously when the limiter counts in this
   * process (`consumeSync`, the memory store), otherwise as a promise. Throws (or rejects with)
   * StoreUnavailableError when the backend cannot answer, unless the host chose
   * `onLimiterError: 'allow'`.
   */
  consume(tokenId: string, limit: RateLimit, cost: number): MaybePromise<RateVerdict> {
    let pending: Promise<RateLimiterAnswer>;
    try {
      const limiter = this.limiter(limit);
      if (limiter.consumeSync !== undefined) return this.answered(limit, limiter.consumeSync(tokenId, cost));
      pending = limiter.consume(tokenId, cost);
    } catch (error) {
      // consumeSync throws what consume rejects with: the same verdict either way.
      return this.refused(limit, error);
    }
    return pending.then(
      (answer) => this.answered(limit, answer),
      (rejection: unknown) => this.refused(limit, rejection),
    );
  }

  private answered(limit: RateLimit, answer: RateLimiterAnswer): RateVerdict {
    return { ok: true, state: stateOf(limit, answer) };
  }

  /** What a limiter's refusal means: over the limit (its result object), or its backend failed (an Error). */
  private refused(limit: RateLimit, rejection: unknown): RateVerdict {
    // rate-limiter-flexible rejects with its result object when over the limit, with an Error when its backend failed.
    if (!(rejection instanceof Error) && typeof (rejection as RateLimiterAnswer | null)?.msBeforeNext === 'number') {
      return { ok: false, state: stateOf(limit, rejection as RateLimiterAnswer) };
    }
    if (this.failOpen) {
      this.onError(new StoreUnavailableError('rate limiter unavailable; request let through (rateLimits.onLimiterError is "allow")', { cause: rejection }));
      return { ok: true, state: undefined };
    }
    throw new StoreUnavailableError(`rate limiter unavailable: ${rejection instanceof Error ? rejection.message : String(rejection)}`, { cause: rejection });
  }

  /** Gives back points taken for a request refused later (credits used up), best effort. */
  refund(tokenId: string, limit: RateLimit, cost: number): void {
    this.limiter(limit).reward?.(tokenId, cost).catch(this.onError);
  }
}
