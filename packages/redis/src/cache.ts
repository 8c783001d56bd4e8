import { ConfigurationError, type TokenRecord } from '@keyward/core';
import type { Cluster, Redis } from 'ioredis';
import { isCluster, type RedisClient } from './options.js';
import { invalidationChannel } from './invalidations.js';

/**
 * Options of the opt-in in-process cache of `redisStore` (`redisStore({ client, cache: { subscriber } })`).
 * @example const cache: RedisCacheOptions = { subscriber: new Redis({ maxRetriesPerRequest: 1 }), maxStalenessMs: 500 };
 */
export interface RedisCacheOptions {
  /**
   * A second ioredis client, used only to SUBSCRIBE to invalidations (a subscribed connection can
   * send no other command). Not the store's `client`. The store never connects, quits or
   * disconnects it; `close()` unsubscribes from the store's channels.
   */
  subscriber: RedisClient;
  /**
   * The staleness bound, in ms: a cached answer is used only while a heartbeat sent less than
   * this long ago has come back through the subscription. So, whatever happens to the subscriber
   * connection (stalled, dead, moved to another node), no instance answers from its cache later
   * than this after a `delete()` resolved. Default 1000.
   */
  maxStalenessMs?: number;
  /** How often (ms) heartbeats are sent. Default maxStalenessMs / 4; at most maxStalenessMs / 2. */
  heartbeatMs?: number;
  /** Longest time (ms) an entry is served before it is read again. Default 60 000. A safety net: invalidations remove entries at once. */
  ttlMs?: number;
  /** Most entries kept; the oldest are dropped first. Default 100 000. */
  maxEntries?: number;
  /**
   * Told when a heartbeat cannot be sent, or when none came back within `maxStalenessMs` (the cache
   * is then bypassed until one does). Off the request path. Default: `console.error`.
   */
  onError?: (error: unknown) => void;
}

export interface ResolvedCacheOptions {
  subscriber: RedisClient;
  maxStalenessMs: number;
  heartbeatMs: number;
  ttlMs: number;
  maxEntries: number;
  onError: (error: unknown) => void;
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
 * @example resolveCacheOptions({ subscriber }, client) // { subscriber, maxStalenessMs: 1000, heartbeatMs: 250, ttlMs: 60000, maxEntries: 100000, onError }
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
  const maxStalenessMs = positiveInteger(options.maxStalenessMs ?? 1000, 'maxStalenessMs');
  const heartbeatMs = positiveInteger(options.heartbeatMs ?? Math.max(1, Math.floor(maxStalenessMs / 4)), 'heartbeatMs');
  // A heartbeat needs time to come back before the previous one is too old.
  if (heartbeatMs > maxStalenessMs / 2) {
    throw new ConfigurationError(`cache.heartbeatMs must be at most half of cache.maxStalenessMs (${maxStalenessMs}), got ${heartbeatMs}`);
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new ConfigurationError('cache.onError must be a function');
  }
  return {
    subscriber,
    maxStalenessMs,
    heartbeatMs,
    ttlMs: positiveInteger(options.ttlMs ?? 60_000, 'ttlMs'),
    maxEntries: positiveInteger(options.maxEntries ?? 100_000, 'maxEntries'),
    onError: options.onError ?? ((error) => console.error('[keyward redis cache]', error)),
  };
}

interface Entry {
  record: TokenRecord;
  /** performance.now() after which the entry is read again from Redis. */
  freshUntil: number;
}


/** The primaries a heartbeat must cross: each Cluster master, or the one server. */
function primaries(client: RedisClient): Array<{ name: string; node: Redis }> {
  if (isCluster(client)) {
    return client
      .nodes('master')
      .map((node) => ({ name: `${node.options.host}:${node.options.port}`, node }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }
  return [{ name: 'server', node: client }];
}

/**
 * The in-process cache of verification lookups, kept honest by Redis pub/sub.
 *
 * - The Lua script that deletes lookup keys also PUBLISHes their hashes on
 *   `<keyPrefix>invalidate` (see scripts.ts), so Redis cannot delete without announcing it, even
 *   if the reply is lost. Every instance drops the named entries on receipt.
 * - Staleness is bounded by heartbeats: every `heartbeatMs` the instance publishes its send time
 *   on its own channel through each primary (on a Cluster, each master: invalidations come from
 *   any of them, and one master's messages reach a subscriber in order). The cache answers only
 *   while, for every current primary, a heartbeat sent less than `maxStalenessMs` ago came back.
 *   Pub/sub delivery on a connection is ordered, so such a heartbeat proves that every
 *   invalidation published before it was sent has been applied: a `delete()` that resolved more
 *   than `maxStalenessMs` ago is reflected here, or the cache is not answering.
 * - When that proof lapses, or the subscriber or the Cluster topology changes, the cache is
 *   emptied and every read goes to Redis until a heartbeat sent after the event comes back.
 * - A read that was in flight while any invalidation (or a loss of proof) happened is not
 *   cached, so a stale answer cannot be stored after its invalidation.
 * - Only found tokens are cached; "not found" always asks Redis.
 */
export class LookupCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every invalidation and every loss of proof: reads that straddle one are not cached. */
  private epoch = 0;
  /** performance.now() until which cached answers may be used (oldest proven heartbeat + bound). */
  private provenUntil = 0;
  /** Latest send time of a heartbeat received back, per primary name. */
  private readonly received = new Map<string, number>();
  /** Primaries the last heartbeat was sent through: each must prove itself. */
  private expected: string[] = [];
  /** Heartbeats sent before this instant prove nothing (the subscription changed since). */
  private validFrom = 0;
  /** Whether the cache was answering at the last check: a lapse is reported once per episode. */
  private wasLive = false;
  private readonly heartbeatChannel: string;
  private readonly invalidations: string;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly listeners: Array<[emitter: Redis | Cluster, event: string, listener: (...args: never[]) => void]> = [];
  private closed = false;

  constructor(
    private readonly client: RedisClient,
    private readonly options: ResolvedCacheOptions,
    keyPrefix: string,
  ) {
    const instance = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
    this.invalidations = invalidationChannel(keyPrefix);
    this.heartbeatChannel = `${keyPrefix}heartbeat:${instance}`;
    const subscriber = options.subscriber;

    this.listen(subscriber, 'message', (channel: string, message: string) => this.onMessage(channel, message));
    // Any sign that the connection broke or moved: stop trusting the cache until a heartbeat
    // sent after the event comes back.
    for (const event of ['close', 'end', 'reconnecting', 'error', '+node', '-node', 'node error']) this.listen(subscriber, event, () => this.lose());
    if (isCluster(client)) for (const event of ['+node', '-node', 'node error']) this.listen(client, event, () => this.lose());
    this.listen(subscriber, 'ready', () => this.beat());

    (subscriber as Redis).subscribe(this.invalidations, this.heartbeatChannel).then(
      () => this.beat(),
      (error: unknown) => {
        this.lose();
        this.options.onError(error);
      },
    );
    this.timer = setInterval(() => this.tick(), options.heartbeatMs);
    // The cache must never keep a process alive.
    this.timer.unref?.();
  }

  private listen(emitter: Redis | Cluster, event: string, listener: (...args: never[]) => void): void {
    emitter.on(event, listener as (...args: unknown[]) => void);
    this.listeners.push([emitter, event, listener]);
  }

  private tick(): void {
    if (this.wasLive && !this.live) {
      this.wasLive = false;
      this.lose();
      this.options.onError(
        new Error(`redis cache: no heartbeat came back through the subscriber within maxStalenessMs (${this.options.maxStalenessMs} ms); answering from Redis until one does`),
      );
    }
    this.beat();
  }

  private beat(): void {
    if (this.closed) return;
    const targets = primaries(this.client);
    this.expected = targets.map((t) => t.name);
    const sentAt = performance.now();
    // Sent by the command client through each primary, received by the subscriber: proves the
    // whole path every invalidation takes.
    for (const { name, node } of targets) {
      node.publish(this.heartbeatChannel, `${name} ${sentAt}`).catch((error: unknown) => this.options.onError(error));
    }
  }

  private onMessage(channel: string, message: string): void {
    if (channel === this.heartbeatChannel) return this.onHeartbeat(message);
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

  private onHeartbeat(message: string): void {
    const space = message.lastIndexOf(' ');
    const name = message.slice(0, space);
    const sentAt = Number(message.slice(space + 1));
    if (!(sentAt >= this.validFrom)) return;
    if ((this.received.get(name) ?? -Infinity) < sentAt) this.received.set(name, sentAt);
    // No known primary (a Cluster client between topologies) proves nothing.
    if (this.expected.length === 0) return;
    let oldest = Infinity;
    for (const expected of this.expected) oldest = Math.min(oldest, this.received.get(expected) ?? -Infinity);
    if (oldest === -Infinity) return;
    const until = oldest + this.options.maxStalenessMs;
    if (until > performance.now()) {
      this.provenUntil = until;
      this.wasLive = true;
    }
  }

  /** The subscription can no longer be trusted: forget everything, answer from Redis. */
  private lose(): void {
    this.provenUntil = 0;
    this.validFrom = performance.now();
    this.received.clear();
    this.epoch++;
    this.entries.clear();
  }

  /** Whether reads may be answered from the cache right now. */
  get live(): boolean {
    return !this.closed && performance.now() < this.provenUntil;
  }

  /** The cached record for `hash`, or undefined (not cached, stale, or the subscription is not proven). */
  get(hash: string): TokenRecord | undefined {
    const entry = this.entries.get(hash);
    if (entry === undefined) return undefined;
    const now = performance.now();
    if (now >= this.provenUntil) {
      // A lapsed proof: nothing cached may be trusted again, even once heartbeats resume.
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

  /** Caches a record read from Redis, unless an invalidation or a loss of proof happened since `ticket`. */
  put(hash: string, record: TokenRecord, ticket: number): TokenRecord {
    const frozen = Object.isFrozen(record) ? record : Object.freeze(record);
    if (ticket !== this.epoch || !this.live) return frozen;
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(hash, { record: frozen, freshUntil: performance.now() + this.options.ttlMs });
    return frozen;
  }

  /**
   * Drops entries of this instance at once (the deleting instance does not wait for its own
   * invalidation to come back). Other instances are told by the deleting script itself.
   */
  forget(hashes: readonly string[]): void {
    this.epoch++;
    for (const hash of hashes) this.entries.delete(hash);
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
    for (const [emitter, event, listener] of this.listeners) emitter.off(event, listener as (...args: unknown[]) => void);
    await (this.options.subscriber as Redis).unsubscribe(this.invalidations, this.heartbeatChannel).catch(() => {});
  }
}
