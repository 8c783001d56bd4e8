import { CloseTimeoutError, ConfigurationError } from './errors.js';
import { settleWithin } from './settle-within.js';
import type { TokenRecord } from './store.js';

/**
 * What a store's change feed tells the cache. A channel calls these; the cache decides.
 */
export interface InvalidationListener {
  /** These hashes' records were deleted (or changed); `null`: anything may have changed. */
  invalidate(hashes: readonly string[] | null): void;
  /**
   * Every invalidation published before `sentAt` (this process's `performance.now()`, when the
   * channel sent its heartbeat) has been delivered: the feed is proven live up to that instant.
   */
  proven(sentAt: number): void;
  /** Delivery can no longer be trusted (connection lost, moved, topology changed): forget everything. */
  lost(): void;
}

/**
 * A store's change feed (Redis pub/sub, PostgreSQL LISTEN/NOTIFY). The store publishes its
 * invalidations in the same atomic step as the deletion, so a committed delete always announces
 * itself; the channel proves liveness with heartbeats sent through the same path.
 * @example
 * const keyward = createKeyward({ store, resolveProject, cache: { channel: redisInvalidations({ client, subscriber }) } });
 */
export interface InvalidationChannel {
  /**
   * Starts delivering to `listener`, sending a heartbeat every `heartbeatMs`. Errors off the
   * request path (a heartbeat that could not be sent) go to `onError`.
   */
  subscribe(listener: InvalidationListener, options: { heartbeatMs: number; onError: (error: unknown) => void }): { close(): Promise<void> };
}

/**
 * The opt-in in-process cache of verification lookups. Off by default: every verification then
 * reads the store, so a deletion is seen at once by every instance.
 */
export interface CacheOptions {
  /** The store's invalidation channel, e.g. `redisInvalidations(...)` or `postgresInvalidations(...)`. */
  channel: InvalidationChannel;
  /**
   * The staleness bound, ms: a cached answer is used only while a heartbeat sent less than this
   * long ago has come back through the channel. So no instance answers from its cache later than
   * this after a `delete()` resolved, whatever happens to the channel. Default 1000.
   */
  maxStalenessMs?: number;
  /** How often heartbeats are sent, ms. Default maxStalenessMs / 4; at most maxStalenessMs / 2. */
  heartbeatMs?: number;
  /** Longest an entry is served before the store is read again, ms. Default 60 000. */
  ttlMs?: number;
  /** Most entries kept; the oldest go first. Default 100 000. */
  maxEntries?: number;
}

interface ResolvedCacheOptions {
  channel: InvalidationChannel;
  maxStalenessMs: number;
  heartbeatMs: number;
  ttlMs: number;
  maxEntries: number;
}

function positiveInteger(value: unknown, name: string): number {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) throw new ConfigurationError(`cache.${name} must be a positive integer (ms or count), got ${String(value)}`);
  return value as number;
}

/**
 * Checks the cache options once, at construction.
 * @example resolveCacheOptions({ channel }).maxStalenessMs // 1000
 */
export function resolveCacheOptions(options: CacheOptions): ResolvedCacheOptions {
  if (typeof options !== 'object' || options === null) throw new ConfigurationError('cache must be an object such as { channel }');
  if (typeof options.channel?.subscribe !== 'function') throw new ConfigurationError('cache.channel must be an InvalidationChannel, e.g. redisInvalidations({ client, subscriber })');
  const maxStalenessMs = positiveInteger(options.maxStalenessMs ?? 1000, 'maxStalenessMs');
  const heartbeatMs = positiveInteger(options.heartbeatMs ?? Math.max(1, Math.floor(maxStalenessMs / 4)), 'heartbeatMs');
  // A heartbeat needs time to come back before the previous one is too old.
  if (heartbeatMs > maxStalenessMs / 2) throw new ConfigurationError(`cache.heartbeatMs must be at most half of cache.maxStalenessMs (${maxStalenessMs}), got ${heartbeatMs}`);
  return {
    channel: options.channel,
    maxStalenessMs,
    heartbeatMs,
    ttlMs: positiveInteger(options.ttlMs ?? 60_000, 'ttlMs'),
    maxEntries: positiveInteger(options.maxEntries ?? 100_000, 'maxEntries'),
  };
}

interface Entry {
  record: TokenRecord;
  /** performance.now() after which the store is read again. */
  freshUntil: number;
}

/**
 * The lookup cache, kept honest by a store's channel:
 * - entries are answered only while the channel has proven, by a heartbeat sent less than
 *   `maxStalenessMs` ago, that every earlier invalidation was delivered;
 * - when that proof lapses or the channel reports a loss, everything is forgotten and reads go to
 *   the store until a heartbeat sent after the event comes back;
 * - a read that was in flight while an invalidation (or a loss) happened is not cached;
 * - only found tokens are cached: "not found" always asks the store.
 */
export class LookupCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every invalidation and loss: reads that straddle one are not cached. */
  private epoch = 0;
  /** performance.now() until which cached answers may be used. */
  private provenUntil = 0;
  /** Heartbeats sent before this instant prove nothing (trust was lost since). */
  private validFrom = 0;
  /** Whether answers were being served at the last check: a lapse is reported once per episode. */
  private wasLive = false;
  private readonly subscription: { close(): Promise<void> };
  private readonly timer: ReturnType<typeof setInterval>;
  private closed = false;

  constructor(
    private readonly options: ResolvedCacheOptions,
    private readonly onError: (error: unknown) => void,
  ) {
    this.subscription = options.channel.subscribe(
      {
        invalidate: (hashes) => this.invalidate(hashes),
        proven: (sentAt) => this.proven(sentAt),
        lost: () => this.lose(),
      },
      { heartbeatMs: options.heartbeatMs, onError },
    );
    this.timer = setInterval(() => this.checkLapse(), options.heartbeatMs);
    // The cache must never keep a process alive.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private invalidate(hashes: readonly string[] | null): void {
    this.epoch++;
    if (hashes === null) this.entries.clear();
    else for (const hash of hashes) this.entries.delete(hash);
  }

  private proven(sentAt: number): void {
    if (!(sentAt >= this.validFrom)) return;
    const until = sentAt + this.options.maxStalenessMs;
    if (until > performance.now() && until > this.provenUntil) {
      this.provenUntil = until;
      this.wasLive = true;
    }
  }

  private lose(): void {
    this.provenUntil = 0;
    this.validFrom = performance.now();
    this.epoch++;
    this.entries.clear();
  }

  private checkLapse(): void {
    if (!this.wasLive || this.live) return;
    this.wasLive = false;
    this.lose();
    this.onError(new Error(`keyward cache: no heartbeat came back within maxStalenessMs (${this.options.maxStalenessMs} ms); reading the store until one does`));
  }

  /** Whether reads may be answered from the cache right now. */
  get live(): boolean {
    return !this.closed && performance.now() < this.provenUntil;
  }

  /** The cached record for `hash`, or undefined (not cached, too old, or the channel not proven). */
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

  /** Taken before a read goes to the store; hand it to `put` with the answer. */
  ticket(): number {
    return this.live ? this.epoch : -1;
  }

  /** Caches a record read from the store, unless an invalidation or a loss happened since `ticket`. */
  put(hash: string, record: TokenRecord, ticket: number): void {
    if (ticket !== this.epoch || !this.live) return;
    // Concurrent reads of one token each put it: replacing an entry must not evict another one.
    if (!this.entries.delete(hash) && this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(hash, { record, freshUntil: performance.now() + this.options.ttlMs });
  }

  /** Drops this instance's entries for tokens it deleted itself, without waiting for the channel. */
  forget(hashes: readonly string[]): void {
    this.invalidate(hashes);
  }

  /**
   * `forget` for records this instance changed or deleted: by every hash each can be found by
   * (its current secret and, after a roll, its previous one).
   */
  forgetTokens(records: readonly TokenRecord[]): void {
    this.invalidate(records.flatMap((record) => (record.previous ? [record.hash, record.previous.hash] : [record.hash])));
  }

  /**
   * Stops the cache and closes the channel's subscription, waiting for it at most `timeoutMs`
   * (`closeTimeoutMs`): a channel stuck on a silent connection must not hold up shutdown. The
   * channels keyward ships bound their own close below the default (PostgreSQL and Redis: 1000 ms).
   * A subscription that fails to close is reported to `onError`, one that takes longer as a
   * CloseTimeoutError; close() itself always resolves.
   */
  async close(timeoutMs: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.entries.clear();
    const closing = await settleWithin(() => this.subscription.close(), timeoutMs);
    if (closing.outcome === 'failed') this.onError(closing.error);
    if (closing.outcome === 'timed out') this.onError(new CloseTimeoutError('cache', timeoutMs));
  }
}
