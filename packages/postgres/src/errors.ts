import { StoreUnavailableError } from '@keyward/core';

// What each PostgreSQL error means for a caller is written down, one row per code or class, in
// docs/stores.md "PostgreSQL errors" (a test checks every row against these lists). The rule:
// an outage is the server unable to answer now, for a reason an operator or time fixes (it is
// unreachable, shutting down, out of resources, timed out waiting, read-only, its data damaged);
// anything else is an answer about the question itself (a constraint, a missing table or
// privilege, a syntax error): a bug or a configuration to fix, which core reports as one.

// Whole classes: 08 connection exception, 53 insufficient resources (disk full, out of memory, too
// many connections), 57 operator intervention (57014 statement_timeout or a cancel, 57P01-03
// shutdowns and "cannot connect now", 57P04 database dropped, 57P05 idle session timeout), 58 system
// error (I/O).
const UNAVAILABLE_CLASSES = new Set(['08', '53', '57', '58']);
// Single codes of other classes:
// - 55P03 lock_not_available: lock_timeout (or NOWAIT) ended a wait for a lock, the same wait that
//   statement_timeout (57014) ends;
// - 25006 read_only_sql_transaction: a standby, or a primary switched to read-only (a failover);
// - 25P03 idle_in_transaction_session_timeout, 25P04 transaction_timeout: the server ended a
//   transaction that lasted too long;
// - 40003 statement_completion_unknown: the connection was lost while the statement ran;
// - 72000 snapshot_too_old;
// - XX001 data_corrupted, XX002 index_corrupted: damaged data an operator must restore (as SQLite's
//   SQLITE_CORRUPT); XX000 internal_error stays a bug.
const UNAVAILABLE_CODES = new Set(['55P03', '25006', '25P03', '25P04', '40003', '72000', 'XX001', 'XX002']);

// A serialization failure (under REPEATABLE READ or SERIALIZABLE, e.g. a host's
// default_transaction_isolation) or a deadlock with another transaction (a host's own, locking
// token rows in another order) rolls back the whole statement or transaction: nothing was
// written, and the same work run again usually succeeds. The store retries it (`guard`); one
// that keeps failing is contention, answered as an outage.
const RETRY_CODES = new Set(['40001', '40P01']);

/** Attempts of one operation that meets serialization failures or deadlocks, the first included. */
export const RETRY_ATTEMPTS = 3;

// Node socket errors: the server is unreachable or the connection broke.
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

// node-postgres and pg-pool report these without a code: a connection that ended or broke, a
// connect that timed out (pool `connectionTimeoutMillis`, client `query_timeout`), a pool the
// caller already ended.
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^timeout expired$/,
  /^Query read timeout$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^Cannot use a pool after calling end on the pool$/,
];

const sqlstateOf = (error: Error): string | undefined => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

/**
 * Whether `error` is a serialization failure (40001) or a deadlock (40P01): rolled back whole, worth
 * running again.
 *
 * @example isRetryableError(Object.assign(new Error('deadlock detected'), { code: '40P01' })); // true
 */
export function isRetryableError(error: unknown): boolean {
  return error instanceof Error && RETRY_CODES.has(sqlstateOf(error) ?? '');
}

/**
 * Whether `error` means PostgreSQL could not answer (unreachable, connection lost, timed out,
 * shutting down, read-only, out of connections, still contended after the store's retries…)
 * rather than answering with an error about the question (a constraint, a syntax error, a missing
 * table or privilege: a bug or a configuration to fix).
 *
 * @example
 * isUnavailableError(Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' })); // true
 * isUnavailableError(Object.assign(new Error('duplicate key value'), { code: '23505' })); // false
 */
export function isUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  // Before SQLSTATEs: EPIPE has their shape.
  if (typeof code === 'string' && SOCKET_CODES.has(code)) return true;
  const sqlstate = sqlstateOf(error);
  if (sqlstate !== undefined) return UNAVAILABLE_CLASSES.has(sqlstate.slice(0, 2)) || UNAVAILABLE_CODES.has(sqlstate) || RETRY_CODES.has(sqlstate);
  if (DRIVER_MESSAGES.some((message) => message.test(error.message))) return true;
  // A connect failure wraps its socket error (AggregateError when several addresses were tried).
  if (error instanceof AggregateError) return error.errors.some(isUnavailableError);
  return error.cause !== undefined && error.cause !== error && isUnavailableError(error.cause);
}

/**
 * `error` as the store throws it: a StoreUnavailableError (with the driver's error as `cause`) when
 * PostgreSQL could not answer, otherwise `error` unchanged, for core to report as a bug.
 *
 * @example
 * try { await pool.query(sql); } catch (error) { throw toStoreError('list', error); }
 */
export function toStoreError(operation: string, error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailableError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`postgres store: ${operation} failed: ${reason}`, { cause: error });
}

// A short random pause before running again, so two transactions that deadlocked do not meet again
// in step.
const pause = (attempt: number) => new Promise<void>((resolve) => setTimeout(resolve, attempt * (5 + Math.random() * 20)));

/**
 * Runs one store operation, translating "PostgreSQL could not answer" errors. `work` must be one
 * statement or one transaction: a serialization failure or deadlock rolled all of it back, so it is
 * run again, up to `RETRY_ATTEMPTS` times in all, before it counts as an outage.
 *
 * @example const rows = await guard('get', () => pool.query(sql, [organizationId, id]));
 */
export async function guard<T>(operation: string, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= RETRY_ATTEMPTS || !isRetryableError(error)) throw toStoreError(operation, error);
    }
    await pause(attempt);
  }
}
