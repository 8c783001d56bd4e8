import { Pool, Client, PoolClient } from 'pg';
import { FullTokenStore, InvalidationChannel } from '@keyward/core';
declare function isUnavailableError(error: unknown): boolean;
interface PostgresStoreOptions {
    pool: Pool;
    schema?: string;
    tablePrefix?: string;
    migrate?: boolean;
}
declare const DEFAULT_SCHEMA = "public";
declare const DEFAULT_TABLE_PREFIX = "keyward_";
declare function postgresStore(options: PostgresStoreOptions): FullTokenStore;
declare const SCHEMA_VERSION: number;
declare function postgresSchemaSql(options?: {
    schema?: string;
    tablePrefix?: string;
    afterVersion?: number;
}): string;
type TokenInvalidation = {
    kind: 'hashes';
    hashes: string[];
} | {
    kind: 'all';
} | {
    kind: 'heartbeat';
};
declare function postgresInvalidationChannel(options?: {
    tablePrefix?: string;
}): string;
declare function parseInvalidation(payload: string): TokenInvalidation;
type PostgresInvalidationsOptions = ({
    pool: Pool;
    client?: undefined;
} | {
    client: Client | PoolClient;
    pool?: undefined;
}) & {
    tablePrefix?: string;
};
declare function postgresInvalidations(options: PostgresInvalidationsOptions): InvalidationChannel;
export { DEFAULT_SCHEMA, DEFAULT_TABLE_PREFIX, type PostgresInvalidationsOptions, type PostgresStoreOptions, SCHEMA_VERSION, type TokenInvalidation, isUnavailableError, parseInvalidation, postgresInvalidationChannel, postgresInvalidations, postgresSchemaSql, postgresStore };
