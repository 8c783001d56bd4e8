import { FullTokenStore } from '@keyward/core';
interface BetterSqlite3Database {
    prepare(source: string): unknown;
    exec(source: string): unknown;
    pragma(source: string, options?: {
        simple?: boolean;
    }): unknown;
    transaction(fn: (...args: never[]) => unknown): unknown;
    close(): unknown;
    readonly name: string;
    readonly open: boolean;
    readonly memory: boolean;
    readonly readonly: boolean;
}
interface NodeSqliteDatabase {
    prepare(sql: string): NodeSqliteStatement;
    exec(sql: string): void;
    close(): void;
    location?(dbName?: string): string | null;
    readonly isOpen?: boolean;
    readonly isTransaction?: boolean;
}
interface NodeSqliteStatement {
    run(...params: unknown[]): {
        changes: number | bigint;
        lastInsertRowid: number | bigint;
    };
    get(...params: unknown[]): unknown;
    all(...params: unknown[]): unknown[];
    setReadBigInts(enabled: boolean): void;
    setAllowBareNamedParameters?(enabled: boolean): void;
    setAllowUnknownNamedParameters?(enabled: boolean): void;
    setReturnArrays?(enabled: boolean): void;
}
interface BunSqliteDatabase {
    query(sql: string): BunSqliteStatement;
    prepare(sql: string): BunSqliteStatement;
    exec(sql: string): unknown;
    run(sql: string): unknown;
    transaction(fn: (...args: never[]) => unknown): unknown;
    close(throwOnError?: boolean): void;
    readonly filename: string;
    readonly inTransaction: boolean;
}
interface BunSqliteStatement {
    run(...params: unknown[]): {
        changes: number;
        lastInsertRowid: number | bigint;
    };
    get(...params: unknown[]): unknown;
    all(...params: unknown[]): unknown[];
    values(...params: unknown[]): unknown[][];
    safeIntegers?(enabled: boolean): unknown;
}
type SqliteDatabase = BetterSqlite3Database | NodeSqliteDatabase | BunSqliteDatabase;
declare const BUSY_TIMEOUT_MS = 5000;
declare const SCHEMA_VERSION: number;
interface SqliteStoreOptions {
    db: SqliteDatabase;
    tablePrefix?: string;
}
declare const DEFAULT_TABLE_PREFIX = "keyward_";
declare function sqliteStore(options: SqliteStoreOptions): FullTokenStore;
export { BUSY_TIMEOUT_MS, type BetterSqlite3Database, type BunSqliteDatabase, type BunSqliteStatement, DEFAULT_TABLE_PREFIX, type NodeSqliteDatabase, type NodeSqliteStatement, SCHEMA_VERSION, type SqliteDatabase, type SqliteStoreOptions, sqliteStore };
