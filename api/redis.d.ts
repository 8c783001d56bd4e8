import { TokenRecord, TokenStore } from '@keyward/core';
import { Redis, Cluster } from 'ioredis';
interface RedisCacheOptions {
    subscriber: RedisClient;
    maxStalenessMs?: number;
    heartbeatMs?: number;
    ttlMs?: number;
    maxEntries?: number;
    onError?: (error: unknown) => void;
}
type RedisClient = Redis | Cluster;
interface RedisStoreOptions {
    client: RedisClient;
    keyPrefix?: string;
    cache?: RedisCacheOptions | undefined;
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
interface RedisTokenStore extends TokenStore {
    reconcile(options?: ReconcileOptions): Promise<ReconcileResult>;
}
declare function redisStore(options: RedisStoreOptions): RedisTokenStore;
export { DEFAULT_DURABILITY, DEFAULT_KEY_PREFIX, type DurabilityOptions, type ReconcileOptions, type ReconcileResult, type RedisCacheOptions, type RedisClient, type RedisStoreOptions, type RedisTokenStore, redisStore };
