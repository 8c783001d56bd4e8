export { redisStore, type RedisTokenStore } from './redis-store.js';
export type { ReconcileOptions, ReconcileResult } from './reconcile.js';
export { DEFAULT_DURABILITY, DEFAULT_KEY_PREFIX, type DurabilityOptions, type RedisClient, type RedisStoreOptions } from './options.js';
export { redisInvalidations, type RedisInvalidationsOptions } from './invalidations.js';
