import { USAGE_REFUSAL_CODES, type UsageCount, type UsageDay, type UsageRefusalCode } from './store.js';
import { zeroRefusals } from './usage.js';

type Counts = Omit<UsageDay, 'day'>;

function zero(): Counts {
  return { accepted: 0, refused: zeroRefusals() };
}

function add(into: Counts, from: { accepted: number; refused: Partial<Record<UsageRefusalCode, number>> }): void {
  into.accepted += from.accepted;
  for (const code of USAGE_REFUSAL_CODES) into.refused[code] += from.refused[code] ?? 0;
}

/**
 * The memory store's usage rows: organization → day → token → counts. `add` runs in one
 * synchronous step, so concurrent batches lose and double nothing.
 */
export class MemoryUsage {
  private readonly rows = new Map<string, Map<string, Map<string, Counts>>>();

  add(counts: readonly UsageCount[]): void {
    for (const count of counts) {
      let days = this.rows.get(count.organizationId);
      if (days === undefined) this.rows.set(count.organizationId, (days = new Map()));
      let tokens = days.get(count.day);
      if (tokens === undefined) days.set(count.day, (tokens = new Map()));
      let row = tokens.get(count.tokenId);
      if (row === undefined) tokens.set(count.tokenId, (row = zero()));
      add(row, count);
    }
  }

  read(organizationId: string, { tokenId, fromDay, toDay }: { tokenId: string | null; fromDay: string; toDay: string }): UsageDay[] {
    const result: UsageDay[] = [];
    for (const [day, tokens] of this.rows.get(organizationId) ?? []) {
      if (day < fromDay || day > toDay) continue;
      const sum = zero();
      if (tokenId === null) for (const row of tokens.values()) add(sum, row);
      else if (tokens.has(tokenId)) add(sum, tokens.get(tokenId)!);
      else continue;
      result.push({ day, ...sum });
    }
    return result.sort((a, b) => (a.day < b.day ? -1 : 1));
  }

  prune(beforeDay: string): number {
    let pruned = 0;
    for (const [organizationId, days] of this.rows) {
      for (const [day, tokens] of days) {
        if (day >= beforeDay) continue;
        pruned += tokens.size;
        days.delete(day);
      }
      if (days.size === 0) this.rows.delete(organizationId);
    }
    return pruned;
  }
}
