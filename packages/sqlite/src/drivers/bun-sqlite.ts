import type { BunSqliteDatabase, BunSqliteStatement, SqliteDriver, Statement, ValuesStatement } from '../driver.js';
import { mainFile, rateLimiterClient } from './node-sqlite.js';

/**
 * The store's driver over a `bun:sqlite` `Database`: SQLite built into Bun, which cannot load
 * better-sqlite3's native addon.
 *
 * @example const driver = bunSqliteDriver(new Database('app.db'));
 */
export function bunSqliteDriver(db: BunSqliteDatabase): SqliteDriver {
  const prepared = (sql: string): BunSqliteStatement => {
    // query(), not prepare(): Bun finalizes the statements of its query cache when the handle is
    // closed, so a closed handle fails every call; a prepare()d statement would go on answering
    // from the closed connection.
    const statement = db.query(sql);
    // Instants must come back as numbers even if the caller opened the database with safeIntegers.
    statement.safeIntegers?.(false);
    return statement;
  };
  const prepare = <P extends unknown[], R>(sql: string) => {
    const statement = prepared(sql);
    // Bun answers a row it did not find with null; the store (like better-sqlite3) expects undefined.
    return {
      run: (...params: P) => statement.run(...params),
      get: (...params: P) => (statement.get(...params) ?? undefined) as R | undefined,
      all: (...params: P) => statement.all(...params) as R[],
    } satisfies Statement<P, R>;
  };
  // Bun nests a transaction called inside another as a savepoint, like better-sqlite3.
  const transaction = db.transaction((fn: () => unknown) => fn()) as unknown as { immediate: (fn: () => unknown) => unknown };
  const immediate = <T>(fn: () => T) => transaction.immediate(fn) as T;
  const readTimeout = prepared('PRAGMA busy_timeout');
  return {
    name: 'bun:sqlite',
    prepare,
    prepareValues<P extends unknown[]>(sql: string): ValuesStatement<P> {
      const statement = prepared(sql);
      return { get: (...params: P) => statement.values(...params)[0] };
    },
    exec: (sql) => void db.exec(sql),
    immediate,
    busyTimeout: () => (readTimeout.get() as { timeout: number }).timeout,
    setBusyTimeout: (ms) => void db.exec(`PRAGMA busy_timeout = ${ms}`),
    path: mainFile(prepare),
    // bun:sqlite does not tell; a read-only handle's WAL switch is answered, not refused (connection.ts).
    readonly: false,
    rateLimiterClient: () => rateLimiterClient(prepare, immediate),
  };
}
