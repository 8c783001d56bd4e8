import { StoreUnavailableError } from '@keyward/core';
import { UNAVAILABLE_CODES } from '../../sqlite/src/unavailable.js';

/**
 * Messages of D1 and of the Workers runtime that mean D1 could not answer now, for a reason time or
 * Cloudflare fixes (Cloudflare's own retry guidance names the first three). Matched as substrings of
 * the error's message: D1 reports them as plain `Error`s. docs/stores.md "D1 errors" explains each;
 * a test checks that table against this list.
 *
 * @example D1_OUTAGE_MESSAGES.includes('Network connection lost') // true
 */
export const D1_OUTAGE_MESSAGES = [
  'Network connection lost',
  'storage caused object to be reset',
  'reset because its code was updated',
  'D1 DB is overloaded',
  'Too many requests queued',
  'Cannot resolve D1 DB due to transient issue',
  'exceeded its memory limit',
  'exceeded its CPU time limit',
  'Durable Object is overloaded',
  'Exceeded maximum DB size',
] as const;

/**
 * The SQLite result code in a D1 error's message, extended when D1 gives one:
 * `D1_ERROR: UNIQUE constraint failed: t.b: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)`
 * → `SQLITE_CONSTRAINT_UNIQUE`.
 *
 * @example sqliteCode(new Error('D1_ERROR: database is locked: SQLITE_BUSY')) // 'SQLITE_BUSY'
 */
export function sqliteCode(error: unknown): string | null {
  const message = error instanceof Error ? error.message : String(error);
  const extended = /\(extended: (SQLITE_[A-Z_]+)\)/.exec(message)?.[1];
  return extended ?? /: (SQLITE_[A-Z_]+)\b/.exec(message)?.[1] ?? null;
}

/**
 * Whether `error` means D1 could not answer (a lost connection, a reset or overloaded database, a
 * busy or read-only one…) rather than an answer about the question (a constraint, a missing table,
 * a type D1 cannot bind: a bug or a configuration).
 *
 * @example isUnavailableError(new Error('D1_ERROR: Network connection lost.')) // true
 * @example isUnavailableError(new Error('D1_ERROR: no such table: t: SQLITE_ERROR')) // false
 */
export function isUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = sqliteCode(error);
  if (code !== null) return UNAVAILABLE_CODES.some((base) => code === base || code.startsWith(`${base}_`));
  return D1_OUTAGE_MESSAGES.some((text) => error.message.includes(text));
}

/**
 * `error` as the store throws it: StoreUnavailableError (the D1 error as `cause`) for an outage,
 * otherwise unchanged (core reports it as STORE_FAILED).
 *
 * @example try { await statement.all(); } catch (error) { throw toStoreError('list', error); }
 */
export function toStoreError(operation: string, error: unknown): unknown {
  if (!isUnavailableError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`d1 store: ${operation} failed: ${reason}`, { cause: error });
}
