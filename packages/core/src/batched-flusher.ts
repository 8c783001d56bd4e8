import type { MaybePromise } from './store.js';

/** The longest wait between timed flushes after failures, in ms. */
export const RETRY_CAP_MS = 30_000;

/**
 * The write side of a recorder that batches store writes off the request path (last-used times,
 * usage counts): one timed flush `delayMs` after the first entry queued, one flush in flight at a
 * time, a failed batch put back and retried with exponential backoff, and no timer that keeps a
 * process alive. A subclass holds the queue: it says how many entries wait, takes them, writes
 * them and puts a failed batch back.
 * @example
 * class Recorder extends BatchedFlusher<Entry> { note(e: Entry) { this.queue.push(e); this.schedule(); } … }
 */
export abstract class BatchedFlusher<T> {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> | undefined;
  /** The batch whose write the store has not answered yet. */
  private inFlight: readonly T[] = [];
  /** Set by stop(): no more timed flushes, even to retry a failed one (close() flushes once itself). */
  private stopped = false;
  /** Flushes that failed in a row; each one doubles the wait before the next (see `delay`). */
  private failures = 0;

  constructor(
    private readonly delayMs: number,
    private readonly onFlushError: (error: unknown) => void,
  ) {}

  /** How many entries wait for the next flush. */
  protected abstract queued(): number;
  /** Takes every waiting entry out of the queue (called only when `queued()` is not 0). */
  protected abstract take(): T[];
  /** Writes one batch to the store. */
  protected abstract write(batch: readonly T[]): MaybePromise<void>;
  /**
   * Puts back a batch whose write failed, merged with what was queued since, so the queue stays
   * bounded by the number of distinct keys however long the store is down.
   */
  protected abstract restore(batch: readonly T[]): void;
  /** Called once a batch is written. */
  protected written(_batch: readonly T[]): void {}

  /**
   * Wait before the next timed flush: `delayMs`, or after failures an exponential backoff
   * (2, 4, 8… × max(delayMs, 100 ms), at most RETRY_CAP_MS), so a store that cannot write
   * (another process holding an SQLite lock, Redis down) is not hammered while it recovers.
   */
  private delay(): number {
    if (this.failures === 0) return this.delayMs;
    return Math.min(RETRY_CAP_MS, Math.max(this.delayMs, 100) * 2 ** this.failures);
  }

  /** Sets the timed flush, unless one is set or the flusher is stopped. Call it after queueing an entry. */
  protected schedule(): void {
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(this.onFlushError);
    }, this.delay());
    // Pending writes must not keep a process alive; close() flushes them.
    this.timer.unref?.();
  }

  /** Writes every waiting entry now, after any flush in flight. A failed batch goes back in the queue for the next flush. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queued() === 0) return;
    const batch = this.take();
    this.inFlight = batch;
    // Through a promise, so a custom store that throws synchronously is retried like a rejection.
    this.flushing = Promise.resolve(batch).then((entries) => this.write(entries)).then(
      () => {
        this.inFlight = [];
        this.failures = 0;
        this.written(batch);
      },
      (error: unknown) => {
        this.inFlight = [];
        this.restore(batch);
        this.failures++;
        // An entry queued meanwhile may have set a timer at the normal delay: back off instead.
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

  /** Entries not confirmed written: waiting in the queue, or in a write the store has not answered. */
  unwritten(): number {
    return this.queued() + this.inFlight.length;
  }

  /** No more timed flushes; `close()` flushes once itself. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
