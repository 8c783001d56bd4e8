export { BUSY_TIMEOUT_MS } from './connection.js';
export type { BetterSqlite3Database, BunSqliteDatabase, BunSqliteStatement, NodeSqliteDatabase, NodeSqliteStatement, SqliteDatabase } from './driver.js';
export { SCHEMA_VERSION } from './migrations.js';
export { DEFAULT_TABLE_PREFIX, type SqliteStoreOptions } from './options.js';
export { sqliteStore } from './sqlite-store.js';
