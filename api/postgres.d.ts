import { Pool, Client, PoolClient } from 'pg';
import { TokenStore } from '@keyward/core';
declare function isUnavailableError(error: unknown): boolean;
interface PostgresStoreOptions {
    pool: Pool;
    schema?: string;
    tablePrefix?: string;
    migrate?: boolean;
}
declare const DEFAULT_SCHEMA = "public";
declare const DEFAULT_TABLE_PREFIX = "keyward_";
declare function postgresStore(options: PostgresStoreOptions): TokenStore;
declare const SCHEMA_VERSION: number;
declare function postgresSchemaSql(options?: {
    schema?: string;
    tablePrefix?: string;
}): string;
type TokenInvalidation = {
    kind: 'hashes';
    hashes: string[];
} | {
    kind: 'all';
};
declare function postgresInvalidationChannel(options?: {
    tablePrefix?: string;
}): string;
declare function parseInvalidation(payload: string): TokenInvalidation;
interface PostgresInvalidationsOptions {
    client: Client | PoolClient;
    tablePrefix?: string;
    onInvalidation: (invalidation: TokenInvalidation) => void;
}
declare function postgresInvalidations(options: PostgresInvalidationsOptions): Promise<() => Promise<void>>;
export { DEFAULT_SCHEMA, DEFAULT_TABLE_PREFIX, type PostgresInvalidationsOptions, type PostgresStoreOptions, SCHEMA_VERSION, type TokenInvalidation, isUnavailableError, parseInvalidation, postgresInvalidationChannel, postgresInvalidations, postgresSchemaSql, postgresStore };
