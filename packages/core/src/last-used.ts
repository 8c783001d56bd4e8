import { BatchedFlusher } from './batched-flusher.js';
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
 * to `RETRY_CAP_MS` apart: batched-flusher.ts). Such a token keeps its previous time, or none.
 * Never a token. A `close()` whose store does not answer within `closeTimeoutMs` loses what is
 * pending too, and reports how many updates to `onError`.
 */
export class LastUsedRecorder extends BatchedFlusher<LastUsedUpdate> {
  /** Writes waiting for the next flush, by token id. */
  private pending = new Map<string, LastUsedUpdate>();
  /** When this process last queued a write for a token, by token id. */
  private lastQueued = new Map<string, number>();

  constructor(
    private readonly store: TokenStore,
    private readonly intervalMs: number,
    flushDelayMs: number,
    onFlushError: (error: unknown) => void,
  ) {
    super(flushDelayMs, onFlushError);
  }

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

  protected queued(): number {
    return this.pending.size;
  }

  protected take(): LastUsedUpdate[] {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    return batch;
  }

  protected write(updates: readonly LastUsedUpdate[]): Promise<void> {
    return this.store.touch(updates);
  }

  /** One entry per token (a newer use queued meanwhile wins). */
  protected restore(updates: readonly LastUsedUpdate[]): void {
    for (const update of updates) if (!this.pending.has(update.id)) this.pending.set(update.id, update);
  }

  /** Drops bookkeeping for tokens not queued since the batch's oldest use, so the map stays as small as the active set. */
  protected override written(updates: readonly LastUsedUpdate[]): void {
    const cutoff = Math.min(...updates.map((u) => u.lastUsedAt)) - this.intervalMs;
    for (const [id, at] of this.lastQueued) if (at < cutoff) this.lastQueued.delete(id);
  }
}
