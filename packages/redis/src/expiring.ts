import type { ExpiringCursor, ExpiringPage, TokenRecord } from '@keyward/core';
import type { StoreContext } from './context.js';
import { expiryDigits, parseExpiryMember } from './keys.js';
import { fetchRecords } from './reads.js';

export interface ExpiringOptions {
  expiresAfter: number;
  expiresBy: number;
  limit: number;
  after?: ExpiringCursor | undefined;
}

/** The largest expiresAt the index can hold, and the smallest. */
const MAX = Number.MAX_SAFE_INTEGER;
const MIN = -Number.MAX_SAFE_INTEGER;

function checkNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new RangeError(`listExpiring(options): ${field} must be a number (epoch ms), got ${String(value)}`);
  return value;
}

/**
 * The ZRANGEBYLEX bounds of the window (expiresAfter, expiresBy] after `after`, or null when the
 * window is empty. Stored instants are safe integers, so a bound is floored and clamped to them.
 */
function lexBounds({ expiresAfter, expiresBy, after }: ExpiringOptions): { min: string; max: string } | null {
  const by = Math.min(Math.floor(expiresBy), MAX);
  if (by < MIN) return null;
  // ';' follows ':' in byte order: `(<digits>;` is past every member of that instant.
  const max = `(${expiryDigits(by)};`;
  let min = '-';
  const from = Math.floor(expiresAfter);
  if (from >= MAX) return null;
  if (from >= MIN) min = `[${expiryDigits(from)};`;
  if (after && after.expiresAt > from) {
    // Past every member of that instant and id: `\x01` follows the NUL that ends an id.
    if (after.expiresAt > MAX) return null;
    min = after.expiresAt < MIN ? min : `[${expiryDigits(after.expiresAt)}:${after.id}\x01`;
  }
  return { min, max };
}

/**
 * Checks `listExpiring` options before any Redis call (bad input is the caller's error, not an outage).
 * @throws RangeError naming the option
 * @example checkExpiringOptions({ expiresAfter: 0, expiresBy: 1000, limit: 0 }) // throws: limit must be a positive integer
 */
export function checkExpiringOptions(options: ExpiringOptions): void {
  checkNumber(options.expiresAfter, 'expiresAfter');
  checkNumber(options.expiresBy, 'expiresBy');
  if (!Number.isSafeInteger(options.limit) || options.limit < 1) throw new RangeError(`listExpiring(options): limit must be a positive integer, got ${options.limit}`);
  if (options.after) {
    if (!Number.isSafeInteger(options.after.expiresAt)) throw new RangeError(`listExpiring(options): after.expiresAt must be an integer (epoch ms), got ${options.after.expiresAt}`);
    if (typeof options.after.id !== 'string') throw new RangeError('listExpiring(options): after.id must be a string');
  }
}

/**
 * One page of `listExpiring`: a ZRANGEBYLEX seek on `<p>expiry` (so every page costs the same at
 * any depth, on one key also on a Cluster), then the records, one HMGET per organization. An entry
 * whose token is gone (a deletion that stopped half-way) is skipped.
 * @example const page = await listExpiring(ctx, { expiresAfter: now, expiresBy: now + 7 * DAY, limit: 100 });
 */
export async function listExpiring(ctx: StoreContext, options: ExpiringOptions): Promise<ExpiringPage> {
  const bounds = lexBounds(options);
  if (!bounds) return { items: [], next: null };
  const members = await ctx.client.zrangebylex(ctx.keys.expiry, bounds.min, bounds.max, 'LIMIT', 0, options.limit + 1);
  const page = members.slice(0, options.limit).map(parseExpiryMember);
  const byOrganization = new Map<string, string[]>();
  for (const entry of page) {
    const ids = byOrganization.get(entry.organizationId) ?? [];
    ids.push(entry.id);
    byOrganization.set(entry.organizationId, ids);
  }
  const found = new Map<string, TokenRecord>();
  await Promise.all(
    [...byOrganization].map(async ([organizationId, ids]) => {
      const records = await fetchRecords(ctx, organizationId, ids);
      records.forEach((record, i) => {
        if (record) found.set(`${organizationId}\n${ids[i]}`, record);
      });
    }),
  );
  const items = page.flatMap((entry) => {
    const record = found.get(`${entry.organizationId}\n${entry.id}`);
    return record ? [record] : [];
  });
  const last = page[page.length - 1];
  return { items, next: members.length > options.limit && last ? { expiresAt: last.expiresAt, id: last.id } : null };
}
