import type BetterSqlite3 from 'better-sqlite3';
import { LOOKUP_COLUMNS, TOKEN_COLUMNS, type LookupRow, type TokenRow } from './rows.js';

type Statement<P extends unknown[] | object, R = unknown> = BetterSqlite3.Statement<P extends unknown[] ? P : [P], R>;

/**
 * Every statement the store runs, prepared once.
 *
 * @example const row = prepareStatements(db, 'keyward_').findByHash.get(hash);
 */
export interface Statements {
  insert: Statement<unknown[]>;
  /** The verification lookup: raw rows of `LOOKUP_COLUMNS` (see `fromLookupRow`). */
  findByHash: Statement<[hash: string], LookupRow>;
  get: Statement<[organizationId: string, id: string], TokenRow>;
  listFirst: Statement<[organizationId: string, limit: number], TokenRow>;
  listAfter: Statement<[organizationId: string, createdAt: number, id: string, limit: number], TokenRow>;
  existingIds: Statement<[organizationId: string, idsJson: string], string>;
  deleteIds: Statement<[organizationId: string, idsJson: string], TokenRow>;
  deleteByProject: Statement<[projectId: string], TokenRow>;
  deleteExpired: Statement<[expiredBefore: number], TokenRow>;
  touch: Statement<{ id: string; organizationId: string; lastUsedAt: number }>;
}

/**
 * Prepares the store's statements against `<prefix>tokens`, which must already exist (run `migrate` first).
 *
 * @example
 * migrate(db, 'keyward_');
 * const statements = prepareStatements(db, 'keyward_');
 */
export function prepareStatements(db: BetterSqlite3.Database, prefix: string): Statements {
  const table = `${prefix}tokens`;
  const columns = TOKEN_COLUMNS.join(', ');
  const newestFirst = 'ORDER BY created_at DESC, id DESC LIMIT ?';
  // Id lists travel as one JSON array, so a 1000-id delete is one statement with two parameters,
  // well under SQLite's variable limit and prepared once.
  const inIds = 'organization_id = ? AND id IN (SELECT value FROM json_each(?))';

  // Instants must come back as numbers even if the caller turned on defaultSafeIntegers (bigint).
  const prepare = <P extends unknown[] | object, R = unknown>(sql: string) =>
    (db.prepare(sql) as unknown as Statement<P, R>).safeIntegers(false);

  return {
    insert: prepare(
      `INSERT INTO ${table} (${columns}) VALUES (${TOKEN_COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT (organization_id, name_key) DO NOTHING`,
    ),
    // Raw arrays, and only the columns the caller does not already know: building a 12-key row
    // object costs more than the lookup itself (about a third of the time of a full-row select).
    findByHash: prepare<[string], LookupRow>(`SELECT ${LOOKUP_COLUMNS.join(', ')} FROM ${table} WHERE hash = ?`).raw(),
    get: prepare(`SELECT ${columns} FROM ${table} WHERE organization_id = ? AND id = ?`),
    listFirst: prepare(`SELECT ${columns} FROM ${table} WHERE organization_id = ? ${newestFirst}`),
    // A row value, not `created_at < ? OR (created_at = ? AND id < ?)`: SQLite bounds the index
    // range with it, so a page deep in a large organization costs what the first page costs
    // (with the OR form it walks the organization's index from the top to the cursor).
    listAfter: prepare(
      `SELECT ${columns} FROM ${table}
       WHERE organization_id = ? AND (created_at, id) < (?, ?) ${newestFirst}`,
    ),
    existingIds: prepare<[string, string], string>(`SELECT id FROM ${table} WHERE ${inIds}`).pluck(),
    deleteIds: prepare(`DELETE FROM ${table} WHERE ${inIds} RETURNING ${columns}`),
    deleteByProject: prepare(`DELETE FROM ${table} WHERE project_id = ? RETURNING ${columns}`),
    deleteExpired: prepare(`DELETE FROM ${table} WHERE expires_at IS NOT NULL AND expires_at <= ? RETURNING ${columns}`),
    // Monotonic by the WHERE clause: an older instant matches no row, and an unchanged row is not rewritten.
    touch: prepare(
      `UPDATE ${table} SET last_used_at = @lastUsedAt
       WHERE id = @id AND organization_id = @organizationId AND (last_used_at IS NULL OR last_used_at < @lastUsedAt)`,
    ),
  };
}
