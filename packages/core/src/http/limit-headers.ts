import type { LimitsState } from '../verify.js';

// The RateLimit-Policy and RateLimit fields of draft-ietf-httpapi-ratelimit-headers-10 (27
// September 2025): Structured Field lists of items named by a String, with parameters q (quota),
// w (window, s), r (remaining) and t (s until more quota). keyward names two policies: "rate" (the
// token's rate limit) and "credits" (its usage credits; in RateLimit-Policy only with a refill,
// since q is required and credits without a refill have no quota per window).

/** Whole seconds, never 0 for a wait still running: "retry in 0 s" would invite a retry too soon. */
function seconds(ms: number): number {
  return ms <= 0 ? 0 : Math.ceil(ms / 1000);
}

/**
 * The `RateLimit-Policy` and `RateLimit` header fields for a token's limits after a request.
 * @example
 * limitHeaders({ rateLimit: { limit: 100, window: 60_000, remaining: 42, resetMs: 17_250 } })
 * // { 'ratelimit-policy': '"rate";q=100;w=60', ratelimit: '"rate";r=42;t=18' }
 */
export function limitHeaders(limits: LimitsState): Record<string, string> {
  // Strings joined as they are built, no arrays: these run on every limited request that passes.
  let policies = '';
  let current = '';
  const rate = limits.rateLimit;
  if (rate) {
    policies = `"rate";q=${rate.limit};w=${rate.window / 1000}`;
    current = `"rate";r=${rate.remaining};t=${seconds(rate.resetMs)}`;
  }
  const credits = limits.credits;
  if (credits) {
    if (credits.refill) policies = listed(policies, `"credits";q=${credits.refill.amount};w=${credits.refill.interval / 1000}`);
    current = listed(current, credits.refillInMs === null ? `"credits";r=${credits.remaining}` : `"credits";r=${credits.remaining};t=${seconds(credits.refillInMs)}`);
  }
  const headers: Record<string, string> = {};
  if (policies !== '') headers['ratelimit-policy'] = policies;
  if (current !== '') headers.ratelimit = current;
  return headers;
}

/** `item` appended to a Structured Field list. */
function listed(list: string, item: string): string {
  return list === '' ? item : `${list}, ${item}`;
}

/**
 * `Retry-After` in seconds (at least 1) for a wait of `ms`.
 * @example retryAfter(1200) // '2'
 */
export function retryAfter(ms: number): string {
  return String(Math.max(1, seconds(ms)));
}
