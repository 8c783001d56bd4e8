import { invalidationChannel } from './invalidations.js';
import { keyLayout, type KeyLayout } from './keys.js';
import { replicaWaits } from './durability.js';
import { isCluster, resolveOptions, type DurabilityOptions, type RedisClient, type RedisStoreOptions } from './options.js';
import { defineScripts, type Scripts } from './scripts.js';
import { assertClientOfThisRequest, inWorkerd } from './workerd.js';

/** What every store operation needs: the caller's client, the key layout and the Lua scripts. */
export interface StoreContext {
  client: RedisClient;
  /** Whether `client` is a Cluster client: multi-key scripts then take keys of one slot only. */
  cluster: boolean;
  /** The store's key prefix (not the client's own `keyPrefix` option). */
  keyPrefix: string;
  keys: KeyLayout;
  scripts: Scripts;
  /**
   * Where deleting scripts announce the hashes they removed (`redisInvalidations` listens there).
   * Always published, cache or not: an instance without core's cache may delete a token that one
   * with it holds.
   */
  channel: string;
  /** Replicas to wait for after each write step, or null. */
  durability: DurabilityOptions | null;
  /** Resolves once the writes just made to `keys` are on enough replicas (at once without durability). */
  settle(keys: readonly string[]): Promise<void>;
  /** Closes what the context opened itself (the durability waits' connections), never `client`. */
  close(): Promise<void>;
  /**
   * In workerd only: throws a ConfigurationError naming `client` when an earlier request first
   * used it (its connection would never answer here). Called before a command is sent.
   */
  checkRequest: (() => void) | undefined;
}

/**
 * Validates options and prepares a store's context. Holds nothing connection-specific but the
 * durability waits' own connections (opened on first use), so there is no broken state to cache:
 * ioredis reconnects, scripts are resent on NOSCRIPT.
 * @throws ConfigurationError naming the offending option
 * @example const ctx = createContext({ client: new Redis(), keyPrefix: 'app:' });
 */
export function createContext(options: RedisStoreOptions): StoreContext {
  const { client, keyPrefix, durability } = resolveOptions(options);
  const waits = durability ? replicaWaits(client, durability, keyPrefix) : null;
  return {
    client,
    cluster: isCluster(client),
    keyPrefix,
    keys: keyLayout(keyPrefix),
    scripts: defineScripts(client),
    channel: invalidationChannel(keyPrefix),
    durability,
    settle: waits ? (keys) => waits.settle(keys) : () => Promise.resolve(),
    close: async () => waits?.close(),
    checkRequest: inWorkerd() ? () => assertClientOfThisRequest(client, 'redisStore') : undefined,
  };
}
