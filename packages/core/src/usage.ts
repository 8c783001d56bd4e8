import { BatchedFlusher } from './batched-flusher.js';
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
export interface PendingUsage {
  tokenId: string;
  organizationId: string;
  /** Day number (UTC). */
  day: number;
  accepted: number;
  refused: Partial<Record<UsageRefusalCode, number>>;
}

function toCount(pending: PendingUsage): UsageCount {
  return { tokenId: pending.tokenId, organizationId: pending.organizationId, day: dayString(pending.day), accepted: pending.accepted, refused: { ...pending.refused } };
}

/**
 * Counts verifications per token and UTC day in memory and writes them in one batch per
 * `flushIntervalMs` (`addUsage`, an atomic increment per row), so the request path never waits on
 * a store: a busy token costs a map lookup and an increment. A failed batch goes back into the
 * counts for the next flush (retried with backoff: batched-flusher.ts); a crash loses at most one
 * interval of counts, and so does a `close()` whose store does not answer within `closeTimeoutMs`
 * (it reports how many counts to `onError`).
 */
export class UsageRecorder extends BatchedFlusher<PendingUsage> implements UsageCounter {
  /** Counts of the current day, by token id. */
  private pending = new Map<string, PendingUsage>();
  /** Counts of earlier days not yet written (a token used across midnight). */
  private sealed: PendingUsage[] = [];

  constructor(
    private readonly store: UsageStore,
    flushIntervalMs: number,
    onFlushError: (error: unknown) => void,
    /** Told to the store with each batch (a store may let counts expire some time after it). */
    private readonly retentionDays: number,
  ) {
    super(flushIntervalMs, onFlushError);
  }

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

  /** Rows waiting: one per token and day. */
  protected queued(): number {
    return this.pending.size + this.sealed.length;
  }

  protected take(): PendingUsage[] {
    const batch = [...this.sealed, ...this.pending.values()];
    this.sealed = [];
    this.pending = new Map();
    return batch;
  }

  protected write(batch: readonly PendingUsage[]): Promise<void> {
    return this.store.addUsage(batch.map(toCount), { retentionDays: this.retentionDays });
  }

  /** Adds a failed batch's counts back, merged with what was counted since. */
  protected restore(batch: readonly PendingUsage[]): void {
    for (const entry of batch) {
      const current = this.pending.get(entry.tokenId);
      if (current === undefined || current.day !== entry.day) {
        this.sealed.push(entry);
        continue;
      }
      current.accepted += entry.accepted;
      for (const code of USAGE_REFUSAL_CODES) {
        const n = entry.refused[code];
        if (n !== undefined) current.refused[code] = (current.refused[code] ?? 0) + n;
      }
    }
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
