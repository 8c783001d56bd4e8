import { TokenStore } from '@keyward/core';
import { Redis, Cluster } from 'ioredis';
interface RedisCacheOptions {
    subscriber: RedisClient;
    ttlMs?: number;
    maxEntries?: number;
    heartbeatMs?: number;
}
type RedisClient = Redis | Cluster;
interface RedisStoreOptions {
    client: RedisClient;
    keyPrefix?: string;
    cache?: RedisCacheOptions | undefined;
}
declare const DEFAULT_KEY_PREFIX = "keyward:";
declare function redisStore(options: RedisStoreOptions): TokenStore;
export { DEFAULT_KEY_PREFIX, type RedisCacheOptions, type RedisClient, type RedisStoreOptions, redisStore };
