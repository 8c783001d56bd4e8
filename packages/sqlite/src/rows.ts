import type { PreviousSecret, TokenRecord } from '@keyward/core';

/**
 * A row of `<prefix>tokens`, as better-sqlite3 returns it. `permissions` and `metadata` are JSON
 * text; the three `previous_*` columns are null together (a CHECK keeps them so).
 *
 * @example const row = statements.get.get(organizationId, id) as TokenRow | undefined;
 */
export interface TokenRow {
  id: string;
  organization_id: string;
  name: string;
  name_key: string;
  scope_kind: 'organization' | 'project';
  project_id: string | null;
  hash: string;
  hint: string;
  created_at: number;
  created_by: string;
  expires_at: number | null;
  last_used_at: number | null;
  permissions: string | null;
  metadata: string | null;
  previous_hash: string | null;
  previous_hint: string | null;
  previous_expires_at: number | null;
  enabled: 0 | 1;
  rate_limit: number | null;
  rate_window: number | null;
  remaining: number | null;
  refill_amount: number | null;
  refill_interval: number | null;
  refilled_at: number | null;
}

/**
 * The columns in the order `toParams` binds them.
 *
 * @example `INSERT INTO t (${TOKEN_COLUMNS.join(', ')}) VALUES (${TOKEN_COLUMNS.map(() => '?').join(', ')})`
 */
export const TOKEN_COLUMNS = [
  'id',
  'organization_id',
  'name',
  'name_key',
  'scope_kind',
  'project_id',
  'hash',
  'hint',
  'created_at',
  'created_by',
  'expires_at',
  'last_used_at',
  'permissions',
  'metadata',
  'previous_hash',
  'previous_hint',
  'previous_expires_at',
  'enabled',
  'rate_limit',
  'rate_window',
  'remaining',
  'refill_amount',
  'refill_interval',
  'refilled_at',
] as const satisfies readonly (keyof TokenRow)[];

/**
 * The columns `findByHash` reads, in order: every field of the record except `scope_kind`
 * (implied by `project_id`, which the table's CHECK keeps in step). The hash is read too: the
 * looked-up hash may be the row's previous one.
 *
 * @example `SELECT ${LOOKUP_COLUMNS.join(', ')} FROM keyward_tokens WHERE hash = ? OR previous_hash = ?`
 */
export const LOOKUP_COLUMNS = [
  'id',
  'organization_id',
  'name',
  'name_key',
  'project_id',
  'hash',
  'hint',
  'created_at',
  'created_by',
  'expires_at',
  'last_used_at',
  'permissions',
  'metadata',
  'previous_hash',
  'previous_hint',
  'previous_expires_at',
  'enabled',
  'rate_limit',
  'rate_window',
  'remaining',
  'refill_amount',
  'refill_interval',
  'refilled_at',
] as const satisfies readonly (keyof TokenRow)[];

/** A raw row of `LOOKUP_COLUMNS`. */
export type LookupRow = [
  id: string,
  organizationId: string,
  name: string,
  nameKey: string,
  projectId: string | null,
  hash: string,
  hint: string,
  createdAt: number,
  createdBy: string,
  expiresAt: number | null,
  lastUsedAt: number | null,
  permissions: string | null,
  metadata: string | null,
  previousHash: string | null,
  previousHint: string | null,
  previousExpiresAt: number | null,
  enabled: 0 | 1,
  rateLimit: number | null,
  rateWindow: number | null,
  remaining: number | null,
  refillAmount: number | null,
  refillInterval: number | null,
  refilledAt: number | null,
];

/**
 * The record behind a `findByHash` row; a fresh object each call.
 *
 * @example const record = fromLookupRow(statements.findByHash.get(hash, hash)!);
 */
export function fromLookupRow(row: LookupRow): TokenRecord {
  const projectId = row[4];
  return {
    id: row[0],
    organizationId: row[1],
    name: row[2],
    nameKey: row[3],
    scope: projectId === null ? { kind: 'organization' } : { kind: 'project', projectId },
    hash: row[5],
    hint: row[6],
    createdAt: row[7],
    createdBy: row[8],
    expiresAt: row[9],
    lastUsedAt: row[10],
    permissions: fromJson(row[11]),
    metadata: fromJson(row[12]),
    previous: previousOf(row[13], row[14], row[15]),
    enabled: row[16] === 1,
    rateLimit: row[17] === null ? null : { limit: row[17], window: row[18]! },
    remaining: row[19],
    refill: row[20] === null ? null : { amount: row[20], interval: row[21]! },
    refilledAt: row[22],
  };
}

/**
 * A fresh record from a row; each call returns a new object, so callers may mutate it freely.
 *
 * @example const record = toRecord(row); // record.scope → { kind: 'project', projectId: 'proj_1' }
 */
export function toRecord(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    nameKey: row.name_key,
    scope: row.scope_kind === 'project' ? { kind: 'project', projectId: row.project_id! } : { kind: 'organization' },
    hash: row.hash,
    hint: row.hint,
    createdAt: row.created_at,
    createdBy: row.created_by,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    permissions: fromJson(row.permissions),
    metadata: fromJson(row.metadata),
    previous: previousOf(row.previous_hash, row.previous_hint, row.previous_expires_at),
    enabled: row.enabled === 1,
    rateLimit: row.rate_limit === null ? null : { limit: row.rate_limit, window: row.rate_window! },
    remaining: row.remaining,
    refill: row.refill_amount === null ? null : { amount: row.refill_amount, interval: row.refill_interval! },
    refilledAt: row.refilled_at,
  };
}

/**
 * A record's values in `TOKEN_COLUMNS` order, for binding.
 *
 * @example statements.insert.run(...toParams(record));
 */
export function toParams(record: TokenRecord): unknown[] {
  const { previous } = record;
  return [
    record.id,
    record.organizationId,
    record.name,
    record.nameKey,
    record.scope.kind,
    record.scope.kind === 'project' ? record.scope.projectId : null,
    record.hash,
    record.hint,
    record.createdAt,
    record.createdBy,
    record.expiresAt,
    record.lastUsedAt,
    toJson(record.permissions),
    toJson(record.metadata),
    previous ? previous.hash : null,
    previous ? previous.hint : null,
    previous ? previous.expiresAt : null,
    // A record without the v3 fields (an older caller) is enabled and unlimited.
    record.enabled === false ? 0 : 1,
    record.rateLimit?.limit ?? null,
    record.rateLimit?.window ?? null,
    record.remaining ?? null,
    record.refill?.amount ?? null,
    record.refill?.interval ?? null,
    record.refilledAt ?? null,
  ];
}

/**
 * JSON text for a `permissions` or `metadata` column; null stays SQL NULL (not the text `null`).
 *
 * @example toJson(['tokens:read']) // '["tokens:read"]'
 */
export function toJson(value: object | null | undefined): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

// Each call parses anew, so every record owns its arrays and objects.
function fromJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

// A row from a database kept in step by the CHECK has all three or none.
function previousOf(hash: string | null, hint: string | null, expiresAt: number | null): PreviousSecret | null {
  return hash === null ? null : { hash, hint: hint!, expiresAt: expiresAt! };
}
