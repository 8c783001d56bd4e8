import { ConfigurationError } from '@keyward/core';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * Options of `sqliteStore`.
 *
 * @example
 * const options: SqliteStoreOptions = { db: new Database('app.db'), tablePrefix: 'auth_' };
 */
export interface SqliteStoreOptions {
  /** The caller's better-sqlite3 handle. The store never closes it. */
  db: BetterSqlite3.Database;
  /** Prefix of every table and index the store creates, `[A-Za-z_][A-Za-z0-9_]{0,30}`. Default `keyward_`. */
  tablePrefix?: string;
}

/** The default `tablePrefix`. @example sqliteStore({ db, tablePrefix: DEFAULT_TABLE_PREFIX }) */
export const DEFAULT_TABLE_PREFIX = 'keyward_';

// The prefix is spliced into SQL as an identifier, so it must never need quoting.
const TABLE_PREFIX = /^[A-Za-z_][A-Za-z0-9_]{0,30}$/;

function isDatabase(value: unknown): value is BetterSqlite3.Database {
  const db = value as Partial<Record<'prepare' | 'exec' | 'pragma' | 'transaction', unknown>> | null;
  return (
    db !== null &&
    typeof db === 'object' &&
    typeof db.prepare === 'function' &&
    typeof db.exec === 'function' &&
    typeof db.pragma === 'function' &&
    typeof db.transaction === 'function'
  );
}

/**
 * Checks `sqliteStore`'s options once, at construction, naming the offending option.
 *
 * @example
 * const { db, tablePrefix } = resolveOptions({ db }); // tablePrefix === 'keyward_'
 */
export function resolveOptions(options: SqliteStoreOptions): { db: BetterSqlite3.Database; tablePrefix: string } {
  if (!options || typeof options !== 'object') {
    throw new ConfigurationError('sqliteStore(options): options must be an object such as { db }');
  }
  // The handle itself, passed where its options belong, is the right value in the wrong place.
  if (isDatabase(options)) throw new ConfigurationError('sqliteStore(options): pass the database as { db }: sqliteStore({ db })');
  const { db } = options;
  if (!isDatabase(db)) {
    throw new ConfigurationError('sqliteStore: db must be a better-sqlite3 Database, e.g. new Database("app.db")');
  }
  if (db.open === false) throw new ConfigurationError('sqliteStore: db is closed; pass an open better-sqlite3 Database');
  const tablePrefix = options.tablePrefix ?? DEFAULT_TABLE_PREFIX;
  if (typeof tablePrefix !== 'string' || !TABLE_PREFIX.test(tablePrefix)) {
    throw new ConfigurationError(
      `sqliteStore: tablePrefix must match ${TABLE_PREFIX.source} (letters, digits, underscores; at most 31 characters), got ${JSON.stringify(tablePrefix)}`,
    );
  }
  return { db, tablePrefix };
}
