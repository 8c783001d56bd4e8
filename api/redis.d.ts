import { TokenRecord, TokenStore, LimitsStore, RateLimiterStore, AuditStore, UsageStore, InvalidationChannel } from '@keyward/core';
import { Redis, Cluster } from 'ioredis';
type RedisClient = Redis | Cluster;
interface RedisStoreOptions {
    client: RedisClient;
    keyPrefix?: string;
    durability?: DurabilityOptions | false | undefined;
}
interface DurabilityOptions {
    replicas: number;
    timeoutMs: number;
}
declare const DEFAULT_DURABILITY: DurabilityOptions;
declare const DEFAULT_KEY_PREFIX = "keyward:";
interface ReconcileOptions {
    cursor?: string | null | undefined;
    limit?: number | undefined;
}
interface ReconcileResult {
    removed: TokenRecord[];
    examined: number;
    cursor: string | null;
}
interface RedisTokenStore extends TokenStore, LimitsStore, RateLimiterStore, AuditStore, UsageStore {
    reconcile(options?: ReconcileOptions): Promise<ReconcileResult>;
    close(): Promise<void>;
}
declare function redisStore(options: RedisStoreOptions): RedisTokenStore;
interface RedisInvalidationsOptions {
    client: RedisClient;
    subscriber: RedisClient;
    keyPrefix?: string;
}
declare function redisInvalidations(options: RedisInvalidationsOptions): InvalidationChannel;
export { DEFAULT_DURABILITY, DEFAULT_KEY_PREFIX, type DurabilityOptions, type ReconcileOptions, type ReconcileResult, type RedisClient, type RedisInvalidationsOptions, type RedisStoreOptions, type RedisTokenStore, redisInvalidations, redisStore };
