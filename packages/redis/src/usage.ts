import { USAGE_REFUSAL_CODES, type AddUsageOptions, type UsageCount, type UsageDay, type UsageRefusalCode } from '@keyward/core';
import type { StoreContext } from './context.js';

/** The one-letter field suffix of each count (`a`: accepted), as the usage hashes name them. */
const CODE_LETTER: Record<UsageRefusalCode, string> = { DISABLED: 'D', EXPIRED: 'E', SCOPE_DENIED: 'S', PERMISSION_DENIED: 'P', RATE_LIMITED: 'R', USAGE_EXHAUSTED: 'U' };
/** The organization's total, beside the tokens' rows in the same hash. */
const TOTAL = '*';
const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Days a day's hash outlives the retention keyward states. Each write sets the TTL afresh, and the
 * last write of a day lands during that day (or one flush after): the hash outlives the day by the
 * retention plus at least one more day, so it never expires before pruneUsage would delete it.
 */
export const USAGE_EXPIRY_MARGIN_DAYS = 2;

function dayNumber(day: string, field: string): number {
  const ms = DAY.test(day) ? Date.parse(`${day}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${field} must be a UTC day YYYY-MM-DD, got ${JSON.stringify(day)}`);
  return ms / DAY_MS;
}

const dayOf = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);

/**
 * Adds a batch of counts: one script per (organization, day) hash, each an atomic HINCRBY per
 * field, so two processes adding to one row lose and double nothing; the day is noted in
 * `<p>usage:days` first (for pruneUsage). All scripts go out together (one round trip per node).
 * With `retentionDays`, the same script sets the hash's TTL to the retention plus
 * USAGE_EXPIRY_MARGIN_DAYS: an organization nobody prunes any more (abandoned, or a pruning job
 * that stopped) does not keep its counts forever.
 * @throws RangeError when `options.retentionDays` is not a positive number, or a day is not `YYYY-MM-DD`
 * @example await addUsage(ctx, [{ tokenId: 'tok_a', organizationId: 'org_1', day: '2026-01-01', accepted: 3, refused: {} }], { retentionDays: 90 })
 */
export async function addUsage(ctx: StoreContext, counts: readonly UsageCount[], options: AddUsageOptions = {}): Promise<void> {
  const { retentionDays } = options;
  if (retentionDays !== undefined && !(typeof retentionDays === 'number' && retentionDays > 0 && Number.isFinite(retentionDays))) {
    throw new RangeError(`addUsage(options): options.retentionDays must be a positive number of days, got ${String(retentionDays)}`);
  }
  const ttlMs = retentionDays === undefined ? '' : String(Math.ceil((retentionDays + USAGE_EXPIRY_MARGIN_DAYS) * DAY_MS));
  const byKey = new Map<string, { organizationId: string; day: string; increments: Map<string, number> }>();
  counts.forEach((count, i) => {
    const number = dayNumber(count.day, `addUsage(counts): counts.${i}.day`);
    if (!Number.isSafeInteger(number)) throw new RangeError(`addUsage(counts): counts.${i}.day is not a whole day`);
    const key = ctx.keys.organization(count.organizationId).usage(count.day);
    let group = byKey.get(key);
    if (!group) byKey.set(key, (group = { organizationId: count.organizationId, day: count.day, increments: new Map() }));
    const add = (field: string, by: number) => group.increments.set(field, (group.increments.get(field) ?? 0) + by);
    // The accepted field is written even at 0: it marks the token's row (pruneUsage counts rows by it).
    for (const owner of [count.tokenId, TOTAL]) {
      add(`${owner}:a`, count.accepted);
      for (const code of USAGE_REFUSAL_CODES) {
        const n = count.refused[code];
        if (n) add(`${owner}:${CODE_LETTER[code]}`, n);
      }
    }
  });
  if (byKey.size === 0) return;
  const days = [...byKey.values()].flatMap(({ organizationId, day }) => [dayNumber(day, 'day'), JSON.stringify([organizationId, day])]);
  await ctx.client.zadd(ctx.keys.usageDays, ...days);
  await Promise.all([...byKey].map(([key, { increments }]) => ctx.scripts.addUsage(key, ttlMs, [...increments].flatMap(([field, by]) => [field, String(by)]))));
}

/**
 * The counts of one token (or, with tokenId null, of the organization) for each day of the range
 * that has any, oldest first: one script over the range's day hashes (one slot: the organization's).
 * @example await readUsage(ctx, 'org_1', { tokenId: 'tok_a', fromDay: '2026-01-01', toDay: '2026-01-31' })
 */
export async function readUsage(ctx: StoreContext, organizationId: string, options: { tokenId: string | null; fromDay: string; toDay: string }): Promise<UsageDay[]> {
  const from = dayNumber(options.fromDay, 'readUsage(options): fromDay');
  const to = dayNumber(options.toDay, 'readUsage(options): toDay');
  const days: string[] = [];
  for (let n = from; n <= to; n++) days.push(dayOf(n));
  const keys = ctx.keys.organization(organizationId);
  const prefix = `${options.tokenId ?? TOTAL}:`;
  const answer: UsageDay[] = [];
  // Bounded scripts: a range of years stays many small steps.
  for (let start = 0; start < days.length; start += 400) {
    const slice = days.slice(start, start + 400);
    const values = await ctx.scripts.readUsage(slice.map((day) => keys.usage(day)), prefix);
    slice.forEach((day, i) => {
      const row = values.slice(7 * i, 7 * i + 7);
      if (row.every((v) => v == null)) return;
      const refused = Object.fromEntries(USAGE_REFUSAL_CODES.map((code, j) => [code, Number(row[j + 1] ?? 0)])) as Record<UsageRefusalCode, number>;
      answer.push({ day, accepted: Number(row[0] ?? 0), refused });
    });
  }
  return answer;
}

/**
 * Deletes the day hashes before `beforeDay` (found through `<p>usage:days`), answering how many
 * token rows they held.
 * @example await pruneUsage(ctx, '2026-01-01')
 */
export async function pruneUsage(ctx: StoreContext, beforeDay: string): Promise<number> {
  const before = dayNumber(beforeDay, 'pruneUsage(beforeDay)');
  let rows = 0;
  for (;;) {
    const members = await ctx.client.zrangebyscore(ctx.keys.usageDays, '-inf', `(${before}`, 'LIMIT', 0, 500);
    if (members.length === 0) break;
    for (const member of members) {
      const [organizationId, day] = JSON.parse(member) as [string, string];
      rows += await ctx.scripts.dropUsageDay(ctx.keys.organization(organizationId).usage(day));
    }
    await ctx.client.zrem(ctx.keys.usageDays, ...members);
    if (members.length < 500) break;
  }
  return rows;
}
