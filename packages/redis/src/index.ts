export { redisStore } from './redis-store.js';
export { DEFAULT_KEY_PREFIX, type RedisClient, type RedisStoreOptions } from './options.js';
export type { RedisCacheOptions } from './cache.js';
