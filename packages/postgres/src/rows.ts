import type { TokenRecord } from '@keyward/core';

/**
 * The columns of `<prefix>tokens`, in the order `toParams` binds them and `toRecord` reads them.
 *
 * @example `SELECT ${TOKEN_COLUMNS.join(', ')} FROM "public"."keyward_tokens"`
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
] as const;

/**
 * A row of `TOKEN_COLUMNS` as node-postgres returns it in array mode: bigint columns arrive as
 * strings (int8 can exceed a double), and the store's instants are safe integers, so `Number` is exact.
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
];

/**
 * A fresh record from a row; each call returns a new object.
 *
 * @example const record = toRecord(result.rows[0]); // record.createdAt is a number
 */
export function toRecord(row: TokenRow): TokenRecord {
  const projectId = row[5];
  return {
    id: row[0],
    organizationId: row[1],
    name: row[2],
    nameKey: row[3],
    scope: projectId === null ? { kind: 'organization' } : { kind: 'project', projectId },
    hash: row[6],
    hint: row[7],
    createdAt: Number(row[8]),
    createdBy: row[9],
    expiresAt: row[10] === null ? null : Number(row[10]),
    lastUsedAt: row[11] === null ? null : Number(row[11]),
  };
}

/**
 * A record's values in `TOKEN_COLUMNS` order, for binding.
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
  ];
}
