import { randomBytes } from 'node:crypto';
import { ConfigurationError, type InvalidationChannel, type InvalidationListener } from '@keyward/core';
import type { Redis } from 'ioredis';
import { toStoreError } from './errors.js';
import { DEFAULT_KEY_PREFIX, isClient, isCluster, resolveKeyPrefix, type RedisClient } from './options.js';
import { inWorkerd, WORKERS_DOCS } from './workerd.js';

/**
 * The channel a key prefix's deleting scripts publish on: every instance sharing the prefix listens there.
 * @example invalidationChannel('keyward:') // 'keyward:invalidate'
 */
export const invalidationChannel = (keyPrefix: string): string => `${keyPrefix}invalidate`;

/**
 * Options of `redisInvalidations`.
 * @example const options: RedisInvalidationsOptions = { client, subscriber: new Redis({ maxRetriesPerRequest: 1 }), keyPrefix: 'app:tokens:' };
 */
export interface RedisInvalidationsOptions {
  /** The store's client (the one given to `redisStore`): heartbeats are published through it, on each primary. */
  client: RedisClient;
  /**
   * A second ioredis client, used only to SUBSCRIBE (a subscribed connection can send no other
   * command). Not `client`. Never connected, quit or disconnected by keyward; `close()`
   * unsubscribes from the channel's two channels.
   */
  subscriber: RedisClient;
  /** The store's `keyPrefix`. Default `keyward:`. */
  keyPrefix?: string;
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

/** The hashes an invalidation names, or null when it cannot be read (it might have named anything). */
function parseHashes(message: string): string[] | null {
  try {
    const hashes: unknown = JSON.parse(message);
    return Array.isArray(hashes) && hashes.every((hash) => typeof hash === 'string') ? hashes : null;
  } catch {
    return null;
  }
}

/**
 * Subscriptions per subscriber connection and channel: two keyward instances may share one
 * subscriber and one key prefix, and the first to close must not unsubscribe the other's
 * invalidations (its heartbeats would still prove a feed that no longer delivers).
 */
const holders = new WeakMap<object, Map<string, number>>();

function hold(subscriber: object, channel: string): void {
  const counts = holders.get(subscriber) ?? new Map<string, number>();
  holders.set(subscriber, counts);
  counts.set(channel, (counts.get(channel) ?? 0) + 1);
}

/** Drops one hold; true when it was the last, so the channel may be unsubscribed. */
function release(subscriber: object, channel: string): boolean {
  const counts = holders.get(subscriber);
  const left = (counts?.get(channel) ?? 1) - 1;
  if (left > 0) counts!.set(channel, left);
  else counts?.delete(channel);
  return left <= 0;
}

/** The longest `close()` waits for UNSUBSCRIBE, ms. */
const CLOSE_TIMEOUT_MS = 1000;

/** Any of these means messages may have been missed: nothing delivered before proves anything. */
const SUBSCRIBER_LOSSES = ['close', 'end', 'reconnecting', 'error', '+node', '-node', 'node error'];
const TOPOLOGY_LOSSES = ['+node', '-node', 'node error'];

/**
 * One subscription: listens on the invalidation channel and this instance's heartbeat channel,
 * publishes a heartbeat through every primary each `heartbeatMs`, and proves the feed up to the
 * oldest heartbeat that came back across all current primaries.
 */
class Subscription {
  private readonly heartbeatChannel: string;
  private readonly invalidations: string;
  /** Latest send time of a heartbeat received back, per primary name. */
  private readonly received = new Map<string, number>();
  /** Primaries the last heartbeat was sent through: each must prove itself. */
  private expected: string[] = [];
  /** Heartbeats sent before this instant prove nothing (the subscription changed since). */
  private validFrom = 0;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly listeners: Array<[emitter: RedisClient, event: string, handler: (...args: never[]) => void]> = [];
  private readonly onError: (operation: string, error: unknown) => void;
  private closed = false;

  constructor(
    private readonly client: RedisClient,
    private readonly subscriber: RedisClient,
    keyPrefix: string,
    private readonly listener: InvalidationListener,
    onError: (error: unknown) => void,
    heartbeatMs: number,
  ) {
    // As the store's own commands report theirs (toStoreError): ioredis puts a failed command's
    // arguments on the error (`command.args`), and only the class, message and code may pass on.
    this.onError = (operation, error) => onError(toStoreError(`invalidation channel: ${operation}`, error));
    this.invalidations = invalidationChannel(keyPrefix);
    this.heartbeatChannel = `${keyPrefix}heartbeat:${randomBytes(6).toString('base64url')}`;
    this.listen(subscriber, 'message', (channel: string, message: string) => this.onMessage(channel, message));
    for (const event of SUBSCRIBER_LOSSES) this.listen(subscriber, event, () => this.lose());
    // A primary added, removed or failing on the command side changes which heartbeats prove what.
    if (isCluster(client)) for (const event of TOPOLOGY_LOSSES) this.listen(client, event, () => this.lose());
    this.listen(subscriber, 'ready', () => this.beat());
    hold(subscriber, this.invalidations);
    (subscriber as Redis).subscribe(this.invalidations, this.heartbeatChannel).then(
      () => this.beat(),
      (error: unknown) => {
        this.lose();
        this.onError('SUBSCRIBE', error);
      },
    );
    this.timer = setInterval(() => this.beat(), heartbeatMs);
    // The channel must never keep a process alive.
    this.timer.unref?.();
  }

  private listen(emitter: RedisClient, event: string, handler: (...args: never[]) => void): void {
    emitter.on(event, handler as (...args: unknown[]) => void);
    this.listeners.push([emitter, event, handler]);
  }

  private beat(): void {
    if (this.closed) return;
    const targets = primaries(this.client);
    this.expected = targets.map((t) => t.name);
    const sentAt = performance.now();
    // Sent by the command client through each primary, received by the subscriber: the whole path
    // every invalidation takes, so a heartbeat back proves every earlier invalidation was delivered.
    for (const { name, node } of targets) {
      node.publish(this.heartbeatChannel, `${name} ${sentAt}`).catch((error: unknown) => {
        if (!this.closed) this.onError('heartbeat', error);
      });
    }
  }

  private onMessage(channel: string, message: string): void {
    if (this.closed) return;
    if (channel === this.heartbeatChannel) this.onHeartbeat(message);
    else if (channel === this.invalidations) this.listener.invalidate(parseHashes(message));
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
    if (oldest !== -Infinity) this.listener.proven(oldest);
  }

  private lose(): void {
    if (this.closed) return;
    this.validFrom = performance.now();
    this.received.clear();
    this.listener.lost();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const [emitter, event, handler] of this.listeners) emitter.off(event, handler as (...args: unknown[]) => void);
    const channels = release(this.subscriber, this.invalidations) ? [this.invalidations, this.heartbeatChannel] : [this.heartbeatChannel];
    // A stalled subscriber without a commandTimeout never answers: wait for it at most CLOSE_TIMEOUT_MS.
    const unsubscribed = (this.subscriber as Redis).unsubscribe(...channels).catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([unsubscribed, new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS)))]);
    clearTimeout(timer);
  }
}

/**
 * The Redis store's invalidation channel for core's opt-in lookup cache:
 * `createKeyward({ store: redisStore({ client }), cache: { channel: redisInvalidations({ client, subscriber }) } })`.
 *
 * - The store's deleting Lua script PUBLISHes the deleted hashes on `<keyPrefix>invalidate` in
 *   the same atomic step as the deletion, so Redis cannot delete without announcing it, even if
 *   the reply is lost. Each message becomes `invalidate(hashes)` (`invalidate(null)` when it
 *   cannot be read).
 * - Every `heartbeatMs` a heartbeat carrying its send time is published through each primary of
 *   `client` (each Cluster master: invalidations come from any of them) on a channel of this
 *   instance, and `proven(sentAt)` reports the oldest one that came back across all current
 *   primaries. Pub/sub delivery on a connection is ordered, so it proves that every invalidation
 *   published before then has been delivered.
 * - Any sign the subscription broke or moved (the subscriber closing, ending, reconnecting or
 *   failing, a Cluster topology event on either client, a failed SUBSCRIBE) reports `lost()`;
 *   only heartbeats sent after it prove anything again.
 *
 * It cannot run in Cloudflare Workers (workerd): the subscription needs a connection that outlives
 * the request that opened it, and workerd delivers nothing on a request's socket once that request
 * has ended. There it throws at construction; leave `cache` off (verification is one `HMGET`).
 *
 * @throws ConfigurationError naming the offending option (`subscriber` must be a second client), and in workerd
 * @example
 * const client = new Redis({ maxRetriesPerRequest: 1, commandTimeout: 1000 });
 * const subscriber = new Redis({ maxRetriesPerRequest: 1 });
 * const keyward = createKeyward({
 *   store: redisStore({ client }),
 *   resolveProject,
 *   cache: { channel: redisInvalidations({ client, subscriber }), maxStalenessMs: 1000 },
 * });
 */
export function redisInvalidations(options: RedisInvalidationsOptions): InvalidationChannel {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('redisInvalidations(options): options must be an object such as { client, subscriber }');
  }
  if (inWorkerd()) {
    throw new ConfigurationError(
      `redisInvalidations: cannot run in Cloudflare Workers, so the cache option of createKeyward cannot use it there. SUBSCRIBE needs a connection that outlives a request, and workerd ties every connection to the request that opened it: invalidations published after that request ends are never delivered. Leave cache off (each verification is one HMGET); see ${WORKERS_DOCS}`,
    );
  }
  const { client, subscriber } = options;
  if (!isClient(client)) throw new ConfigurationError('redisInvalidations: client must be an ioredis client (the one given to redisStore)');
  const looksLikeClient = typeof subscriber === 'object' && subscriber !== null && typeof subscriber.subscribe === 'function' && typeof subscriber.on === 'function';
  if (!looksLikeClient) throw new ConfigurationError('redisInvalidations: subscriber must be an ioredis client (a second connection, used only to subscribe)');
  if ((subscriber as unknown) === (client as unknown)) {
    throw new ConfigurationError('redisInvalidations: subscriber must be a second client, not client: a subscribed connection cannot run the store\'s commands');
  }
  const keyPrefix = resolveKeyPrefix(options.keyPrefix ?? DEFAULT_KEY_PREFIX, 'redisInvalidations: keyPrefix');
  return {
    subscribe(listener, { heartbeatMs, onError }) {
      return new Subscription(client, subscriber, keyPrefix, listener, onError, heartbeatMs);
    },
  };
}
