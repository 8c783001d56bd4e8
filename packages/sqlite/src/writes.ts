import type { SqliteDriver } from './driver.js';
import type { FileWatch } from './file-identity.js';
import { sqliteCode, toStoreError } from './unavailable.js';

/**
 * How long one write attempt lets SQLite wait for another connection's write lock, in ms: none.
 * SQLite would wait inside the synchronous call, on the event loop, freezing the process; the
 * store waits between attempts with a timer instead.
 *
 * @example writer(driver, null)('insert', () => insert.run(...params)) // never waits for a lock inside the call
 */
export const WRITE_ATTEMPT_BUSY_MS = 0;

/**
 * How long a store write keeps retrying a locked database before it fails with
 * `StoreUnavailableError`, in ms.
 *
 * @example await store.insert(record) // rejects with StoreUnavailableError ~500 ms into a held lock
 */
export const WRITE_DEADLINE_MS = 500;

/** First wait between attempts, in ms; doubled after each busy attempt up to `MAX_RETRY_WAIT_MS`. */
const FIRST_RETRY_WAIT_MS = 2;
const MAX_RETRY_WAIT_MS = 100;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isBusy(error: unknown): boolean {
  const code = sqliteCode(error);
  return code !== undefined && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_'));
}

/**
 * Runs the store's writes so that a write lock held by another process never stalls the event
 * loop: each attempt runs without a busy timeout (`WRITE_ATTEMPT_BUSY_MS`), and an attempt that
 * finds the database busy is retried after a timer (2, 4, 8… ms, at most 100 ms apart) until
 * `WRITE_DEADLINE_MS`, then fails with `StoreUnavailableError`. The handle's own busy timeout is
 * restored after each attempt, so the caller's other queries keep theirs. Each attempt first checks
 * that the file at the database's path is still the one the handle opened (`file`).
 *
 * Retrying is safe because every store write is one statement or one `BEGIN IMMEDIATE`
 * transaction: SQLITE_BUSY means it took no lock and changed nothing.
 *
 * @example
 * const write = writer(driver, watchFile(driver.path));
 * const { changes } = await write('insert', () => statements.insert.run(...params));
 */
export function writer(driver: SqliteDriver, file: FileWatch | null): <T>(operation: string, run: () => T) => Promise<T> {
  const attempt = <T>(operation: string, run: () => T): T => {
    // Never write into a file that is no longer the database at the path (see watchFile).
    file?.assertSame(operation);
    const own = driver.busyTimeout();
    if (own <= WRITE_ATTEMPT_BUSY_MS) return run();
    driver.setBusyTimeout(WRITE_ATTEMPT_BUSY_MS);
    try {
      return run();
    } finally {
      driver.setBusyTimeout(own);
    }
  };

  return async function write<T>(operation: string, run: () => T): Promise<T> {
    const deadline = performance.now() + WRITE_DEADLINE_MS;
    for (let wait = FIRST_RETRY_WAIT_MS; ; wait = Math.min(wait * 2, MAX_RETRY_WAIT_MS)) {
      try {
        return attempt(operation, run);
      } catch (error) {
        if (!isBusy(error) || performance.now() + wait > deadline) throw toStoreError(operation, error);
      }
      await sleep(wait);
    }
  };
}
