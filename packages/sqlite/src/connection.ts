import type BetterSqlite3 from 'better-sqlite3';

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
 * A busy timeout the caller chose (better-sqlite3's `timeout` option) is kept; only a handle with
 * none (0) gets `BUSY_TIMEOUT_MS`. In-memory and read-only handles keep their journal mode, since
 * neither can switch to WAL.
 *
 * @example
 * configureConnection(db);
 * db.pragma('journal_mode', { simple: true }); // 'wal'
 */
export function configureConnection(db: BetterSqlite3.Database): void {
  if (db.pragma('busy_timeout', { simple: true }) === 0) db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (!db.memory && !db.readonly) switchToWal(db);
}

/** Lets the setup sleep without a busy loop; it runs once, at construction. */
const PAUSE = /* @__PURE__ */ new Int32Array(new SharedArrayBuffer(4));

/**
 * `journal_mode = WAL`, retried while another process switches the same new file: SQLite answers
 * SQLITE_BUSY at once there, without calling the busy handler (measured: 17 of 120 processes
 * starting in pairs on a fresh file failed). Gives up after `BUSY_TIMEOUT_MS`, like the rest of setup.
 */
function switchToWal(db: BetterSqlite3.Database): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw error;
      Atomics.wait(PAUSE, 0, 0, 10);
    }
  }
}
