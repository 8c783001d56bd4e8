import type BetterSqlite3 from 'better-sqlite3';
import type { BunSqliteDatabase, DriverName, NodeSqliteDatabase, SqliteDatabase, SqliteDriver } from '../driver.js';
import { betterSqlite3Driver } from './better-sqlite3.js';
import { bunSqliteDriver } from './bun-sqlite.js';
import { nodeSqliteDriver } from './node-sqlite.js';

/**
 * The driver for a handle `driverOf` named.
 *
 * @example const driver = sqliteDriver(db, driverOf(db)!);
 */
export function sqliteDriver(db: SqliteDatabase, name: DriverName): SqliteDriver {
  // The shape check (driverOf) found a better-sqlite3 handle; its full type is better-sqlite3's.
  if (name === 'better-sqlite3') return betterSqlite3Driver(db as unknown as BetterSqlite3.Database);
  if (name === 'bun:sqlite') return bunSqliteDriver(db as BunSqliteDatabase);
  return nodeSqliteDriver(db as NodeSqliteDatabase);
}
