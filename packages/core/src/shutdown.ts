import type { BatchedFlusher } from './batched-flusher.js';
import type { LookupCache } from './cache.js';
import { CloseTimeoutError } from './errors.js';
import { settleWithin } from './settle-within.js';
import { toStoreError } from './store-errors.js';
import type { TokenStore } from './store.js';

/** A recorder's part in close(): its final flush, and how much of it is not written. */
type Recorder = Pick<BatchedFlusher<unknown>, 'flush' | 'stop' | 'unwritten'>;

/** What `keyward.close()` winds down, and how. */
export interface ShutdownParts {
  lastUsed: Recorder;
  usage: Recorder | undefined;
  cache: LookupCache | undefined;
  store: TokenStore;
  /** The longest each step is waited for, ms (`closeTimeoutMs`). */
  timeoutMs: number;
  onError: (error: unknown) => void;
  /** Called once the final writes are done or given up on: from then on the instance refuses calls. */
  writesSettled: () => void;
}

/**
 * `keyward.close()`: writes the pending last-used updates and usage counts, then closes the
 * cache's channel, then the store, waiting at most `timeoutMs` for each step, so a store or
 * channel on a silent connection cannot hold up shutdown. Every step runs whatever the one before
 * it did.
 *
 * - A step that runs out of time is reported to `onError` as a CloseTimeoutError (for the writes:
 *   how many last-used updates and usage counts were dropped), and close() resolves: nothing is
 *   known to have failed, and the host's shutdown must go on.
 * - A store that refuses the final writes, or whose close() fails, makes close() reject with its
 *   error (StoreUnavailableError or StoreFailedError, the writes' error first), after every step
 *   ran: as any failed store call does, it tells the caller that data did not reach the store.
 *   A second failure is reported to `onError`. Nothing is retried afterwards.
 * @example await shutDown({ lastUsed, usage, cache, store, timeoutMs: 5000, onError, writesSettled: () => (closed = true) });
 */
export async function shutDown(parts: ShutdownParts): Promise<void> {
  const { lastUsed, usage, cache, store, timeoutMs, onError } = parts;
  lastUsed.stop();
  usage?.stop();
  const writes = await settleWithin(() => Promise.all([lastUsed.flush(), usage?.flush()]), timeoutMs);
  if (writes.outcome === 'timed out') {
    onError(new CloseTimeoutError('writes', timeoutMs, { lastUsedUpdates: lastUsed.unwritten(), usageCounts: usage?.unwritten() ?? 0 }));
  }
  parts.writesSettled();
  await cache?.close(timeoutMs);
  const closed = await settleWithin(() => store.close?.(), timeoutMs);
  if (closed.outcome === 'timed out') onError(new CloseTimeoutError('store', timeoutMs));
  const failures = [writes, closed].flatMap((step) => (step.outcome === 'failed' ? [toStoreError(step.error)] : []));
  for (const later of failures.slice(1)) onError(later);
  if (failures[0] !== undefined) throw failures[0];
}
