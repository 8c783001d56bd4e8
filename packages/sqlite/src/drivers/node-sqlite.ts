import type { NodeSqliteDatabase, NodeSqliteStatement, SqliteDriver, Statement, ValuesStatement } from '../driver.js';
import { transactions } from './transactions.js';

/**
 * The store's driver over a `node:sqlite` `DatabaseSync` (Node 22.5+, Deno): SQLite built into the
 * runtime, nothing to compile or download.
 *
 * @example const driver = nodeSqliteDriver(new DatabaseSync('app.db'));
 */
export function nodeSqliteDriver(db: NodeSqliteDatabase): SqliteDriver {
  const prepared = (sql: string): NodeSqliteStatement => {
    const statement = db.prepare(sql);
    // Instants must come back as numbers even if the caller opened the database with readBigInts.
    statement.setReadBigInts(false);
    // The store binds objects with bare keys for @name parameters; extra keys are the caller's record fields.
    statement.setAllowBareNamedParameters?.(true);
    statement.setAllowUnknownNamedParameters?.(true);
    return statement;
  };
  const prepare = <P extends unknown[], R>(sql: string) => prepared(sql) as unknown as Statement<P, R>;
  const readTimeout = prepared('PRAGMA busy_timeout');
  const immediate = transactions(prepare, () => db.isTransaction);
  const path = mainFile(prepare);
  return {
    name: 'node:sqlite',
    prepare,
    prepareValues<P extends unknown[]>(sql: string): ValuesStatement<P> {
      const statement = prepared(sql);
      // setReturnArrays arrived in Node 22.16 / 24; before it, the object's values are in SELECT order.
      if (statement.setReturnArrays) {
        statement.setReturnArrays(true);
        return statement as unknown as ValuesStatement<P>;
      }
      return { get: (...params: P) => valuesOf(statement.get(...params)) };
    },
    exec: (sql) => db.exec(sql),
    immediate,
    busyTimeout: () => (readTimeout.get() as { timeout: number }).timeout,
    setBusyTimeout: (ms) => db.exec(`PRAGMA busy_timeout = ${ms}`),
    path,
    // node:sqlite does not tell; a read-only handle's WAL switch is answered, not refused (connection.ts).
    readonly: false,
    rateLimiterClient: () => rateLimiterClient(prepare, immediate),
  };
}

function valuesOf(row: unknown): unknown[] | undefined {
  return row === undefined ? undefined : Object.values(row as object);
}

/**
 * The path of the main database file, as SQLite resolved it; null for an in-memory or temporary one.
 *
 * @example mainFile(prepare) // '/srv/app/app.db'
 */
export function mainFile(prepare: <P extends unknown[], R>(sql: string) => Statement<P, R>): string | null {
  const main = prepare<[], { name: string; file: string }>('PRAGMA database_list').all().find((row) => row.name === 'main');
  return main && main.file !== '' ? main.file : null;
}

/**
 * What rate-limiter-flexible's `RateLimiterSQLite` calls on a better-sqlite3 handle (`prepare()`
 * with `run`/`get`, `transaction()`), over another driver: the limiter has no storeType for
 * node:sqlite or bun:sqlite, and its SQL is plain SQLite.
 *
 * @example new RateLimiterSQLite({ storeClient: rateLimiterClient(prepare, immediate), storeType: 'better-sqlite3', … })
 */
export function rateLimiterClient(prepare: (sql: string) => Statement, immediate: <T>(fn: () => T) => T) {
  return {
    prepare: (sql: string) => {
      const statement = prepare(sql);
      return { run: (...params: unknown[]) => statement.run(...params), get: (...params: unknown[]) => statement.get(...params) };
    },
    transaction:
      <A extends unknown[], T>(fn: (...args: A) => T) =>
      (...args: A): T =>
        immediate(() => fn(...args)),
  };
}
