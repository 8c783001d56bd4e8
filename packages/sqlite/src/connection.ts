import type { SqliteDriver } from './driver.js';
import { sqliteCode } from './unavailable.js';

/**
 * The busy timeout, in ms, given to a caller's handle that has none: how long the schema setup at
 * construction (and the caller's own queries) wait for another connection's lock. The store's
 * writes do not wait inside SQLite at all (see `writer` in writes.ts).
 *
 * @example new Database('app.db', { timeout: BUSY_TIMEOUT_MS })
 */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Prepares the caller's handle for sharing the file with other processes: a busy timeout, so the
 * schema setup queues behind another writer instead of failing, and WAL, so readers never block
 * the writer.
 * A busy timeout the caller chose (better-sqlite3's `timeout` option, node:sqlite's `timeout`) is
 * kept; only a handle with none (0) gets `BUSY_TIMEOUT_MS`. In-memory and read-only handles keep
 * their journal mode, since neither can switch to WAL (SQLite answers a read-only handle's switch
 * with the mode it has, without an error).
 *
 * @example
 * configureConnection(driver);
 * driver.prepare('PRAGMA journal_mode').get(); // { journal_mode: 'wal' }
 */
export function configureConnection(driver: SqliteDriver): void {
  if (driver.busyTimeout() === 0) driver.setBusyTimeout(BUSY_TIMEOUT_MS);
  if (driver.path !== null && !driver.readonly) switchToWal(driver);
}

/** Lets the setup sleep without a busy loop; it runs once, at construction. */
const PAUSE = /* @__PURE__ */ new Int32Array(new SharedArrayBuffer(4));

/**
 * `journal_mode = WAL`, retried while another process switches the same new file: SQLite answers
 * SQLITE_BUSY at once there, without calling the busy handler (measured: 17 of 120 processes
 * starting in pairs on a fresh file failed). Gives up after `BUSY_TIMEOUT_MS`, like the rest of setup.
 */
function switchToWal(driver: SqliteDriver): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  const statement = driver.prepare('PRAGMA journal_mode = WAL');
  for (;;) {
    try {
      statement.get();
      return;
    } catch (error) {
      const code = sqliteCode(error);
      if (code === undefined || !code.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw error;
      Atomics.wait(PAUSE, 0, 0, 10);
    }
  }
}
