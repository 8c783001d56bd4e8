import type { TokenRecord } from '@keyward/core';
import { withLimits } from './limits-field.js';

// The two stored forms of a record (schema 4), both positional JSON arrays without `lastUsedAt` and
// the limits: those change, so they live in their own hash fields and the JSON changes only by
// roll() and update(), which rewrite every copy. Arrays, not objects: field names were half of each
// copy. The hash comes first and the previous secret last, where the Lua scripts find them without
// decoding (see RECORD_HASHES in scripts.ts); the name second. The scope is null (organization) or
// the project id. Trailing nulls are left out (no expiry, permissions, metadata or previous secret:
// the usual token). Each form leaves out what its key already says (the bench row of server memory
// per token: 1 446 B as objects, 962 B as schema 3's arrays, which held both, 878 B as these; the
// lookup key's JSON fits two 64-byte pieces instead of three for most tokens):
// - the listing (`r:<id>` in `{o:<organizationId>}:records`) has no id and no organization id;
// - a lookup key (`h:<hash>`) has `0` for the hash when it is the key's own (the current secret's
//   key; the previous secret's key names the current hash).

/**
 * A record as its organization's listing stores it: `[hash, name, nameKey, projectId, hint,
 * createdAt, createdBy, expiresAt, permissions, metadata, previous]`, trailing nulls left out.
 * @example encodeListing(record) // '["<hash>","CI","ci",null,"kw_abcd",1700000000000,"user_1"]'
 */
export function encodeListing(record: TokenRecord): string {
  return packed([record.hash, record.name, record.nameKey, ...rest(record)]);
}

/**
 * A record as the lookup key of `keyHash` stores it: `[hash, name, id, organizationId, nameKey,
 * projectId, hint, createdAt, createdBy, expiresAt, permissions, metadata, previous]` (schema 3's
 * layout), with `0` for the hash when it is `keyHash`, trailing nulls left out.
 * @example encodeLookup(record, record.hash) // '[0,"CI","tok_…","org_1","ci",null,"kw_abcd",1700000000000,"user_1"]'
 */
export function encodeLookup(record: TokenRecord, keyHash: string): string {
  return packed([record.hash === keyHash ? 0 : record.hash, record.name, record.id, record.organizationId, record.nameKey, ...rest(record)]);
}

/** The positions both forms end with, from the scope on. */
function rest(record: TokenRecord): unknown[] {
  return [
    record.scope.kind === 'project' ? record.scope.projectId : null,
    record.hint,
    record.createdAt,
    record.createdBy,
    record.expiresAt,
    record.permissions,
    record.metadata,
    record.previous === null ? null : [record.previous.hash, record.previous.hint, record.previous.expiresAt],
  ];
}

function packed(values: unknown[]): string {
  let length = values.length;
  while (values[length - 1] === null) length--;
  values.length = length;
  return JSON.stringify(values);
}

type Rest = [
  projectId: string | null,
  hint: string,
  createdAt: number,
  createdBy: string,
  expiresAt?: number | null,
  permissions?: string[] | null,
  metadata?: Record<string, unknown> | null,
  previous?: [hash: string, hint: string, expiresAt: number] | null,
];
/** Schema 4's listing. Told from schema 3's array by its sixth element, createdAt: a number (schema 3 has the scope there). */
type Listing = [hash: string, name: string, nameKey: string, ...Rest];
/** A lookup key's record (schema 4, `0` for the key's own hash), and the listing and lookup keys of schema 3. */
type Full = [hash: string | 0, name: string, id: string, organizationId: string, nameKey: string, ...Rest];

/** What a stored record does not say itself: the organization and id (a listing), or the hash (a lookup key). */
type Implied = { organizationId: string; id: string; keyHash?: undefined } | { keyHash: string; organizationId?: undefined; id?: undefined };

function decode(json: string, implied: Implied, lastUsedAt: string | null | undefined, limits: string | null | undefined): TokenRecord {
  const parsed = JSON.parse(json) as Listing | Full | TokenRecord;
  let record: TokenRecord;
  if (Array.isArray(parsed)) {
    let hash: string | 0, name: string, id: string, organizationId: string, nameKey: string, tail: Rest;
    if (typeof parsed[5] === 'number') {
      if (implied.id === undefined) throw new TypeError(`redis store: a listing was read where a lookup key's record was expected`);
      [hash, name, nameKey, ...tail] = parsed as Listing;
      ({ id, organizationId } = implied);
    } else {
      [hash, name, id, organizationId, nameKey, ...tail] = parsed as Full;
    }
    if (hash === 0) {
      if (implied.keyHash === undefined) throw new TypeError('redis store: a lookup key\'s record was read where a listing was expected');
      hash = implied.keyHash;
    }
    const [projectId, hint, createdAt, createdBy, expiresAt = null, permissions = null, metadata = null, previous = null] = tail;
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

/**
 * A record from its listing (`r:<id>` of the organization's records hash: schema 4's form, or the
 * array or object earlier schemas wrote, read as they are), its lastUsedAt field (a decimal string,
 * or null when never used) and its limits field (absent: enabled, no limits; see limits-field.ts).
 * Each call builds a fresh object, so callers may mutate what they get.
 * @example decodeListing(json, 'org_1', 'tok_a', '1700000000000', null).lastUsedAt // 1700000000000
 */
export function decodeListing(json: string, organizationId: string, id: string, lastUsedAt: string | null | undefined, limits?: string | null): TokenRecord {
  return decode(json, { organizationId, id }, lastUsedAt, limits);
}

/**
 * A record from the JSON of the lookup key of `keyHash` (schema 4's form, or what earlier schemas
 * wrote), with its lastUsedAt and limits fields as for `decodeListing`.
 * @example decodeLookup(json, hash, null).hash // hash
 */
export function decodeLookup(json: string, keyHash: string, lastUsedAt: string | null | undefined, limits?: string | null): TokenRecord {
  return decode(json, { keyHash }, lastUsedAt, limits);
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
