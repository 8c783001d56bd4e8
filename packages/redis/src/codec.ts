import type { TokenRecord } from '@keyward/core';
import { withLimits } from './limits-field.js';

/**
 * A record as compact JSON (schema 3), without `lastUsedAt` and the limits: those change, so they
 * live in their own hash fields and the JSON changes only by roll() and update(), which rewrite
 * every copy. A positional array, not an object: the record is kept twice per token (the lookup
 * key and the organization's listing), and field names were half of each copy (server memory per
 * token, the bench row, went from 1 446 B to 962 B). The hash comes first and the previous
 * secret last, where the Lua scripts find them without decoding (see RECORD_HASHES in scripts.ts);
 * the name second. The scope is null (organization) or the project id. Trailing nulls are left out.
 * @example encodeRecord(record) // '["<hash>","CI","tok_…","org_1","ci",null,"kw_abcd",1700000000000,"user_1"]'
 */
export function encodeRecord(record: TokenRecord): string {
  const packed: unknown[] = [
    record.hash,
    record.name,
    record.id,
    record.organizationId,
    record.nameKey,
    record.scope.kind === 'project' ? record.scope.projectId : null,
    record.hint,
    record.createdAt,
    record.createdBy,
    record.expiresAt,
    record.permissions,
    record.metadata,
    record.previous === null ? null : [record.previous.hash, record.previous.hint, record.previous.expiresAt],
  ];
  // Trailing nulls (no expiry, permissions, metadata or previous secret: the usual token) are left
  // out: 15 bytes less per copy moves the listing's copy into a smaller allocation class.
  let length = packed.length;
  while (packed[length - 1] === null) length--;
  packed.length = length;
  return JSON.stringify(packed);
}

type Packed = [
  hash: string,
  name: string,
  id: string,
  organizationId: string,
  nameKey: string,
  projectId: string | null,
  hint: string,
  createdAt: number,
  createdBy: string,
  expiresAt?: number | null,
  permissions?: string[] | null,
  metadata?: Record<string, unknown> | null,
  previous?: [hash: string, hint: string, expiresAt: number] | null,
];

/**
 * The record from its JSON (schema 3's array, or the object schemas 1 and 2 wrote: keys written
 * before are read as they are), its lastUsedAt field (a decimal string, or null when never used) and
 * its limits field (absent: enabled, no limits; see limits-field.ts). Each call builds a fresh
 * object, so callers may mutate what they get.
 * @example decodeRecord(json, '1700000000000', null).lastUsedAt // 1700000000000
 */
export function decodeRecord(json: string, lastUsedAt: string | null | undefined, limits?: string | null): TokenRecord {
  const parsed = JSON.parse(json) as Packed | TokenRecord;
  let record: TokenRecord;
  if (Array.isArray(parsed)) {
    const [hash, name, id, organizationId, nameKey, projectId, hint, createdAt, createdBy, expiresAt = null, permissions = null, metadata = null, previous = null] = parsed;
    record = {
      id,
      organizationId,
      name,
      nameKey,
      scope: projectId === null ? { kind: 'organization' } : { kind: 'project', projectId },
      hash,
      hint,
      createdAt,
      createdBy,
      expiresAt,
      lastUsedAt: null,
      permissions,
      metadata,
      previous: previous === null ? null : { hash: previous[0], hint: previous[1], expiresAt: previous[2] },
    };
  } else {
    // JSON.parse already built a fresh object: completing it is cheaper than copying it.
    record = parsed;
    // Records written by schema 1 (before permissions, metadata and rolls) lack these fields.
    record.permissions ??= null;
    record.metadata ??= null;
    record.previous ??= null;
  }
  record.lastUsedAt = lastUsedAt == null ? null : Number(lastUsedAt);
  return withLimits(record, limits);
}

/** The fields of a lookup key's record JSON, in order (see LOOKUP_JSON in scripts.ts): pieces of at most 64 bytes. */
export const LOOKUP_JSON_FIELDS = ['r', 'r1', 'r2', 'r3'] as const;

/**
 * A lookup key's record JSON from its pieces (as HMGET of LOOKUP_JSON_FIELDS answers), or null.
 * @example lookupJson(['["h","CI",', '"tok_1",…]', null, null]) // '["h","CI","tok_1",…]'
 */
export function lookupJson(pieces: ReadonlyArray<string | null | undefined>): string | null {
  const [first, second, third, fourth] = pieces;
  if (first == null) return null;
  return second == null ? first : first + second + (third ?? '') + (fourth ?? '');
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
