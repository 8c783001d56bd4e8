import type { TokenRecord } from '@keyward/core';
import { withLimits } from './limits-field.js';

/**
 * A record as JSON, without `lastUsedAt`: that one changes, so it lives in its own hash field
 * and the JSON changes only by roll() and update(), which rewrite every copy.
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
    permissions: record.permissions,
    metadata: record.metadata,
    previous: record.previous === null ? null : { hash: record.previous.hash, hint: record.previous.hint, expiresAt: record.previous.expiresAt },
  });
}

/**
 * The record from its JSON, its lastUsedAt field (a decimal string, or null when never used) and
 * its limits field (absent: enabled, no limits; see limits-field.ts). Each call builds a fresh
 * object, so callers may mutate what they get.
 * @example decodeRecord(json, '1700000000000', null).lastUsedAt // 1700000000000
 */
export function decodeRecord(json: string, lastUsedAt: string | null | undefined, limits?: string | null): TokenRecord {
  // JSON.parse already built a fresh object: completing it is cheaper than copying it.
  const record = JSON.parse(json) as TokenRecord;
  // Records written by schema 1 (before permissions, metadata and rolls) lack these fields.
  record.permissions ??= null;
  record.metadata ??= null;
  record.previous ??= null;
  record.lastUsedAt = lastUsedAt == null ? null : Number(lastUsedAt);
  return withLimits(record, limits);
}

/** lastUsedAt as stored in a hash field: integers print without exponent up to 1e21. */
export function encodeInstant(epochMs: number): string {
  return String(epochMs);
}

/**
 * Every hash that may have a lookup key for this token: the current one, the previous one, and
 * the retired ones (`k:<id>`, a JSON array) whose lookup keys a roll has not yet removed.
 * @example tokenHashes(record, '["old"]') // [record.hash, 'old']
 */
export function tokenHashes(record: TokenRecord, retired: string | null | undefined): string[] {
  const hashes = new Set([record.hash]);
  if (record.previous) hashes.add(record.previous.hash);
  if (retired) for (const hash of JSON.parse(retired) as string[]) hashes.add(hash);
  return [...hashes];
}

/**
 * The hashes in a `gone` entry: a JSON array (schema 2) or the one hash schema 1 wrote.
 * @example goneHashes('["a","b"]') // ['a', 'b']
 */
export function goneHashes(value: string | null | undefined): string[] {
  if (value == null) return [];
  // Hashes are base64url, so a JSON array is never mistaken for one.
  return value.startsWith('[') ? (JSON.parse(value) as string[]) : [value];
}
