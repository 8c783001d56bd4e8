import type { Statement } from '../driver.js';

/**
 * `immediate(fn)` for a driver without a transaction helper of its own (node:sqlite): BEGIN
 * IMMEDIATE, COMMIT when `fn` returns, ROLLBACK when it throws. A call inside another of the
 * store's joins it, which the store relies on (a delete and its audit entries are one transaction).
 * Inside a transaction the host opened on the handle, `fn` runs in a savepoint of it, as
 * better-sqlite3's and bun:sqlite's `transaction()` do: it commits with the host's transaction.
 * The statements are prepared ones, not `exec` text: Deno's node:sqlite reports an `exec` error
 * without its result code, and a busy BEGIN must be told apart to be retried.
 *
 * @example const immediate = transactions(prepare, () => db.isTransaction); immediate(() => insert.run(...params));
 */
export function transactions(prepare: (sql: string) => Statement, hostTransaction: () => boolean | undefined): <T>(fn: () => T) => T {
  const begin = prepare('BEGIN IMMEDIATE');
  const commit = prepare('COMMIT');
  const rollback = prepare('ROLLBACK');
  const savepoint = prepare('SAVEPOINT keyward');
  const release = prepare('RELEASE keyward');
  const rollbackTo = prepare('ROLLBACK TO keyward');
  let depth = 0;

  const inSavepoint = <T>(fn: () => T): T => {
    savepoint.run();
    depth++;
    try {
      const result = fn();
      release.run();
      return result;
    } catch (error) {
      try {
        rollbackTo.run();
        release.run();
      } catch {
        // The host's transaction is gone (SQLite rolled it back): the original error is the one to report.
      }
      throw error;
    } finally {
      depth--;
    }
  };

  return function immediate<T>(fn: () => T): T {
    if (depth > 0) return fn();
    if (hostTransaction() === true) return inSavepoint(fn);
    try {
      begin.run();
    } catch (error) {
      // Without isTransaction (node:sqlite before 22.16, Deno), the host's open transaction shows here.
      if ((error as Error).message === 'cannot start a transaction within a transaction') return inSavepoint(fn);
      throw error;
    }
    depth++;
    try {
      const result = fn();
      commit.run();
      return result;
    } catch (error) {
      try {
        rollback.run();
      } catch {
        // SQLite already rolled back (e.g. after SQLITE_FULL), or the handle is gone: the
        // original error is the one to report.
      }
      throw error;
    } finally {
      depth--;
    }
  };
}
