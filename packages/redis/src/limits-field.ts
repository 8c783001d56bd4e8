import type { RateLimit, Refill, TokenRecord, UpdateChange } from '@keyward/core';

/**
 * Contract v3's limit fields travel in one short hash field beside the record JSON (`l:<id>` in the
 * organization's records, `l` in each lookup key), absent while the token is enabled and has no
 * limits, so a token without limits costs no memory for them. Its slots, `|`-separated, empty for
 * null: a write sequence, enabled (`1`/`0`), rate limit points, window ms, credits left, refill
 * amount, refill interval ms, refill anchor (epoch ms). The sequence lets a lookup key's copy be
 * raised only by a newer write (spends and updates land on the lookup keys after the
 * organization's copy, in any order).
 * @example encodeLimits({ enabled: true, rateLimit: null, remaining: 5, refill: null, refilledAt: null }, 1) // '1|1|||5|||'
 */
export interface Limits {
  enabled: boolean;
  rateLimit: RateLimit | null;
  remaining: number | null;
  refill: Refill | null;
  refilledAt: number | null;
}

export const NO_LIMITS: Readonly<Limits> = Object.freeze({ enabled: true, rateLimit: null, remaining: null, refill: null, refilledAt: null });

const slot = (value: number | null | undefined): string => (value == null ? '' : String(value));

/** The limits of a record as the store keeps them (absent fields mean none). */
export function limitsOf(record: Partial<Limits>): Limits {
  return {
    enabled: record.enabled !== false,
    rateLimit: record.rateLimit ?? null,
    remaining: record.remaining ?? null,
    refill: record.refill ?? null,
    refilledAt: record.refilledAt ?? null,
  };
}

/** The seven value slots (no sequence) of `limits`. */
export function limitSlots(limits: Limits): string[] {
  return [
    limits.enabled ? '1' : '0',
    slot(limits.rateLimit?.limit),
    slot(limits.rateLimit?.window),
    slot(limits.remaining),
    slot(limits.refill?.amount),
    slot(limits.refill?.interval),
    slot(limits.refilledAt),
  ];
}

/** The field of a new record: '' (not written) when it has the defaults. */
export function encodeLimits(record: Partial<Limits>): string {
  const limits = limitsOf(record);
  const isDefault = limits.enabled && limits.rateLimit === null && limits.remaining === null && limits.refill === null && limits.refilledAt === null;
  return isDefault ? '' : ['1', ...limitSlots(limits)].join('|');
}

/**
 * The slots an update sends to the UPDATE script: `~` keeps the stored value (a concurrent spend's
 * credits survive a pause), anything else replaces it. All `~` when no limit field changes.
 */
export function limitChangeSlots(change: UpdateChange): string[] {
  const keep = '~';
  const has = (field: keyof UpdateChange) => Object.prototype.hasOwnProperty.call(change, field) && change[field] !== undefined;
  return [
    has('enabled') ? (change.enabled ? '1' : '0') : keep,
    has('rateLimit') ? slot(change.rateLimit?.limit) : keep,
    has('rateLimit') ? slot(change.rateLimit?.window) : keep,
    has('remaining') ? slot(change.remaining) : keep,
    has('refill') ? slot(change.refill?.amount) : keep,
    has('refill') ? slot(change.refill?.interval) : keep,
    has('refilledAt') ? slot(change.refilledAt) : keep,
  ];
}

const num = (text: string | undefined): number | null => (text === undefined || text === '' ? null : Number(text));

/** The limits in a stored field (null or absent: the defaults). */
export function decodeLimits(field: string | null | undefined): Limits {
  if (field == null || field === '') return { ...NO_LIMITS };
  const [, enabled, limit, window, remaining, amount, interval, refilledAt] = field.split('|');
  const points = num(limit);
  const every = num(amount);
  return {
    enabled: enabled !== '0',
    rateLimit: points === null ? null : { limit: points, window: num(window)! },
    remaining: num(remaining),
    refill: every === null ? null : { amount: every, interval: num(interval)! },
    refilledAt: num(refilledAt),
  };
}

/** `record` with the limits of `field` (mutates and returns it). */
export function withLimits(record: TokenRecord, field: string | null | undefined): TokenRecord {
  return Object.assign(record, decodeLimits(field));
}
