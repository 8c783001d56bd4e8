import { DAY_MS } from './expiry.js';
import { fromStore } from './store-errors.js';
import { USAGE_REFUSAL_CODES, type TokenRecord, type UsageCount, type UsageDay, type UsageRefusalCode, type UsageStore } from './store.js';
import type { UsageCounter } from './verify.js';

/** The most days `usage()` reads back. */
export const MAX_USAGE_DAYS = 400;

/**
 * The UTC calendar day (`YYYY-MM-DD`) of day number `day` (days since 1970-01-01).
 * @example dayString(20454) // '2026-01-01'
 */
export function dayString(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Counts of one token on one day, as they accumulate between flushes. */
interface Pending {
  tokenId: string;
  organizationId: string;
  /** Day number (UTC). */
  day: number;
  accepted: number;
  refused: Partial<Record<UsageRefusalCode, number>>;
}

function toCount(pending: Pending): UsageCount {
  return { tokenId: pending.tokenId, organizationId: pending.organizationId, day: dayString(pending.day), accepted: pending.accepted, refused: { ...pending.refused } };
}

/**
 * Counts verifications per token and UTC day in memory and writes them in one batch per
 * `flushIntervalMs` (`addUsage`, an atomic increment per row), so the request path never waits on
 * a store: a busy token costs a map lookup and an increment. A failed batch goes back into the
 * counts for the next flush; a crash loses at most one interval of counts.
 */
export class UsageRecorder implements UsageCounter {
  /** Counts of the current day, by token id. */
  private pending = new Map<string, Pending>();
  /** Counts of earlier days not yet written (a token used across midnight). */
  private sealed: Pending[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: UsageStore,
    private readonly flushIntervalMs: number,
    private readonly onFlushError: (error: unknown) => void,
    /** Told to the store with each batch (a store may let counts expire some time after it). */
    private readonly retentionDays: number,
  ) {}

  count(record: TokenRecord, now: number, refusal: UsageRefusalCode | null): void {
    const day = Math.floor(now / DAY_MS);
    let entry = this.pending.get(record.id);
    if (entry === undefined || entry.day !== day) {
      if (entry !== undefined) this.sealed.push(entry);
      entry = { tokenId: record.id, organizationId: record.organizationId, day, accepted: 0, refused: {} };
      this.pending.set(record.id, entry);
      this.schedule();
    }
    if (refusal === null) entry.accepted++;
    else entry.refused[refusal] = (entry.refused[refusal] ?? 0) + 1;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(this.onFlushError);
    }, this.flushIntervalMs);
    // Pending counts must not keep a process alive; close() flushes them.
    this.timer.unref?.();
  }

  /** Writes every pending count now. A failed batch is added back for the next flush. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0 && this.sealed.length === 0) return;
    const batch = [...this.sealed, ...this.pending.values()];
    this.sealed = [];
    this.pending = new Map();
    this.flushing = Promise.resolve(batch.map(toCount)).then(
      (counts) => this.store.addUsage(counts, { retentionDays: this.retentionDays }),
    ).then(
      () => undefined,
      (error: unknown) => {
        for (const entry of batch) this.restore(entry);
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

  /** Adds a failed batch's counts back, merged with what was counted since. */
  private restore(entry: Pending): void {
    const current = this.pending.get(entry.tokenId);
    if (current === undefined || current.day !== entry.day) {
      this.sealed.push(entry);
      return;
    }
    current.accepted += entry.accepted;
    for (const code of USAGE_REFUSAL_CODES) {
      const n = entry.refused[code];
      if (n !== undefined) current.refused[code] = (current.refused[code] ?? 0) + n;
    }
  }

  /** No more timed flushes; `close()` flushes once itself. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** A token's or an organization's usage over the last days, oldest day first, every day present. */
export interface UsageReport {
  /** The token, or null for the organization's total. */
  tokenId: string | null;
  days: UsageDay[];
  /** The sums over `days`. */
  total: Omit<UsageDay, 'day'>;
}

/**
 * Zero of every refusal code.
 * @example zeroRefusals().RATE_LIMITED // 0
 */
export function zeroRefusals(): Record<UsageRefusalCode, number> {
  return { DISABLED: 0, EXPIRED: 0, SCOPE_DENIED: 0, PERMISSION_DENIED: 0, RATE_LIMITED: 0, USAGE_EXHAUSTED: 0 };
}

/**
 * Reads `days` UTC days of counts up to and including today (at `now`), with a zero row for each
 * day without any, and their total.
 * @example await readUsageReport(store, 'org_1', 'tok_1', 30, Date.now())
 */
export async function readUsageReport(store: UsageStore, organizationId: string, tokenId: string | null, days: number, now: number): Promise<UsageReport> {
  const today = Math.floor(now / DAY_MS);
  const fromDay = dayString(today - days + 1);
  const toDay = dayString(today);
  const rows = await fromStore(() => store.readUsage(organizationId, { tokenId, fromDay, toDay }));
  const byDay = new Map(rows.map((row) => [row.day, row]));
  const total: Omit<UsageDay, 'day'> = { accepted: 0, refused: zeroRefusals() };
  const report: UsageDay[] = [];
  for (let day = today - days + 1; day <= today; day++) {
    const key = dayString(day);
    const row = byDay.get(key);
    const entry: UsageDay = { day: key, accepted: row?.accepted ?? 0, refused: { ...zeroRefusals(), ...row?.refused } };
    total.accepted += entry.accepted;
    for (const code of USAGE_REFUSAL_CODES) total.refused[code] += entry.refused[code];
    report.push(entry);
  }
  return { tokenId, days: report, total };
}
