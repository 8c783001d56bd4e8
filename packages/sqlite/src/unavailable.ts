import { StoreUnavailableError } from '@keyward/core';

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

// better-sqlite3 reports a closed handle as a plain TypeError without a code.
const CLOSED_MESSAGE = 'The database connection is not open';

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
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    return UNAVAILABLE_CODES.some((base) => code === base || code.startsWith(`${base}_`));
  }
  return error instanceof TypeError && error.message === CLOSED_MESSAGE;
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
