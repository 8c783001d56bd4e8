import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { StoreUnavailableError } from '@keyward/core';
import { clearInterval, setInterval } from 'node:timers';

/**
 * How often, in ms, the store checks in the background that the path still leads to the file it
 * opened; the longest a read can still be answered from a replaced or deleted file. Writes check
 * before each attempt.
 *
 * @example sqliteStore({ db }) // a restore renamed over app.db is refused within FILE_CHECK_INTERVAL_MS
 */
export const FILE_CHECK_INTERVAL_MS = 500;

/**
 * Watches that the database file a handle opened is still the one at its path.
 *
 * @example
 * const file = watchFile(driver.path);
 * file?.assertSame('insert'); // throws StoreUnavailableError once the file was replaced or deleted
 */
export interface FileWatch {
  /** Throws StoreUnavailableError when the file was found replaced or deleted (by the timer or now). */
  assertSame(operation: string): void;
  /** Throws StoreUnavailableError when the timer found the file replaced or deleted; no file system call. */
  assertNotLost(operation: string): void;
  /** Stops the timer. */
  stop(): void;
}

/**
 * SQLite keeps reading and writing the file it opened, by its descriptor, whatever happens to its
 * path: a backup renamed over it or a deletion would go unnoticed, and a token deleted in the
 * restored file would keep verifying here. So the store notes the file's identity (device and
 * inode) at open and compares it with the path's, before every write and every
 * `FILE_CHECK_INTERVAL_MS` on an unref'd timer; once they differ, every operation fails with
 * StoreUnavailableError until the host opens the database again. In-memory and temporary
 * databases have no path to watch: null.
 *
 * @example const file = watchFile(driver.path); // null for new Database(':memory:')
 */
export function watchFile(file: string | null, intervalMs = FILE_CHECK_INTERVAL_MS): FileWatch | null {
  if (file === null) return null;
  const path = resolve(file);
  const opened = identity(path);
  if (opened === null || opened === UNKNOWN) return null;
  let lost: string | null = null;

  const check = () => {
    if (lost !== null) return;
    const now = identity(path);
    if (now === null) lost = `the database file ${path} was deleted`;
    else if (now !== opened && now !== UNKNOWN) lost = `the database file ${path} was replaced`;
  };
  const fail = (operation: string) => {
    throw new StoreUnavailableError(`sqlite store: ${operation} refused: ${lost} after this store opened it; open the database again`);
  };
  const timer = setInterval(check, intervalMs);
  // The check must not keep the host process alive. (node:timers, not the global: Deno's global
  // setInterval returns a number, without unref.)
  timer.unref();

  return {
    assertSame(operation) {
      check();
      if (lost !== null) fail(operation);
    },
    assertNotLost(operation) {
      if (lost !== null) fail(operation);
    },
    stop() {
      clearInterval(timer);
    },
  };
}

// A path that cannot be examined (e.g. EACCES on a directory) proves nothing either way: the
// handle keeps working, so that is not taken as a replacement.
const UNKNOWN = 'unknown';

/** `dev:ino` of the file at `path`, null when there is none, UNKNOWN when it cannot be examined. */
function identity(path: string): string | null {
  try {
    const stats = statSync(path, { throwIfNoEntry: false, bigint: true });
    return stats ? `${stats.dev}:${stats.ino}` : null;
  } catch {
    return UNKNOWN;
  }
}
