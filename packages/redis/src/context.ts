import type { Redis } from 'ioredis';
import { LookupCache, invalidationChannel, resolveCacheOptions } from './cache.js';
import { keyLayout, type KeyLayout } from './keys.js';
import { resolveOptions, type RedisClient, type RedisStoreOptions } from './options.js';
import { defineScripts, type Scripts } from './scripts.js';

/** What every store operation needs: the caller's client, the key layout and the Lua scripts. */
export interface StoreContext {
  client: RedisClient;
  keys: KeyLayout;
  scripts: Scripts;
  /** This instance's lookup cache, when `cache` was given. */
  cache: LookupCache | undefined;
  /**
   * Tells every instance sharing the key prefix that these hashes are gone. Always published, cache
   * or not: an instance without the cache may delete a token that one with the cache holds.
   */
  invalidate(hashes: readonly string[]): Promise<void>;
}

/**
 * Validates options and prepares a store's context. Holds nothing connection-specific, so
 * there is no broken state to cache: ioredis reconnects, scripts are resent on NOSCRIPT.
 * @throws ConfigurationError naming the offending option
 * @example const ctx = createContext({ client: new Redis(), keyPrefix: 'app:' });
 */
export function createContext(options: RedisStoreOptions): StoreContext {
  const { client, keyPrefix } = resolveOptions(options);
  const cacheOptions = options.cache === undefined ? undefined : resolveCacheOptions(options.cache, client);
  const scripts = defineScripts(client);
  const cache = cacheOptions ? new LookupCache(client, cacheOptions, keyPrefix) : undefined;
  const channel = invalidationChannel(keyPrefix);
  return {
    client,
    keys: keyLayout(keyPrefix),
    scripts,
    cache,
    async invalidate(hashes) {
      if (hashes.length === 0) return;
      if (cache) await cache.invalidate(hashes);
      else await (client as Redis).publish(channel, JSON.stringify(hashes));
    },
  };
}
