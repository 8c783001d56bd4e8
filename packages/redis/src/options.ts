import { ConfigurationError } from '@keyward/core';
import type { Cluster, Redis } from 'ioredis';

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
   * Wait for replicas after each ordered write step (`WAIT replicas timeoutMs` on every primary),
   * so that a failover cannot undo an acknowledged write: `{ replicas: 1, timeoutMs: 1000 }`.
   * When fewer replicas acknowledge in time, the call throws `StoreUnavailableError` (503); the
   * write order still guarantees that nothing verifies without being listed.
   * `false` never waits. Reads never wait.
   *
   * Default: `{ replicas: 1, timeoutMs: 1000 }` for clients that fail over (a Cluster client, or a
   * Sentinel client), `false` for a plain client. A Cluster without replicas must pass `false`.
   */
  durability?: DurabilityOptions | false | undefined;
}

/**
 * Replicas to wait for after each write step.
 * @example const durability: DurabilityOptions = { replicas: 1, timeoutMs: 500 };
 */
export interface DurabilityOptions {
  /** Replicas of each primary that must acknowledge a step before the next starts. At least 1. */
  replicas: number;
  /** Longest wait per step, in ms; then the call fails with StoreUnavailableError. At least 1. */
  timeoutMs: number;
}

export interface ResolvedOptions {
  client: RedisClient;
  keyPrefix: string;
  durability: DurabilityOptions | null;
}

/** The durability used when none is given to a client that can fail over. */
export const DEFAULT_DURABILITY: DurabilityOptions = Object.freeze({ replicas: 1, timeoutMs: 1000 });

/**
 * The key prefix used when `keyPrefix` is not given.
 * @example redisStore({ client }) // keys like `keyward:h:<hash>`
 */
export const DEFAULT_KEY_PREFIX = 'keyward:';
const MAX_KEY_PREFIX_LENGTH = 256;

/**
 * Whether `value` looks like an ioredis client (duck-typed: the package does not import ioredis at run time).
 * @example isClient(new Redis()) // true
 */
export function isClient(value: unknown): value is RedisClient {
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
 * Whether `client` is a Cluster client.
 * @example isCluster(new Redis.Cluster([{ port: 7000 }])) // true
 */
export const isCluster = (client: RedisClient): client is Cluster => typeof (client as Partial<Cluster>).nodes === 'function';

/**
 * Checks a key prefix; `field` names it in the error.
 * @throws ConfigurationError when it is not a string of at most 256 characters
 * @example resolveKeyPrefix('app:', 'keyPrefix') // 'app:'
 */
export function resolveKeyPrefix(keyPrefix: unknown, field: string): string {
  if (typeof keyPrefix !== 'string' || keyPrefix.length > MAX_KEY_PREFIX_LENGTH) {
    throw new ConfigurationError(`${field} must be a string of at most ${MAX_KEY_PREFIX_LENGTH} characters, got ${JSON.stringify(keyPrefix)}`);
  }
  return keyPrefix;
}

/**
 * Checks `redisStore` options once, at construction, and fills in defaults.
 * @throws ConfigurationError naming the offending option
 * @example resolveOptions({ client: new Redis() }) // { client, keyPrefix: 'keyward:', durability: null }
 */
export function resolveOptions(options: RedisStoreOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('redisStore(options): options must be an object with a client');
  }
  // The client itself, passed where its options belong, is the right value in the wrong place.
  if (isClient(options)) throw new ConfigurationError('redisStore(options): pass the client as { client }: redisStore({ client })');
  const { client, keyPrefix = DEFAULT_KEY_PREFIX } = options;
  if ((options as { cache?: unknown }).cache !== undefined) {
    // The cache moved into core; a store option that silently did nothing would look like a cache.
    throw new ConfigurationError('redisStore: the cache option moved to core: createKeyward({ store, cache: { channel: redisInvalidations({ client, subscriber, keyPrefix }) } })');
  }
  if (!isClient(client)) {
    throw new ConfigurationError('redisStore: client must be an ioredis client (new Redis(...) or new Redis.Cluster(...))');
  }
  // Replicas lag behind their primary: a lookup routed to one could accept a token that was just
  // deleted, breaking "deletion is immediate". Only primaries may answer.
  const scaleReads = (client.options as { scaleReads?: unknown }).scaleReads;
  if (scaleReads !== undefined && scaleReads !== 'master') {
    throw new ConfigurationError(`redisStore: client: a Cluster client must keep scaleReads "master" (got ${JSON.stringify(String(scaleReads))}), replicas may still hold deleted tokens`);
  }
  return { client, keyPrefix: resolveKeyPrefix(keyPrefix, 'redisStore: keyPrefix'), durability: resolveDurability(options.durability, client) };
}

function resolveDurability(durability: RedisStoreOptions['durability'], client: RedisClient): DurabilityOptions | null {
  if (durability === false) return null;
  if (durability === undefined) {
    // A client that can fail over gets the safe default: a failover must not undo an acknowledged
    // deletion. A plain client talks to one server, whose own persistence is the guard.
    const failsOver = isCluster(client) || Boolean((client.options as { sentinels?: unknown[] | null }).sentinels?.length);
    return failsOver ? DEFAULT_DURABILITY : null;
  }
  if (typeof durability !== 'object' || durability === null) {
    throw new ConfigurationError('redisStore: durability must be { replicas, timeoutMs } or false');
  }
  for (const field of ['replicas', 'timeoutMs'] as const) {
    const value = durability[field];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new ConfigurationError(`redisStore: durability.${field} must be a positive integer, got ${JSON.stringify(value)}`);
    }
  }
  return { replicas: durability.replicas, timeoutMs: durability.timeoutMs };
}
