import { refillOf, type RefillInput } from './credits.js';
import { ValidationError } from './errors.js';
import type { StoreFeatures } from './features.js';
import { grantedRateLimit, type RateLimitInput, type ResolvedRateLimits } from './limits.js';
import type { TokenRecord, UpdateChange } from './store.js';

/** The limit fields of a create or update input, as the schemas parse them. */
export interface LimitInput {
  enabled?: boolean | undefined;
  rateLimit?: RateLimitInput | null | undefined;
  remaining?: number | null | undefined;
  refill?: RefillInput | null | undefined;
}

/** What decides whether a limit may be set: the features on, and the host's rate limit settings. */
export interface LimitSettings {
  features: StoreFeatures;
  rateLimits: ResolvedRateLimits;
}

type LimitFields = Required<Pick<TokenRecord, 'enabled' | 'rateLimit' | 'remaining' | 'refill' | 'refilledAt'>>;

/** Refuses, naming the field, a limit the store cannot keep (a store without the limits part or a rate limiter). */
function assertCarried(input: LimitInput, features: StoreFeatures): void {
  const refuse = (field: string, what: string) => ValidationError.of(field, `cannot be set: this server's token store cannot carry ${what}`);
  if (input.enabled !== undefined && !features.pause) throw refuse('enabled', 'pausing');
  if (input.rateLimit != null && !features.rateLimits) throw refuse('rateLimit', 'rate limits');
  if (input.remaining != null && !features.credits) throw refuse('remaining', 'credits');
  if (input.refill != null && !features.credits) throw refuse('refill', 'credits');
}

/**
 * The limit fields of a new token at `now`. A refill without `remaining` starts full (at its
 * amount); the rate limit is the host's default unless the input says (null: none).
 * @example newTokenLimits({ remaining: 100 }, settings, now) // { enabled: true, rateLimit: null, remaining: 100, refill: null, refilledAt: null }
 */
export function newTokenLimits(input: LimitInput, settings: LimitSettings, now: number): LimitFields {
  assertCarried(input, settings.features);
  if (input.refill && input.remaining === null) throw ValidationError.of('refill', 'needs credits: leave remaining out (it then starts at the refill amount) or give a number');
  const refill = input.refill ? refillOf(input.refill) : null;
  return {
    enabled: true,
    // Without a rate limiter, a host default cannot be counted: tokens then get none (startup refused an explicit rateLimits option).
    rateLimit: settings.features.rateLimits ? grantedRateLimit(input.rateLimit, settings.rateLimits, 'rateLimit') : null,
    remaining: input.remaining ?? refill?.amount ?? null,
    refill,
    refilledAt: refill ? now : null,
  };
}

/**
 * The limit part of an update at `now`. Setting `remaining` or `refill` restarts the refill clock
 * (`refilledAt` = now): the new credits last a whole interval.
 * @example limitChange({ enabled: false }, settings, now) // { enabled: false }
 */
export function limitChange(input: LimitInput, settings: LimitSettings, now: number): UpdateChange {
  assertCarried(input, settings.features);
  const change: UpdateChange = {};
  if (input.enabled !== undefined) change.enabled = input.enabled;
  if (input.rateLimit !== undefined) change.rateLimit = grantedRateLimit(input.rateLimit, settings.rateLimits, 'rateLimit');
  if (input.remaining !== undefined) change.remaining = input.remaining;
  if (input.refill !== undefined) change.refill = input.refill && refillOf(input.refill);
  if (input.remaining !== undefined || input.refill !== undefined) change.refilledAt = now;
  return change;
}
