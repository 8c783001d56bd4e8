import type { RollChange, UpdateChange } from '@keyward/core';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks of `roll()` and `update()` arguments, made before any Redis call: bad input is the
 * caller's error (RangeError naming the field), never an outage.
 * @example changeChecks.roll({ hash: 'h2', hint: 'kw_abcd', previousExpiresAt: null });
 */
export const changeChecks = {
  roll(change: RollChange): void {
    if (!isPlainObject(change)) throw new RangeError('roll(change): change must be an object { hash, hint, previousExpiresAt }');
    if (typeof change.hash !== 'string' || change.hash === '') throw new RangeError('roll(change): change.hash must be a non-empty string');
    if (typeof change.hint !== 'string') throw new RangeError('roll(change): change.hint must be a string');
    // The previous lookup key expires at this instant (PEXPIREAT takes an integer).
    if (change.previousExpiresAt !== null && !Number.isSafeInteger(change.previousExpiresAt)) {
      throw new RangeError(`roll(change): change.previousExpiresAt must be an integer (epoch ms) or null, got ${change.previousExpiresAt}`);
    }
  },
  update(change: UpdateChange): void {
    if (!isPlainObject(change)) throw new RangeError('update(change): change must be an object { name?, nameKey?, metadata? }');
    if ((change.name === undefined) !== (change.nameKey === undefined)) throw new RangeError('update(change): change.name and change.nameKey come together');
    if (change.name !== undefined && (typeof change.name !== 'string' || typeof change.nameKey !== 'string' || change.nameKey === '')) {
      throw new RangeError('update(change): change.name and change.nameKey must be strings (nameKey not empty)');
    }
    if (change.metadata !== undefined && change.metadata !== null && !isPlainObject(change.metadata)) {
      throw new RangeError('update(change): change.metadata must be an object or null');
    }
    if (change.enabled !== undefined && typeof change.enabled !== 'boolean') throw new RangeError('update(change): change.enabled must be a boolean');
    const count = (value: unknown, field: string, min: number) => {
      if (value !== undefined && value !== null && (!Number.isSafeInteger(value) || (value as number) < min)) throw new RangeError(`update(change): change.${field} must be an integer ≥ ${min} or null`);
    };
    count(change.remaining, 'remaining', 0);
    count(change.refilledAt, 'refilledAt', Number.MIN_SAFE_INTEGER);
    for (const [field, value] of [['rateLimit', change.rateLimit], ['refill', change.refill]] as const) {
      if (value === undefined || value === null) continue;
      if (!isPlainObject(value)) throw new RangeError(`update(change): change.${field} must be an object or null`);
    }
    const { rateLimit, refill } = change as UpdateChange;
    if (rateLimit) {
      count(rateLimit.limit, 'rateLimit.limit', 1);
      count(rateLimit.window, 'rateLimit.window', 1);
    }
    if (refill) {
      count(refill.amount, 'refill.amount', 1);
      count(refill.interval, 'refill.interval', 1);
    }
  },
};
