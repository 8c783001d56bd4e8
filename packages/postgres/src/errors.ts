import { StoreUnavailableError } from '@keyward/core';

// SQLSTATEs meaning the server could not answer the question (as opposed to answering it with an
// error about the question). Whole classes: 08 connection exception, 53 insufficient resources
// (53300 too_many_connections, disk full, out of memory), 57 operator intervention (57014
// statement_timeout/query_canceled, 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
// cannot_connect_now…), 58 system error (I/O). Single codes: 25006 read_only_sql_transaction
// (a standby, or a primary set read-only), 40001/40P01 are NOT here: they are answers to retry,
// and the store's statements are written so they do not occur.
const UNAVAILABLE_CLASSES = ['08', '53', '57', '58'];
const UNAVAILABLE_CODES = new Set(['25006']);

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

/**
 * Whether `error` means PostgreSQL could not answer (unreachable, connection lost, timed out,
 * shutting down, read-only, out of connections…) rather than answering with an error of its own
 * (a constraint, a syntax error: a bug).
 *
 * @example
 * isUnavailableError(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })); // true
 * isUnavailableError(Object.assign(new Error('duplicate key value'), { code: '23505' })); // false
 */
export function isUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || UNAVAILABLE_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_CLASSES.includes(code.slice(0, 2));
  }
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

/**
 * Runs one store operation, translating "PostgreSQL could not answer" errors.
 *
 * @example const rows = await guard('get', () => pool.query(sql, [organizationId, id]));
 */
export async function guard<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStoreError(operation, error);
  }
}
