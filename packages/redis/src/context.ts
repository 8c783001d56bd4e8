import { keyLayout, type KeyLayout } from './keys.js';
import { resolveOptions, type RedisClient, type RedisStoreOptions } from './options.js';
import { defineScripts, type Scripts } from './scripts.js';

/** What every store operation needs: the caller's client, the key layout and the Lua scripts. */
export interface StoreContext {
  client: RedisClient;
  keys: KeyLayout;
  scripts: Scripts;
}

/**
 * Validates options and prepares a store's context. Holds nothing connection-specific, so
 * there is no broken state to cache: ioredis reconnects, scripts are resent on NOSCRIPT.
 * @throws ConfigurationError naming the offending option
 * @example const ctx = createContext({ client: new Redis(), keyPrefix: 'app:' });
 */
export function createContext(options: RedisStoreOptions): StoreContext {
  const { client, keyPrefix } = resolveOptions(options);
  return { client, keys: keyLayout(keyPrefix), scripts: defineScripts(client) };
}
