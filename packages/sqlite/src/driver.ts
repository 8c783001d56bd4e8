/**
 * A prepared statement as the store uses it, on whichever driver: positional or named (`@name`,
 * bound from an object's bare keys) parameters, integers read as numbers.
 *
 * @example const row = driver.prepare<[string], { n: number }>('SELECT count(*) AS n FROM t WHERE k = ?').get('a');
 */
export interface Statement<P extends unknown[] = unknown[], R = unknown> {
  run(...params: P): { changes: number | bigint };
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

/**
 * A statement whose row comes back as an array of column values, in SELECT order: the
 * verification lookup, where building a row object costs more than the lookup on some drivers.
 *
 * @example const values = driver.prepareValues<[string]>('SELECT id, name FROM t WHERE hash = ?').get(hash);
 */
export interface ValuesStatement<P extends unknown[] = unknown[]> {
  get(...params: P): unknown[] | undefined;
}

/** The SQLite libraries `sqliteStore` runs on. */
export type DriverName = 'better-sqlite3' | 'node:sqlite' | 'bun:sqlite';

/**
 * The seam between the store and the SQLite library: everything the store asks of a handle, the
 * same on every driver. The SQL, migrations, error mapping, busy retry and contract parts are the
 * store's and sit above it; a driver only translates calls (see `drivers/`).
 *
 * @example
 * const driver = sqliteDriver(db);
 * driver.immediate(() => driver.prepare('INSERT INTO t VALUES (?)').run('a'));
 */
export interface SqliteDriver {
  readonly name: DriverName;
  prepare<P extends unknown[] = unknown[], R = unknown>(sql: string): Statement<P, R>;
  prepareValues<P extends unknown[] = unknown[]>(sql: string): ValuesStatement<P>;
  /** Runs SQL text without results (several statements allowed). */
  exec(sql: string): void;
  /**
   * Runs `fn` in a `BEGIN IMMEDIATE` transaction, committed when `fn` returns and rolled back when
   * it throws. Called inside another `immediate`, `fn` joins that transaction.
   */
  immediate<T>(fn: () => T): T;
  /** The connection's busy timeout in ms. */
  busyTimeout(): number;
  setBusyTimeout(ms: number): void;
  /** The database file's path, or null for an in-memory or temporary database. */
  readonly path: string | null;
  /** True when the handle was opened read-only (it cannot switch to WAL), when the driver tells. */
  readonly readonly: boolean;
  /** A client rate-limiter-flexible's `RateLimiterSQLite` accepts with `storeType: 'better-sqlite3'`. */
  rateLimiterClient(): unknown;
}

/**
 * A better-sqlite3 `Database` (12 or 13), as far as the store uses it: declared here, so the
 * store's types need neither better-sqlite3 nor its @types where another driver is used.
 *
 * @example import Database from 'better-sqlite3'; sqliteStore({ db: new Database('app.db') });
 */
export interface BetterSqlite3Database {
  prepare(source: string): unknown;
  exec(source: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction(fn: (...args: never[]) => unknown): unknown;
  close(): unknown;
  readonly name: string;
  readonly open: boolean;
  readonly memory: boolean;
  readonly readonly: boolean;
}

/**
 * A `DatabaseSync` of `node:sqlite` (Node 22.5+, Deno 2.2+), as far as the store uses it.
 *
 * @example import { DatabaseSync } from 'node:sqlite'; sqliteStore({ db: new DatabaseSync('app.db') });
 */
export interface NodeSqliteDatabase {
  prepare(sql: string): NodeSqliteStatement;
  exec(sql: string): void;
  close(): void;
  location?(dbName?: string): string | null;
  readonly isOpen?: boolean;
  /** Node 22.16+ and 24. */
  readonly isTransaction?: boolean;
}

/** A `StatementSync` of `node:sqlite`, as far as the store uses it. */
export interface NodeSqliteStatement {
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  setReadBigInts(enabled: boolean): void;
  setAllowBareNamedParameters?(enabled: boolean): void;
  setAllowUnknownNamedParameters?(enabled: boolean): void;
  setReturnArrays?(enabled: boolean): void;
}

/**
 * A `Database` of `bun:sqlite`, as far as the store uses it.
 *
 * @example import { Database } from 'bun:sqlite'; sqliteStore({ db: new Database('app.db') });
 */
export interface BunSqliteDatabase {
  query(sql: string): BunSqliteStatement;
  prepare(sql: string): BunSqliteStatement;
  exec(sql: string): unknown;
  run(sql: string): unknown;
  transaction(fn: (...args: never[]) => unknown): unknown;
  close(throwOnError?: boolean): void;
  readonly filename: string;
  readonly inTransaction: boolean;
}

/** A `Statement` of `bun:sqlite`, as far as the store uses it. */
export interface BunSqliteStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  values(...params: unknown[]): unknown[][];
  safeIntegers?(enabled: boolean): unknown;
}

/**
 * The handles `sqliteStore({ db })` accepts: a better-sqlite3 `Database`, a `node:sqlite`
 * `DatabaseSync` or a `bun:sqlite` `Database`.
 *
 * @example const db: SqliteDatabase = new DatabaseSync('app.db');
 */
export type SqliteDatabase = BetterSqlite3Database | NodeSqliteDatabase | BunSqliteDatabase;

type Shape = Partial<Record<'prepare' | 'exec' | 'pragma' | 'transaction' | 'query', unknown>>;

/**
 * Which driver `value` is a handle of, told by its shape (the store imports no driver): better-sqlite3
 * has `pragma()`, bun:sqlite has `query()` and `transaction()` without it, node:sqlite's
 * `DatabaseSync` has neither. Null when it is none of them.
 *
 * @example driverOf(new DatabaseSync(':memory:')) // 'node:sqlite'
 */
export function driverOf(value: unknown): DriverName | null {
  if (value === null || typeof value !== 'object') return null;
  const db = value as Shape;
  if (typeof db.prepare !== 'function' || typeof db.exec !== 'function') return null;
  if (typeof db.pragma === 'function' && typeof db.transaction === 'function') return 'better-sqlite3';
  if (typeof db.query === 'function' && typeof db.transaction === 'function') return 'bun:sqlite';
  if (db.pragma === undefined && db.transaction === undefined && db.query === undefined) return 'node:sqlite';
  return null;
}
