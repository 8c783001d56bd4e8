import { LookupCache, resolveCacheOptions, type CacheOptions } from './cache.js';
import { ConfigurationError } from './errors.js';
import type { KeywardEvent } from './events.js';
import { assertStoreCarries, storeFeatures, type StoreFeatures } from './features.js';
import { createHasher, type PepperOptions, type TokenHasher } from './hash.js';
import { resolveRateLimits, type RateLimitsOptions, type ResolvedRateLimits } from './limits.js';
import { resolvePermissionCatalog, type PermissionCatalog, type PermissionInfo } from './permissions.js';
import { checkedResolver } from './project-resolver.js';
import type { ProjectInfo } from './scope.js';
import type { MaybePromise, TokenStore } from './store.js';
import { DEFAULT_PREFIX, assertValidPrefix } from './token-format.js';

export interface KeywardOptions {
  /** Where tokens live: `memoryStore()`, `sqliteStore({ db })`, `redisStore({ client })` or your own. */
  store: TokenStore;
  /**
   * Looks a project up in the host app; null when it does not exist. Called on create, list, and
   * for organization tokens on project routes. Anything else it returns is reported to `onError`
   * and treated as no such project.
   */
  resolveProject: (projectId: string) => MaybePromise<ProjectInfo | null>;
  /** Token prefix, `[a-z][a-z0-9]{0,15}`. Default `kw`. */
  prefix?: string;
  /**
   * The permissions a token can be granted, each `resource:action` (lowercase) with a description
   * for the settings page, e.g. `{ 'builds:read': 'Read builds' }`. When set, every new token is
   * created with a non-empty subset, and guards can require some. Default: none (tokens carry no
   * permissions; only the scope is checked).
   */
  permissions?: PermissionCatalog;
  /** Server-side secret mixed into hashes (HMAC-SHA-256); `previous` peppers keep verifying during rotation. */
  pepper?: string | PepperOptions;
  /**
   * At most one last-used write per token per this many ms; a stored "last used" trails the latest
   * use by less than this. Default 60 000.
   */
  lastUsedIntervalMs?: number;
  /**
   * How long last-used updates wait to be batched, in ms. Default min(1000, lastUsedIntervalMs).
   * A process that dies without `close()` (SIGKILL, a crash) loses the updates queued within this
   * window (and a batch being written): those tokens keep their previous "last used".
   */
  lastUsedFlushDelayMs?: number;
  /**
   * The longest `close()` waits for each of its steps, in ms: writing the pending last-used
   * updates and usage counts, closing the cache's channel, closing the store. A step still
   * unfinished then (a store on a silent connection) is given up on and reported to `onError` as a
   * CloseTimeoutError, which says how many updates and counts were dropped; close() resolves.
   * Default 5000.
   */
  closeTimeoutMs?: number;
  /** Clock, epoch ms. Inject one in tests. Default `Date.now`. */
  now?: () => number;
  /** Audit hook: called after each token is created or deleted. Events never carry the plaintext. */
  onEvent?: (event: KeywardEvent) => void;
  /** Called when something off the request path fails (a last-used flush, an onEvent hook, a cache heartbeat, a step of close() that timed out). Default: console.error. */
  onError?: (error: unknown) => void;
  /**
   * Opt-in in-process cache of lookups, for stores with an invalidation channel (Redis,
   * PostgreSQL). Answers from memory while the channel proves every deletion reached this
   * process; never more than `maxStalenessMs` behind a `delete()`. Off by default.
   */
  cache?: CacheOptions;
  /**
   * Per-token rate limits: a default for new tokens, a maximum, and what happens when the
   * limiter's backend is down (default: refuse, 503). Needs a store with a rate limiter (every
   * keyward store has one); tokens may carry their own `rateLimit` without this option.
   */
  rateLimits?: RateLimitsOptions;
  /**
   * The audit trail (one entry per management action, stored atomically with it). Default: on
   * when the store carries it. `true` or an object requires it (ConfigurationError otherwise);
   * `false` turns it off. `retentionDays` (default 400) is what `pruneHistory()` keeps.
   */
  audit?: boolean | { retentionDays?: number };
  /**
   * Daily usage counts per token, batched off the request path. Default: on when the store
   * carries it. `true` or an object requires it; `false` turns it off. `retentionDays` (default 90)
   * is what `pruneHistory()` keeps; at most one write per `flushIntervalMs` (default 10 000).
   */
  usage?: boolean | { retentionDays?: number; flushIntervalMs?: number };
}

/** Whether each contract v3 feature is on for this instance. */
export type EnabledFeatures = StoreFeatures;

/** The options with defaults applied and every value checked. */
export interface ResolvedOptions {
  store: TokenStore;
  resolveProject: (projectId: string) => MaybePromise<ProjectInfo | null>;
  prefix: string;
  /** The catalog sorted by name, or undefined when the host declared none. */
  permissions: readonly PermissionInfo[] | undefined;
  hasher: TokenHasher;
  lastUsedIntervalMs: number;
  lastUsedFlushDelayMs: number;
  closeTimeoutMs: number;
  now: () => number;
  onEvent: ((event: KeywardEvent) => void) | undefined;
  onError: (error: unknown) => void;
  cache: LookupCache | undefined;
  /** What is on: the store's features, less those turned off. */
  features: EnabledFeatures;
  rateLimits: ResolvedRateLimits;
  auditRetentionDays: number;
  usageRetentionDays: number;
  usageFlushIntervalMs: number;
}

const STORE_METHODS = ['insert', 'findByHash', 'get', 'list', 'deleteMany', 'deleteByProject', 'deleteExpired', 'touch', 'roll', 'update', 'listExpiring'] as const;

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new ConfigurationError(`${name} must be a non-negative integer (ms), got ${String(value)}`);
  return value;
}

function optionalFunction<F>(value: F | undefined, name: string, what: string): F | undefined {
  if (value !== undefined && typeof value !== 'function') throw new ConfigurationError(`${name} must be ${what}`);
  return value;
}

function positive(value: unknown, name: string, fallback: number, unit: string): number {
  const chosen = value ?? fallback;
  if (!Number.isSafeInteger(chosen) || (chosen as number) < 1) throw new ConfigurationError(`${name} must be a positive integer (${unit}), got ${String(value)}`);
  return chosen as number;
}

/** One optional feature's switch: off, on when the store carries it (default), or required. */
function featureSwitch(value: unknown, name: string): 'off' | 'auto' | 'required' {
  if (value === undefined) return 'auto';
  if (value === false) return 'off';
  if (value === true || (typeof value === 'object' && value !== null)) return 'required';
  throw new ConfigurationError(`${name} must be true, false or an options object, got ${JSON.stringify(value)}`);
}

/** The v3 features this instance runs, refusing at startup (by name) one the host asked for that the store cannot carry. */
function resolveFeatures(options: KeywardOptions): EnabledFeatures {
  const carried = storeFeatures(options.store);
  if (options.rateLimits !== undefined) assertStoreCarries(options.store, 'rateLimits', 'rateLimits');
  const audit = featureSwitch(options.audit, 'audit');
  if (audit === 'required') assertStoreCarries(options.store, 'audit', 'audit');
  const usage = featureSwitch(options.usage, 'usage');
  if (usage === 'required') assertStoreCarries(options.store, 'usage', 'usage');
  return Object.freeze({ ...carried, audit: audit !== 'off' && carried.audit, usage: usage !== 'off' && carried.usage });
}

/**
 * Checks `createKeyward()` options once, at startup: bad configuration throws ConfigurationError
 * naming the option, never a request later.
 * @example resolveOptions({ store: memoryStore(), resolveProject: () => null }).prefix // 'kw'
 */
export function resolveOptions(options: KeywardOptions): ResolvedOptions {
  if (!options || typeof options !== 'object') throw new ConfigurationError('createKeyward(options): options must be an object');
  if (!options.store || typeof options.store.findByHash !== 'function') {
    throw new ConfigurationError('store must be a TokenStore, e.g. memoryStore()');
  }
  // A store written for an older contract would fail on its first roll or rename; say so now.
  const missing = STORE_METHODS.filter((method) => typeof options.store[method] !== 'function');
  if (missing.length > 0) throw new ConfigurationError(`store lacks TokenStore method(s) ${missing.join(', ')}: upgrade the store package`);
  if (typeof options.resolveProject !== 'function') {
    throw new ConfigurationError('resolveProject must be a function (projectId) => { id, organizationId, name } | null');
  }
  const interval = nonNegativeInteger(options.lastUsedIntervalMs ?? 60_000, 'lastUsedIntervalMs');
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  assertValidPrefix(prefix);
  const onError = optionalFunction(options.onError, 'onError', 'a function (error) => void') ?? ((error: unknown) => console.error('[keyward]', error));
  // Checked before anything is started, so bad options never leave a subscription behind.
  const cache = options.cache === undefined ? undefined : resolveCacheOptions(options.cache);
  const hasher = createHasher(options.pepper);
  const features = resolveFeatures(options);
  const rateLimits = resolveRateLimits(options.rateLimits);
  const audit = typeof options.audit === 'object' ? options.audit : {};
  const usage = typeof options.usage === 'object' ? options.usage : {};
  return {
    features,
    rateLimits,
    auditRetentionDays: positive(audit.retentionDays, 'audit.retentionDays', 400, 'days'),
    usageRetentionDays: positive(usage.retentionDays, 'usage.retentionDays', 90, 'days'),
    usageFlushIntervalMs: positive(usage.flushIntervalMs, 'usage.flushIntervalMs', 10_000, 'ms'),
    store: options.store,
    // Held to its contract: a host resolver that returns anything but a project or null is reported, and refused.
    resolveProject: checkedResolver(options.resolveProject, onError),
    prefix,
    permissions: resolvePermissionCatalog(options.permissions),
    hasher,
    lastUsedIntervalMs: interval,
    lastUsedFlushDelayMs: nonNegativeInteger(options.lastUsedFlushDelayMs ?? Math.min(1000, interval), 'lastUsedFlushDelayMs'),
    closeTimeoutMs: positive(options.closeTimeoutMs, 'closeTimeoutMs', 5000, 'ms'),
    now: optionalFunction(options.now, 'now', 'a function returning epoch ms') ?? Date.now,
    onEvent: optionalFunction(options.onEvent, 'onEvent', 'a function (event) => void'),
    onError,
    cache: cache && new LookupCache(cache, onError),
  };
}
