import type { TokenRecord } from '@keyward/core';

/**
 * The columns of `<prefix>tokens`, in the order `toParams` binds them and `toRecord` reads them.
 *
 * @example `INSERT INTO "public"."keyward_tokens" (${TOKEN_COLUMNS.join(', ')}) VALUES …`
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
] as const;

// The jsonb columns are read as text and parsed here, so a host's global type parser for jsonb
// (pg.types.setTypeParser) cannot change what the store returns.
const JSON_COLUMNS = new Set<string>(['permissions', 'metadata']);

const LIMIT_COLUMNS = ['enabled', 'rate_limit', 'rate_window', 'remaining', 'refill_amount', 'refill_interval', 'refilled_at'] as const;

// The limit columns travel as one text field, NULL for a token that is enabled and has no limits:
// the usual token then costs the verification one NULL to parse instead of seven fields (client
// CPU per findByHash beside the v2 store's: +7 to 12 % with seven columns, +0 to 5 % packed).
// format() writes NULL as an empty string, so each value keeps its position.
const LIMITS = `CASE WHEN enabled AND rate_limit IS NULL AND remaining IS NULL AND refill_amount IS NULL AND refilled_at IS NULL THEN NULL
  ELSE format('${LIMIT_COLUMNS.map(() => '%s').join(',')}', ${LIMIT_COLUMNS.join(', ')}) END AS limits`;

/**
 * The select list (and RETURNING list) matching `TokenRow`.
 *
 * @example `SELECT ${SELECT_COLUMNS} FROM "public"."keyward_tokens" WHERE id = $1`
 */
export const SELECT_COLUMNS = [
  ...TOKEN_COLUMNS.filter((column) => !(LIMIT_COLUMNS as readonly string[]).includes(column)).map((column) => (JSON_COLUMNS.has(column) ? `${column}::text` : column)),
  LIMITS,
].join(', ');

/**
 * A row of `SELECT_COLUMNS` as node-postgres returns it in array mode: bigint columns arrive as
 * strings (int8 can exceed a double), and the store's instants are safe integers, so `Number` is
 * exact; jsonb columns arrive as their JSON text.
 */
export type TokenRow = [
  id: string,
  organizationId: string,
  name: string,
  nameKey: string,
  scopeKind: 'organization' | 'project',
  projectId: string | null,
  hash: string,
  hint: string,
  createdAt: string,
  createdBy: string,
  expiresAt: string | null,
  lastUsedAt: string | null,
  permissions: string | null,
  metadata: string | null,
  previousHash: string | null,
  previousHint: string | null,
  previousExpiresAt: string | null,
  /** null: enabled, no limits; else `enabled (t or f),rate_limit,rate_window,remaining,refill_amount,refill_interval,refilled_at` ('' for NULL). */
  limits: string | null,
];

// bigint columns (instants, credits, intervals) arrive as strings; every value keyward stores is a safe integer.
const int8 = (value: string | null): number | null => (value === null ? null : Number(value));
const json = <T>(value: string | null): T | null => (value === null ? null : (JSON.parse(value) as T));

/**
 * A fresh record from a row; each call returns a new object.
 *
 * @example const record = toRecord(result.rows[0]); // record.createdAt is a number
 */
export function toRecord(row: TokenRow): TokenRecord {
  const projectId = row[5];
  const previousHash = row[14];
  const record: TokenRecord = {
    id: row[0],
    organizationId: row[1],
    name: row[2],
    nameKey: row[3],
    scope: projectId === null ? { kind: 'organization' } : { kind: 'project', projectId },
    hash: row[6],
    hint: row[7],
    createdAt: Number(row[8]),
    createdBy: row[9],
    expiresAt: int8(row[10]),
    lastUsedAt: int8(row[11]),
    permissions: json<string[]>(row[12]),
    metadata: json<Record<string, unknown>>(row[13]),
    // The table's CHECK keeps the three previous_* columns null together.
    previous: previousHash === null ? null : { hash: previousHash, hint: row[15]!, expiresAt: Number(row[16]) },
    // Enabled and without limits unless the packed column says otherwise (literal fields, not a
    // spread: every record keeps one shape).
    enabled: true,
    rateLimit: null,
    remaining: null,
    refill: null,
    refilledAt: null,
  };
  if (row[17] !== null) readLimits(record, row[17]);
  return record;
}

const field = (value: string | undefined): number | null => (value === undefined || value === '' ? null : Number(value));

/** Sets the limit fields of `record` from the packed `limits` column (see LIMITS). */
function readLimits(record: TokenRecord, limits: string): void {
  const [enabled, rateLimit, rateWindow, remaining, refillAmount, refillInterval, refilledAt] = limits.split(',');
  // CHECKs keep rate_limit/rate_window and refill_amount/refill_interval NULL together.
  record.enabled = enabled === 't'; // boolean's text form
  record.rateLimit = rateLimit ? { limit: Number(rateLimit), window: Number(rateWindow) } : null;
  record.remaining = field(remaining);
  record.refill = refillAmount ? { amount: Number(refillAmount), interval: Number(refillInterval) } : null;
  record.refilledAt = field(refilledAt);
}

/**
 * A record's values in `TOKEN_COLUMNS` order, for binding. The jsonb values are bound as JSON
 * text: node-postgres would otherwise send a JavaScript array as a PostgreSQL array literal.
 *
 * @example await pool.query(insertSql, toParams(record));
 */
export function toParams(record: TokenRecord): unknown[] {
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
    jsonParam(record.permissions),
    jsonParam(record.metadata),
    record.previous?.hash ?? null,
    record.previous?.hint ?? null,
    record.previous?.expiresAt ?? null,
    // A record without the v3 fields (an older caller) is stored enabled, without limits.
    record.enabled ?? true,
    record.rateLimit?.limit ?? null,
    record.rateLimit?.window ?? null,
    record.remaining ?? null,
    record.refill?.amount ?? null,
    record.refill?.interval ?? null,
    record.refilledAt ?? null,
  ];
}

/**
 * A JSON value as a bound parameter: its JSON text, or SQL null for null (and for undefined: a
 * record written for the v1 contract has no `permissions` or `metadata` at all).
 *
 * @example await pool.query('UPDATE t SET metadata = $1', [jsonParam({ team: 'ops' })]);
 */
export function jsonParam(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
