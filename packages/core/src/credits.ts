import { DAY_MS } from './expiry.js';
import { isPromise, toStoreError } from './store-errors.js';
import type { LimitsStore, MaybePromise, Refill, SpendResult, TokenRecord } from './store.js';

/** How often credits can be refilled, by name. */
export const REFILL_INTERVALS = Object.freeze({ '1d': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS });
export type RefillInterval = keyof typeof REFILL_INTERVALS;
/** The most credits a token can hold (and a refill can give): exact in every store's numbers. */
export const MAX_CREDITS = 1_000_000_000_000;

/** A refill as clients send it and see it. */
export interface RefillInput {
  /** What the credits are set back to at each refill, 1 to 10^12. */
  amount: number;
  interval: RefillInterval;
}

/**
 * The refill a token stores (interval in ms).
 * @example refillOf({ amount: 1000, interval: '1d' }) // { amount: 1000, interval: 86400000 }
 */
export function refillOf(input: RefillInput): Refill {
  return { amount: input.amount, interval: REFILL_INTERVALS[input.interval] };
}

/**
 * The name of a stored refill interval (stores only ever hold one of the named ones).
 * @example refillIntervalName(86_400_000) // '1d'
 */
export function refillIntervalName(interval: number): RefillInterval {
  for (const [name, ms] of Object.entries(REFILL_INTERVALS)) if (ms === interval) return name as RefillInterval;
  // A store written by hand may hold any interval; the nearest named one is what a client can send back.
  return interval <= DAY_MS ? '1d' : interval <= 7 * DAY_MS ? '7d' : '30d';
}

/**
 * When the next refill falls due (epoch ms), or null without one.
 * @example nextRefillAt({ amount: 5, interval: 86_400_000 }, 0) // 86400000
 */
export function nextRefillAt(refill: Refill | null | undefined, refilledAt: number | null | undefined): number | null {
  return refill && typeof refilledAt === 'number' ? refilledAt + refill.interval : null;
}

/**
 * The refill step of `LimitsStore.spend`, for stores that compute it in JavaScript (memory): the
 * credits and anchor once every refill due at `now` has been applied.
 * @example refilled({ remaining: 0, refill: { amount: 5, interval: 10 }, refilledAt: 0 }, 25) // { remaining: 5, refilledAt: 20 }
 */
export function refilled(record: Pick<TokenRecord, 'remaining' | 'refill' | 'refilledAt'>, now: number): { remaining: number | null; refilledAt: number | null } {
  const remaining = record.remaining ?? null;
  const refilledAt = record.refilledAt ?? null;
  const refill = record.refill;
  if (remaining === null || !refill || refilledAt === null || now < refilledAt + refill.interval) return { remaining, refilledAt };
  return { remaining: refill.amount, refilledAt: refilledAt + Math.floor((now - refilledAt) / refill.interval) * refill.interval };
}

/** A token's credits after a request, for the `RateLimit` header fields and `TokenInfo.remaining`. */
export interface CreditsState {
  remaining: number;
  refill: Refill | null;
  /** Epoch ms, or null without a refill. */
  nextRefillAt: number | null;
  /** ms from the request until `nextRefillAt`, or null without a refill. */
  refillInMs: number | null;
}

/** What spending credits decided: taken (or the token has none), refused (with the state), or the token is gone. */
export type CreditVerdict = { ok: true; state: CreditsState | undefined } | { ok: false; state: CreditsState } | null;

function verdict(record: TokenRecord, result: SpendResult, now: number): CreditVerdict {
  if (result === null) return null;
  if (result.remaining === null) return { ok: true, state: undefined };
  const refill = record.refill ?? null;
  const next = nextRefillAt(refill, result.refilledAt);
  const state: CreditsState = { remaining: result.remaining, refill, nextRefillAt: next, refillInMs: next === null ? null : Math.max(0, next - now) };
  return result.ok ? { ok: true, state } : { ok: false, state };
}

/**
 * Takes `cost` credits from the token in the store itself (never from what a cache remembers, so a
 * cached record can never spend credits the store no longer has). Synchronous when the store is.
 * @example const spent = spendCredits(store, record, 1, Date.now());
 */
export function spendCredits(store: LimitsStore, record: TokenRecord, cost: number, now: number): MaybePromise<CreditVerdict> {
  let result: MaybePromise<SpendResult>;
  try {
    result = store.spend(record.organizationId, record.id, cost, now);
  } catch (error) {
    throw toStoreError(error);
  }
  if (isPromise(result)) {
    return Promise.resolve(result).then(
      (answer) => verdict(record, answer, now),
      (error: unknown) => Promise.reject(toStoreError(error)),
    );
  }
  return verdict(record, result, now);
}
