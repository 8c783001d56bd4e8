import { ConfigurationError } from './errors.js';
import type { AuditStore, LimitsStore, RateLimiterStore, TokenStore, UsageStore } from './store.js';

/** A capability of contract v3 that a store may or may not carry. */
export type StoreFeature = 'pause' | 'credits' | 'rateLimits' | 'audit' | 'usage';

/** Which contract v3 part each feature needs, as the methods that prove the store implements it. */
const NEEDS: Record<StoreFeature, readonly string[]> = {
  pause: ['spend'],
  credits: ['spend'],
  rateLimits: ['spend', 'rateLimiter'],
  audit: ['auditLog', 'pruneAudit'],
  usage: ['addUsage', 'readUsage', 'pruneUsage'],
};

/** What each part is called in messages, so a store author knows what to implement. */
const PART: Record<string, string> = {
  spend: 'LimitsStore.spend()',
  rateLimiter: 'RateLimiterStore.rateLimiter()',
  auditLog: 'AuditStore.auditLog()',
  pruneAudit: 'AuditStore.pruneAudit()',
  addUsage: 'UsageStore.addUsage()',
  readUsage: 'UsageStore.readUsage()',
  pruneUsage: 'UsageStore.pruneUsage()',
};

/** The features a store can carry, by feature. */
export type StoreFeatures = Readonly<Record<StoreFeature, boolean>>;

function lacks(store: TokenStore, feature: StoreFeature): string[] {
  return NEEDS[feature].filter((method) => typeof (store as unknown as Record<string, unknown>)[method] !== 'function');
}

/**
 * Which contract v3 features `store` carries, judged by the methods it implements.
 * @example storeFeatures(memoryStore()).rateLimits // true
 */
export function storeFeatures(store: TokenStore): StoreFeatures {
  return Object.freeze({
    pause: lacks(store, 'pause').length === 0,
    credits: lacks(store, 'credits').length === 0,
    rateLimits: lacks(store, 'rateLimits').length === 0,
    audit: lacks(store, 'audit').length === 0,
    usage: lacks(store, 'usage').length === 0,
  });
}

/**
 * Throws ConfigurationError, naming the feature, the option that asked for it and the store parts
 * it lacks, unless `store` carries `feature`. Called at startup for every feature the host turned on.
 * @example assertStoreCarries(myV2Store, 'audit', 'audit') // throws: the store lacks AuditStore.auditLog(), …
 */
export function assertStoreCarries(store: TokenStore, feature: StoreFeature, option: string): void {
  const missing = lacks(store, feature);
  if (missing.length > 0) {
    throw new ConfigurationError(`${option}: this store cannot carry ${feature} (it lacks ${missing.map((m) => PART[m]).join(', ')}); use a store that implements them, or leave ${option} out`);
  }
}

/** The store as its limits part, once `storeFeatures` said it has one. */
export const asLimitsStore = (store: TokenStore): TokenStore & LimitsStore => store as TokenStore & LimitsStore;
/** The store as its rate limiter part. */
export const asRateLimiterStore = (store: TokenStore): TokenStore & RateLimiterStore => store as TokenStore & RateLimiterStore;
/** The store as its audit part. */
export const asAuditStore = (store: TokenStore): TokenStore & AuditStore => store as TokenStore & AuditStore;
/** The store as its usage part. */
export const asUsageStore = (store: TokenStore): TokenStore & UsageStore => store as TokenStore & UsageStore;
