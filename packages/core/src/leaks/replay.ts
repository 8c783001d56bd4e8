import type { MaybePromise } from '../store.js';

/**
 * Remembers reports already taken, so a captured request replayed later is refused. GitHub's
 * reports carry no timestamp or nonce, so this is the only replay defence there is.
 * `claim` must be atomic (of two concurrent claims of one key, one wins): a shared implementation
 * (e.g. Redis `SET key 1 NX PX ttl`) extends the defence across instances.
 */
export interface ReplayGuard {
  /** True if `key` was not claimed within the last `ttlMs` (and claims it now); false for a repeat. */
  claim(key: string, ttlMs: number): MaybePromise<boolean>;
  /** Forgets a claim, so that GitHub's retry of a report that failed (503) is taken. */
  release(key: string): MaybePromise<void>;
}

/**
 * The default `ReplayGuard`: one process's memory, at most `maxEntries` keys. Limits: instances do
 * not share it (a replay sent to another instance is taken there), a restart forgets it, and past
 * `maxEntries` reports within the window the oldest are forgotten first.
 * @example
 * const guard = memoryReplayGuard();
 * guard.claim('ab12…', 600_000) // true, then false for the same key
 */
export function memoryReplayGuard(options: { maxEntries?: number; now?: () => number } = {}): ReplayGuard {
  const maxEntries = options.maxEntries ?? 100_000;
  const now = options.now ?? Date.now;
  // Insertion order is claim order; with one window for all keys, that is also expiry order.
  const claims = new Map<string, number>();
  return {
    claim(key, ttlMs) {
      const at = now();
      for (const [old, expiresAt] of claims) {
        if (expiresAt > at && claims.size < maxEntries) break;
        claims.delete(old);
      }
      const expiresAt = claims.get(key);
      if (expiresAt !== undefined && expiresAt > at) return false;
      claims.delete(key);
      claims.set(key, at + ttlMs);
      return true;
    },
    release(key) {
      claims.delete(key);
    },
  };
}
