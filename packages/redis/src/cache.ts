import { ConfigurationError, type TokenRecord } from '@keyward/core';
import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from './options.js';

/**
 * Options of the opt-in in-process cache of `redisStore` (`redisStore({ client, cache: { subscriber } })`).
 * @example const cache: RedisCacheOptions = { subscriber: new Redis({ maxRetriesPerRequest: 1 }), ttlMs: 30_000 };
 */
export interface RedisCacheOptions {
  /**
   * A second ioredis client, used only to SUBSCRIBE to invalidations (a subscribed connection can
   * send no other command). Not the store's `client`. The store never connects, quits or
   * disconnects it; `close()` unsubscribes from the store's channels.
   */
  subscriber: RedisClient;
  /** Longest time (ms) an entry is served before it is read again. Default 60 000. A safety net: invalidations remove entries at once. */
  ttlMs?: number;
  /** Most entries kept; the oldest are dropped first. Default 100 000. */
  maxEntries?: number;
  /**
   * How often (ms) the store proves its subscription works, by publishing to a channel of its own
   * and receiving it. The cache is bypassed when no proof arrived within 3 × this. Default 1000.
   */
  heartbeatMs?: number;
}

export interface ResolvedCacheOptions {
  subscriber: RedisClient;
  ttlMs: number;
  maxEntries: number;
  heartbeatMs: number;
}

function positiveInteger(value: unknown, name: string): number {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) {
    throw new ConfigurationError(`cache.${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value as number;
}

/**
 * Checks the cache options once, at construction.
 * @throws ConfigurationError naming the offending option
 * @example resolveCacheOptions({ subscriber }, client) // { subscriber, ttlMs: 60000, maxEntries: 100000, heartbeatMs: 1000 }
 */
export function resolveCacheOptions(options: RedisCacheOptions, client: RedisClient): ResolvedCacheOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('cache must be an object such as { subscriber: new Redis() }');
  }
  const { subscriber } = options;
  const looksLikeClient =
    typeof subscriber === 'object' && subscriber !== null && typeof subscriber.subscribe === 'function' && typeof subscriber.on === 'function';
  if (!looksLikeClient) throw new ConfigurationError('cache.subscriber must be an ioredis client (a second connection, used only to subscribe)');
  if ((subscriber as unknown) === (client as unknown)) {
    throw new ConfigurationError('cache.subscriber must be a second client: a subscribed connection cannot run the store\'s commands');
  }
  return {
    subscriber,
    ttlMs: positiveInteger(options.ttlMs ?? 60_000, 'ttlMs'),
    maxEntries: positiveInteger(options.maxEntries ?? 100_000, 'maxEntries'),
    heartbeatMs: positiveInteger(options.heartbeatMs ?? 1000, 'heartbeatMs'),
  };
}

interface Entry {
  record: TokenRecord;
  /** Epoch ms after which the entry is read again from Redis. */
  freshUntil: number;
}

/** The invalidation channel of a key prefix: every instance sharing the prefix listens there. */
export const invalidationChannel = (keyPrefix: string): string => `${keyPrefix}invalidate`;

/**
 * The in-process cache of verification lookups, kept honest by Redis pub/sub.
 *
 * - Deletions publish the deleted hashes on `<keyPrefix>invalidate` before they resolve; every
 *   instance drops those entries on receipt.
 * - The cache answers only while the subscription is proven to work: a heartbeat published to this
 *   instance's own channel must have come back within 3 × `heartbeatMs`. Until the first one, and
 *   from the moment the subscriber disconnects or a heartbeat is late, every read goes to Redis
 *   and the cache is emptied (invalidations may have been missed).
 * - A read that was in flight while any invalidation (or a loss of subscription) happened is
 *   not cached, so a stale answer cannot be stored after its invalidation.
 * - Only found tokens are cached; "not found" always asks Redis.
 */
export class LookupCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every invalidation and subscription loss: reads that straddle one are not cached. */
  private epoch = 0;
  /** Epoch ms until which the subscription counts as working (last heartbeat + 3 periods). */
  private healthyUntil = 0;
  private readonly heartbeatChannel: string;
  private readonly invalidations: string;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly listeners: Array<[event: string, listener: (...args: never[]) => void]> = [];
  private closed = false;

  constructor(
    private readonly client: RedisClient,
    private readonly options: ResolvedCacheOptions,
    keyPrefix: string,
    /** Told about failures off the request path (a heartbeat that could not be sent). */
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    const instance = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
    this.invalidations = invalidationChannel(keyPrefix);
    this.heartbeatChannel = `${keyPrefix}heartbeat:${instance}`;
    const subscriber = options.subscriber as Redis;

    this.listen(subscriber, 'message', (channel: string, message: string) => this.onMessage(channel, message));
    // Any sign that the connection broke: stop trusting the cache until a heartbeat comes back.
    for (const event of ['close', 'end', 'reconnecting', 'error']) this.listen(subscriber, event, () => this.lose());
    this.listen(subscriber, 'ready', () => this.beat());

    subscriber.subscribe(this.invalidations, this.heartbeatChannel).then(
      () => this.beat(),
      (error: unknown) => {
        this.lose();
        this.onError(error);
      },
    );
    this.timer = setInterval(() => this.beat(), options.heartbeatMs);
    // The cache must never keep a process alive.
    this.timer.unref?.();
  }

  private listen(emitter: Redis, event: string, listener: (...args: never[]) => void): void {
    emitter.on(event, listener as (...args: unknown[]) => void);
    this.listeners.push([event, listener]);
  }

  private beat(): void {
    if (this.closed) return;
    // Sent by the command client, received by the subscriber: proves the whole loop works.
    (this.client as Redis).publish(this.heartbeatChannel, '1').catch((error: unknown) => {
      this.lose();
      this.onError(error);
    });
  }

  private onMessage(channel: string, message: string): void {
    if (channel === this.heartbeatChannel) {
      this.healthyUntil = Date.now() + 3 * this.options.heartbeatMs;
      return;
    }
    if (channel !== this.invalidations) return;
    this.epoch++;
    let hashes: unknown;
    try {
      hashes = JSON.parse(message);
    } catch {
      hashes = null;
    }
    if (Array.isArray(hashes)) {
      for (const hash of hashes) if (typeof hash === 'string') this.entries.delete(hash);
    } else {
      // A message we cannot read might have named anything: forget everything.
      this.entries.clear();
    }
  }

  /** The subscription can no longer be trusted: forget everything, answer from Redis. */
  private lose(): void {
    this.healthyUntil = 0;
    this.epoch++;
    this.entries.clear();
  }

  /** Whether reads may be answered from the cache right now. */
  get live(): boolean {
    return !this.closed && Date.now() < this.healthyUntil;
  }

  /** The cached record for `hash`, or undefined (not cached, stale, or the subscription is not proven). */
  get(hash: string): TokenRecord | undefined {
    const entry = this.entries.get(hash);
    if (entry === undefined) return undefined;
    const now = Date.now();
    if (now >= this.healthyUntil) {
      // A late heartbeat: nothing cached may be trusted again, even once heartbeats resume.
      this.lose();
      return undefined;
    }
    if (now >= entry.freshUntil) {
      this.entries.delete(hash);
      return undefined;
    }
    return entry.record;
  }

  /** A ticket for a read about to go to Redis: pass it to `put` with the answer. */
  ticket(): number {
    return this.live ? this.epoch : -1;
  }

  /** Caches a record read from Redis, unless an invalidation or an outage happened since `ticket`. */
  put(hash: string, record: TokenRecord, ticket: number): TokenRecord {
    const frozen = Object.isFrozen(record) ? record : Object.freeze(record);
    if (ticket !== this.epoch || !this.live) return frozen;
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(hash, { record: frozen, freshUntil: Date.now() + this.options.ttlMs });
    return frozen;
  }

  /** Drops entries here and tells every other instance to drop them. Resolves once Redis took the message. */
  async invalidate(hashes: readonly string[]): Promise<void> {
    if (hashes.length === 0) return;
    this.epoch++;
    for (const hash of hashes) this.entries.delete(hash);
    await (this.client as Redis).publish(this.invalidations, JSON.stringify(hashes));
  }

  /** Records a newer lastUsedAt in a cached entry, so this instance shows its own uses. */
  touched(hash: string, lastUsedAt: number): void {
    const entry = this.entries.get(hash);
    if (entry && (entry.record.lastUsedAt === null || entry.record.lastUsedAt < lastUsedAt)) {
      entry.record = Object.freeze({ ...entry.record, lastUsedAt });
    }
  }

  /** Stops the heartbeat, removes this cache's listeners and unsubscribes its channels. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.entries.clear();
    const subscriber = this.options.subscriber as Redis | Cluster;
    for (const [event, listener] of this.listeners) subscriber.off(event, listener as (...args: unknown[]) => void);
    await (subscriber as Redis).unsubscribe(this.invalidations, this.heartbeatChannel).catch(() => {});
  }
}
