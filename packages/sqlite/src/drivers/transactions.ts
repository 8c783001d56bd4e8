import type { Statement } from '../driver.js';

/**
 * `immediate(fn)` for a driver without a transaction helper of its own (node:sqlite): BEGIN
 * IMMEDIATE, COMMIT when `fn` returns, ROLLBACK when it throws. A call inside another joins the
 * outer transaction, which the store relies on (a delete and its audit entries are one transaction).
 * The statements are prepared ones, not `exec` text: Deno's node:sqlite reports an `exec` error
 * without its result code, and a busy BEGIN must be told apart to be retried.
 *
 * @example const immediate = transactions(prepare); immediate(() => insert.run(...params));
 */
export function transactions(prepare: (sql: string) => Statement): <T>(fn: () => T) => T {
  const begin = prepare('BEGIN IMMEDIATE');
  const commit = prepare('COMMIT');
  const rollback = prepare('ROLLBACK');
  let depth = 0;
  return function immediate<T>(fn: () => T): T {
    if (depth > 0) return fn();
    begin.run();
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
