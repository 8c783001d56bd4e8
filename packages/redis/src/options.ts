import { ConfigurationError } from '@keyward/core';
import type { Cluster, Redis } from 'ioredis';
import type { RedisCacheOptions } from './cache.js';

/**
 * An ioredis client: a single server (`new Redis()`) or a Cluster (`new Redis.Cluster([...])`).
 * @example const client: RedisClient = new Redis.Cluster([{ host: '10.0.0.1', port: 6379 }]);
 */
export type RedisClient = Redis | Cluster;

/**
 * Options of `redisStore`.
 * @example const options: RedisStoreOptions = { client: new Redis({ maxRetriesPerRequest: 1 }), keyPrefix: 'app:tokens:' };
 */
export interface RedisStoreOptions {
  /**
   * The caller's ioredis client. The store never connects, quits or disconnects it. Give it
   * `maxRetriesPerRequest` (e.g. 1) and `commandTimeout` so an outage fails fast (see README).
   */
  client: RedisClient;
  /** Prepended to every key the store writes, so `SCAN MATCH <keyPrefix>*` finds them all. Default `keyward:`. */
  keyPrefix?: string;
  /**
   * Opt-in in-process cache of verification lookups, invalidated over pub/sub (see README):
   * `{ subscriber: new Redis(...) }`. Off by default: every verification reads Redis.
   */
  cache?: RedisCacheOptions | undefined;
}

export interface ResolvedOptions {
  client: RedisClient;
  keyPrefix: string;
}

/**
 * The key prefix used when `keyPrefix` is not given.
 * @example redisStore({ client }) // keys like `keyward:h:<hash>`
 */
export const DEFAULT_KEY_PREFIX = 'keyward:';
const MAX_KEY_PREFIX_LENGTH = 256;

function isClient(value: unknown): value is RedisClient {
  const candidate = value as Partial<Record<'hmget' | 'defineCommand' | 'options', unknown>> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.hmget === 'function' &&
    typeof candidate.defineCommand === 'function' &&
    typeof candidate.options === 'object'
  );
}

/**
 * Checks `redisStore` options once, at construction, and fills in defaults.
 * @throws ConfigurationError naming the offending option
 * @example resolveOptions({ client: new Redis() }) // { client, keyPrefix: 'keyward:' }
 */
export function resolveOptions(options: RedisStoreOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('redisStore(options): options must be an object with a client');
  }
  const { client, keyPrefix = DEFAULT_KEY_PREFIX } = options;
  if (!isClient(client)) {
    throw new ConfigurationError('client must be an ioredis client (new Redis(...) or new Redis.Cluster(...))');
  }
  // Replicas lag behind their primary: a lookup routed to one could accept a token that was just
  // deleted, breaking "deletion is immediate". Only primaries may answer.
  const scaleReads = (client.options as { scaleReads?: unknown }).scaleReads;
  if (scaleReads !== undefined && scaleReads !== 'master') {
    throw new ConfigurationError(`client: a Cluster client must keep scaleReads "master" (got ${JSON.stringify(String(scaleReads))}), replicas may still hold deleted tokens`);
  }
  if (typeof keyPrefix !== 'string' || keyPrefix.length > MAX_KEY_PREFIX_LENGTH) {
    throw new ConfigurationError(`keyPrefix must be a string of at most ${MAX_KEY_PREFIX_LENGTH} characters, got ${JSON.stringify(keyPrefix)}`);
  }
  return { client, keyPrefix };
}
