import { StoreUnavailableError } from '@keyward/core';
import { resultCodeName } from './result-codes.js';

// Result codes (and their extended forms, e.g. SQLITE_IOERR_WRITE) that mean the database could not
// answer now, for a reason an operator or time fixes, as opposed to an answer about the question (a
// constraint, a missing table, a misused API, an authorizer's refusal: a bug or a configuration).
// Callers must fail closed on these, so they become StoreUnavailableError. docs/stores.md "SQLite
// errors" explains each one; a test checks every row of that table against this list.
export const UNAVAILABLE_CODES = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_READONLY',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_FULL',
  'SQLITE_NOMEM',
  'SQLITE_PROTOCOL',
  'SQLITE_PERM',
  'SQLITE_INTERRUPT',
  'SQLITE_NOLFS',
  // Another connection changed the schema during the call, more often than SQLite re-prepares for.
  'SQLITE_SCHEMA',
] as const;

// A closed handle, as each driver reports it: an error without a result code, known by its message
// (better-sqlite3: a TypeError; node:sqlite: code ERR_INVALID_STATE; bun:sqlite: a RangeError from
// prepare(), an Error from a statement of the query cache).
const CLOSED_MESSAGES = new Set([
  'The database connection is not open',
  'database is not open',
  'statement has been finalized',
  'Cannot use a closed database',
  'Database has closed',
]);

/**
 * The SQLite result code of a driver's error, by name (`SQLITE_BUSY`, `SQLITE_CONSTRAINT_UNIQUE`…),
 * or undefined when it carries none. better-sqlite3 and bun:sqlite name it in `code`; node:sqlite
 * (Node, Deno) sets `code: 'ERR_SQLITE_ERROR'` and gives the number in `errcode`; bun:sqlite also
 * gives it in `errno`.
 *
 * @example sqliteCode(Object.assign(new Error('database is locked'), { code: 'ERR_SQLITE_ERROR', errcode: 5 })) // 'SQLITE_BUSY'
 */
export function sqliteCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const { code, errcode, errno } = error as { code?: unknown; errcode?: unknown; errno?: unknown };
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return code;
  if (typeof errcode === 'number') return resultCodeName(errcode);
  // bun:sqlite before its errors carried `code`.
  if (typeof errno === 'number' && error instanceof Error && error.name === 'SQLiteError') return resultCodeName(errno);
  return undefined;
}

/**
 * Whether `error` means SQLite could not answer (busy past the timeout, read-only, I/O failure,
 * corrupt or missing file, closed handle…) rather than answering with an error of its own.
 *
 * @example
 * isUnavailableError(new Database.SqliteError('database is locked', 'SQLITE_BUSY')); // true
 * isUnavailableError(new Database.SqliteError('UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE')); // false
 */
export function isUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = sqliteCode(error);
  if (code !== undefined) return UNAVAILABLE_CODES.some((base) => code === base || code.startsWith(`${base}_`));
  return CLOSED_MESSAGES.has(error.message);
}

/**
 * `error` as the store should throw it: a StoreUnavailableError (with the SQLite error as `cause`)
 * when the database could not answer, otherwise `error` unchanged.
 *
 * @example
 * try { statement.get(hash); } catch (error) { throw toStoreError('findByHash', error); }
 */
export function toStoreError(operation: string, error: unknown): unknown {
  if (!isUnavailableError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`sqlite store: ${operation} failed: ${reason}`, { cause: error });
}

/**
 * Runs one store operation, translating "the database could not answer" errors.
 *
 * @example
 * const page = guard('list', () => statements.list.all(organizationId, limit));
 */
export function guard<T>(operation: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw toStoreError(operation, error);
  }
}
