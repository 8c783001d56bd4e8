import BetterSqlite3 from 'better-sqlite3';
import { FullTokenStore } from '@keyward/core';
declare const BUSY_TIMEOUT_MS = 5000;
declare const SCHEMA_VERSION: number;
interface SqliteStoreOptions {
    db: BetterSqlite3.Database;
    tablePrefix?: string;
}
declare const DEFAULT_TABLE_PREFIX = "keyward_";
declare function sqliteStore(options: SqliteStoreOptions): FullTokenStore;
export { BUSY_TIMEOUT_MS, DEFAULT_TABLE_PREFIX, SCHEMA_VERSION, type SqliteStoreOptions, sqliteStore };
