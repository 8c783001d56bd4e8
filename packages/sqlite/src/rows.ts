import type { TokenRecord } from '@keyward/core';

/**
 * A row of `<prefix>tokens`, as better-sqlite3 returns it.
 *
 * @example const row = statements.findByHash.get(hash) as TokenRow | undefined;
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
] as const satisfies readonly (keyof TokenRow)[];

/**
 * The columns `findByHash` reads, in order: every field of the record except the hash (the caller
 * has it) and `scope_kind` (implied by `project_id`, which the table's CHECK keeps in step).
 *
 * @example `SELECT ${LOOKUP_COLUMNS.join(', ')} FROM keyward_tokens WHERE hash = ?`
 */
export const LOOKUP_COLUMNS = [
  'id',
  'organization_id',
  'name',
  'name_key',
  'project_id',
  'hint',
  'created_at',
  'created_by',
  'expires_at',
  'last_used_at',
] as const satisfies readonly (keyof TokenRow)[];

/** A raw row of `LOOKUP_COLUMNS`. */
export type LookupRow = [
  id: string,
  organizationId: string,
  name: string,
  nameKey: string,
  projectId: string | null,
  hint: string,
  createdAt: number,
  createdBy: string,
  expiresAt: number | null,
  lastUsedAt: number | null,
];

/**
 * The record behind a `findByHash` row; a fresh object each call.
 *
 * @example const record = fromLookupRow(statements.findByHash.get(hash)!, hash);
 */
export function fromLookupRow(row: LookupRow, hash: string): TokenRecord {
  const projectId = row[4];
  return {
    id: row[0],
    organizationId: row[1],
    name: row[2],
    nameKey: row[3],
    scope: projectId === null ? { kind: 'organization' } : { kind: 'project', projectId },
    hash,
    hint: row[5],
    createdAt: row[6],
    createdBy: row[7],
    expiresAt: row[8],
    lastUsedAt: row[9],
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
  };
}

/**
 * A record's values in `TOKEN_COLUMNS` order, for binding.
 *
 * @example statements.insert.run(...toParams(record));
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
