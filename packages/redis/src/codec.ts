import type { TokenRecord } from '@keyward/core';

/**
 * A record as JSON, without `lastUsedAt`: that one changes, so it lives in its own hash field
 * and the JSON stays immutable (written once, identical in both copies).
 * @example encodeRecord(record) // '{"id":"tok_…","organizationId":"org_1",…}'
 */
export function encodeRecord(record: TokenRecord): string {
  const scope = record.scope.kind === 'project' ? { kind: 'project', projectId: record.scope.projectId } : { kind: 'organization' };
  return JSON.stringify({
    id: record.id,
    organizationId: record.organizationId,
    name: record.name,
    nameKey: record.nameKey,
    scope,
    hash: record.hash,
    hint: record.hint,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    expiresAt: record.expiresAt,
  });
}

/**
 * The record from its JSON and its lastUsedAt field (a decimal string, or null when never used).
 * Each call builds a fresh object, so callers may mutate what they get.
 * @example decodeRecord(json, '1700000000000').lastUsedAt // 1700000000000
 */
export function decodeRecord(json: string, lastUsedAt: string | null | undefined): TokenRecord {
  // JSON.parse already built a fresh object: completing it is cheaper than copying it.
  const record = JSON.parse(json) as TokenRecord;
  record.lastUsedAt = lastUsedAt == null ? null : Number(lastUsedAt);
  return record;
}

/** lastUsedAt as stored in a hash field: integers print without exponent up to 1e21. */
export function encodeInstant(epochMs: number): string {
  return String(epochMs);
}
