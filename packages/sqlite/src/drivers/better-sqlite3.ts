import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDriver, Statement, ValuesStatement } from '../driver.js';

/**
 * The store's driver over a better-sqlite3 handle (the default on Node 20, where Node has no
 * built-in SQLite).
 *
 * @example const driver = betterSqlite3Driver(new Database('app.db'));
 */
export function betterSqlite3Driver(db: BetterSqlite3.Database): SqliteDriver {
  // One transaction function, reused: better-sqlite3 nests a call made inside another as a savepoint.
  const transaction = db.transaction((fn: () => unknown) => fn());
  return {
    name: 'better-sqlite3',
    // Instants must come back as numbers even if the caller turned on defaultSafeIntegers (bigint).
    prepare: <P extends unknown[], R>(sql: string) => db.prepare(sql).safeIntegers(false) as unknown as Statement<P, R>,
    // Raw arrays: building a row object per lookup costs about a third of the lookup's time here.
    prepareValues: <P extends unknown[]>(sql: string) => db.prepare(sql).safeIntegers(false).raw() as unknown as ValuesStatement<P>,
    exec: (sql) => void db.exec(sql),
    immediate: <T>(fn: () => T) => transaction.immediate(fn) as T,
    busyTimeout: () => db.pragma('busy_timeout', { simple: true }) as number,
    setBusyTimeout: (ms) => void db.pragma(`busy_timeout = ${ms}`),
    path: db.memory || db.name === '' || db.name === ':memory:' ? null : db.name,
    readonly: db.readonly,
    rateLimiterClient: () => db,
  };
}
