import { createHash, randomUUID } from 'node:crypto';
import type { TokenRecord } from '@keyward/core';

let sequence = 0;

/**
 * The v3 limit fields every record gets while the suite tests a store with the limits part (which
 * returns them from every read); none for a store without it, which may drop them.
 */
let limitDefaults: Partial<TokenRecord> = {};

/**
 * Whether `makeRecord()` gives records the v3 limit fields (enabled, no limits). The suite sets it
 * per store; call it yourself only when using `makeRecord` outside `describeTokenStore`.
 * @example useLimitFields(typeof store.spend === 'function')
 */
export function useLimitFields(on: boolean): void {
  limitDefaults = on ? { enabled: true, rateLimit: null, remaining: null, refill: null, refilledAt: null } : {};
}

/**
 * A fresh random hash, as a store would get from keyward.
 * @example store.roll('org_1', record.id, { hash: makeHash(), hint: 'kw_wxyz', previousExpiresAt: null })
 */
export function makeHash(): string {
  return createHash('sha256').update(randomUUID()).digest('base64url');
}

/**
 * A valid record for store tests. Each call gets a fresh id, hash and name unless overridden.
 * @example makeRecord({ organizationId: 'org_a', createdAt: 1000 })
 */
export function makeRecord(overrides: Partial<TokenRecord> = {}): TokenRecord {
  sequence += 1;
  const name = overrides.name ?? `Token ${sequence} ${randomUUID().slice(0, 8)}`;
  return {
    id: `tok_${randomUUID().replace(/-/g, '')}`,
    organizationId: 'org_1',
    name,
    nameKey: name.toUpperCase().toLowerCase(),
    scope: { kind: 'organization' },
    hash: makeHash(),
    hint: 'kw_abcd',
    createdAt: 1_700_000_000_000 + sequence,
    createdBy: 'user_1',
    expiresAt: null,
    lastUsedAt: null,
    permissions: null,
    metadata: null,
    previous: null,
    ...limitDefaults,
    ...overrides,
  };
}
