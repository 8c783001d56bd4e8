import { FullTokenStore } from '@keyward/core';
interface D1ResultLike<T = Record<string, unknown>> {
    results: T[];
    meta: {
        changes?: number;
    };
}
interface D1StatementLike {
    bind(...values: unknown[]): D1StatementLike;
    all<T = Record<string, unknown>>(): Promise<D1ResultLike<T>>;
    raw<T = unknown[]>(): Promise<T[]>;
    run(): Promise<D1ResultLike>;
}
interface D1QueryableLike {
    prepare(sql: string): D1StatementLike;
    batch<T = Record<string, unknown>>(statements: D1StatementLike[]): Promise<D1ResultLike<T>[]>;
}
interface D1DatabaseLike extends D1QueryableLike {
    withSession?(constraintOrBookmark?: string): D1QueryableLike;
}
interface D1StoreOptions {
    db: D1DatabaseLike;
    tablePrefix?: string;
    migrate?: boolean;
}
declare const DEFAULT_TABLE_PREFIX = "keyward_";
declare function d1Store(options: D1StoreOptions): FullTokenStore;
declare const D1_OUTAGE_MESSAGES: readonly ["Network connection lost", "storage caused object to be reset", "reset because its code was updated", "D1 DB is overloaded", "Too many requests queued", "Cannot resolve D1 DB due to transient issue", "exceeded its memory limit", "exceeded its CPU time limit", "Durable Object is overloaded", "Exceeded maximum DB size"];
declare const SCHEMA_VERSION: number;
declare function d1SchemaStatements(prefix: string, afterVersion?: number, appliedAt?: string): string[][];
declare function d1MigrationFiles(prefix?: string): Record<string, string>;
export { type D1DatabaseLike, type D1QueryableLike, type D1ResultLike, type D1StatementLike, type D1StoreOptions, D1_OUTAGE_MESSAGES, DEFAULT_TABLE_PREFIX, SCHEMA_VERSION, d1MigrationFiles, d1SchemaStatements, d1Store };
