import type { LastUsedUpdate, TokenRecord, TokenStore } from './store.js';

/**
 * Coalesces "last used" writes so verification never waits on them: at most one store write per
 * token per `intervalMs`, sent in batches a moment later. A crash loses at most one interval of
 * last-used precision, never a token.
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

  /** @param clock the instance's clock, epoch ms. */
  constructor(
    private readonly store: TokenStore,
    private readonly intervalMs: number,
    private readonly flushDelayMs: number,
    private readonly onFlushError: (error: unknown) => void,
    private readonly clock: () => number,
  ) {}

  /** Notes a successful use of `record` now. Synchronous; allocation-free for a busy token. */
  use(record: TokenRecord): void {
    const now = this.clock();
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

  private schedule(): void {
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(this.onFlushError);
    }, this.flushDelayMs);
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
      () => this.forgetOlderThan(Math.min(...batch.map((u) => u.lastUsedAt)) - this.intervalMs),
      (error: unknown) => {
        for (const update of batch) {
          const newer = this.pending.get(update.id);
          if (!newer) this.pending.set(update.id, update);
        }
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
