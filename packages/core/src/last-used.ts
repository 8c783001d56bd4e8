import type { LastUsedUpdate, TokenRecord, TokenStore } from './store.js';

/**
 * Coalesces "last used" writes so verification never waits on them: at most one store write per
 * token per `intervalMs`, sent in a batch `flushDelayMs` after the use that queued it. A use within
 * `intervalMs` of the last one queued is not written, so the stored time trails the latest use by
 * less than `intervalMs`.
 *
 * What a crash loses: a process that dies without `close()` loses the writes still pending, i.e.
 * the uses queued within the last `flushDelayMs` (plus a batch being written at that instant);
 * while the store refuses writes, everything since the last successful flush (retries back off up
 * to `RETRY_CAP_MS` apart). Such a token keeps its previous time, or none. Never a token.
 */
export class LastUsedRecorder {
  /** Writes waiting for the next flush, by token id. */
  private pending = new Map<string, LastUsedUpdate>();
  /** When this process last queued a write for a token, by token id. */
  private lastQueued = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> | undefined;
  /** Set by stop(): no more timed flushes, even to retry a failed one (close() flushes once itself). */
  private stopped = false;
  /** Timed flushes that failed in a row; each one doubles the wait before the next (see `delay`). */
  private failures = 0;

  constructor(
    private readonly store: TokenStore,
    private readonly intervalMs: number,
    private readonly flushDelayMs: number,
    private readonly onFlushError: (error: unknown) => void,
  ) {}

  /**
   * Notes a successful use of `record` at `now` (epoch ms: the verification's own clock read, so
   * a request reads the clock once). Synchronous; allocation-free for a busy token.
   */
  use(record: TokenRecord, now: number): void {
    // The steady state of a busy token: the store already has a recent enough value.
    if (record.lastUsedAt !== null && now - record.lastUsedAt < this.intervalMs) return;
    const queued = this.pending.get(record.id);
    if (queued) {
      if (now > queued.lastUsedAt) queued.lastUsedAt = now;
      return;
    }
    const seen = Math.max(this.lastQueued.get(record.id) ?? -Infinity, record.lastUsedAt ?? -Infinity);
    if (now - seen < this.intervalMs) return;
    this.lastQueued.set(record.id, now);
    this.pending.set(record.id, { id: record.id, organizationId: record.organizationId, lastUsedAt: now });
    this.schedule();
  }

  /**
   * Wait before the next timed flush: `flushDelayMs`, or after failures an exponential backoff
   * (2, 4, 8… × max(flushDelayMs, 100 ms), at most RETRY_CAP_MS), so a store that cannot write
   * (another process holding an SQLite lock, Redis down) is not hammered while it recovers.
   */
  private delay(): number {
    if (this.failures === 0) return this.flushDelayMs;
    return Math.min(LastUsedRecorder.RETRY_CAP_MS, Math.max(this.flushDelayMs, 100) * 2 ** this.failures);
  }

  /** The longest wait between timed flushes after failures, in ms. */
  static readonly RETRY_CAP_MS = 30_000;

  private schedule(): void {
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(this.onFlushError);
    }, this.delay());
    // A pending last-used write must not keep a process alive; close() flushes it.
    this.timer.unref?.();
  }

  /** Writes every pending update now. Failed writes go back in the queue for the next flush. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    // Through a promise, so a custom store's touch() that throws synchronously is retried like a rejection.
    this.flushing = Promise.resolve(batch).then((updates) => this.store.touch(updates)).then(
      () => {
        this.failures = 0;
        this.forgetOlderThan(Math.min(...batch.map((u) => u.lastUsedAt)) - this.intervalMs);
      },
      (error: unknown) => {
        // Back in the queue, one entry per token (a newer use queued meanwhile wins), so the
        // queue stays bounded by the number of distinct tokens however long the store is down.
        for (const update of batch) {
          const newer = this.pending.get(update.id);
          if (!newer) this.pending.set(update.id, update);
        }
        this.failures++;
        // A use recorded meanwhile may have set a timer at the normal delay: back off instead.
        clearTimeout(this.timer);
        this.timer = undefined;
        this.schedule();
        throw error;
      },
    );
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  /** Drops bookkeeping for tokens not queued since `cutoff`, so the map stays as small as the active set. */
  private forgetOlderThan(cutoff: number): void {
    for (const [id, at] of this.lastQueued) if (at < cutoff) this.lastQueued.delete(id);
  }

  /** No more timed flushes; `close()` flushes once itself. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
