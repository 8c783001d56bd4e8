import { ConfigurationError } from '@keyward/core';
import { driverOf, type DriverName, type SqliteDatabase } from './driver.js';

/**
 * Options of `sqliteStore`.
 *
 * @example
 * const options: SqliteStoreOptions = { db: new Database('app.db'), tablePrefix: 'auth_' };
 */
export interface SqliteStoreOptions {
  /**
   * The caller's handle: a better-sqlite3 `Database` (Node 20+), a `node:sqlite` `DatabaseSync`
   * (Node 22.5+, Deno) or a `bun:sqlite` `Database` (Bun), told apart by shape. The store never closes it.
   */
  db: SqliteDatabase;
  /** Prefix of every table and index the store creates, `[A-Za-z_][A-Za-z0-9_]{0,30}`. Default `keyward_`. */
  tablePrefix?: string;
}

/** The default `tablePrefix`. @example sqliteStore({ db, tablePrefix: DEFAULT_TABLE_PREFIX }) */
export const DEFAULT_TABLE_PREFIX = 'keyward_';

// The prefix is spliced into SQL as an identifier, so it must never need quoting.
const TABLE_PREFIX = /^[A-Za-z_][A-Za-z0-9_]{0,30}$/;


/**
 * Checks `sqliteStore`'s options once, at construction, naming the offending option.
 *
 * @example
 * const { db, tablePrefix } = resolveOptions({ db }); // tablePrefix === 'keyward_'
 */
export function resolveOptions(options: SqliteStoreOptions): { db: SqliteDatabase; driver: DriverName; tablePrefix: string } {
  if (!options || typeof options !== 'object') {
    throw new ConfigurationError('sqliteStore(options): options must be an object such as { db }');
  }
  // The handle itself, passed where its options belong, is the right value in the wrong place.
  if (driverOf(options) !== null) throw new ConfigurationError('sqliteStore(options): pass the database as { db }: sqliteStore({ db })');
  const { db } = options;
  const driver = driverOf(db);
  if (driver === null) {
    throw new ConfigurationError(
      'sqliteStore: db must be a better-sqlite3 Database (new Database("app.db")), a node:sqlite DatabaseSync (new DatabaseSync("app.db")) or a bun:sqlite Database',
    );
  }
  if ((db as { open?: unknown }).open === false || (db as { isOpen?: unknown }).isOpen === false) {
    throw new ConfigurationError('sqliteStore: db is closed; pass an open database');
  }
  const tablePrefix = options.tablePrefix ?? DEFAULT_TABLE_PREFIX;
  if (typeof tablePrefix !== 'string' || !TABLE_PREFIX.test(tablePrefix)) {
    throw new ConfigurationError(
      `sqliteStore: tablePrefix must match ${TABLE_PREFIX.source} (letters, digits, underscores; at most 31 characters), got ${JSON.stringify(tablePrefix)}`,
    );
  }
  return { db, driver, tablePrefix };
}
