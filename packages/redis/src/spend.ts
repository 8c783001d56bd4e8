import type { SpendResult } from '@keyward/core';
import type { StoreContext } from './context.js';

/**
 * `LimitsStore.spend` on Redis: one Lua script on the organization's slot (the token's records)
 * applies a refill that fell due and takes the credits, never below zero, so concurrent spends
 * from any number of processes each see the one before. When it wrote, the lookup keys' copies
 * of the limits are raised next (by sequence, so out-of-order copies never go back), before the
 * call resolves: a verification after it sees what is left.
 * @throws RangeError when `cost` is not a positive integer or `now` not an integer
 * @example await spend(ctx, 'org_1', 'tok_a', 1, Date.now()) // { ok: true, remaining: 99, refilledAt: null }
 */
export async function spend(ctx: StoreContext, organizationId: string, id: string, cost: number, now: number): Promise<SpendResult> {
  if (!Number.isSafeInteger(cost) || cost < 1) throw new RangeError(`spend(cost): cost must be a positive integer, got ${cost}`);
  if (!Number.isSafeInteger(now)) throw new RangeError(`spend(now): now must be an integer (epoch ms), got ${now}`);
  const records = ctx.keys.organization(organizationId).records;
  const [status, remaining = '', refilledAt = '', written = '', current = '', previous = ''] = await ctx.scripts.spend(records, id, cost, now);
  if (status === -1) return null;
  const anchor = refilledAt === '' ? null : Number(refilledAt);
  if (remaining === '') return { ok: true, remaining: null, refilledAt: anchor };
  if (written !== '') {
    await ctx.settle([records]);
    const hashes = [current, previous].filter((hash) => hash !== '');
    await Promise.all(hashes.map((hash) => ctx.scripts.setLimits(ctx.keys.byHash(hash), written)));
    await ctx.settle(hashes.map(ctx.keys.byHash));
  }
  return status === 1 ? { ok: true, remaining: Number(remaining), refilledAt: anchor } : { ok: false, remaining: Number(remaining), refilledAt: anchor };
}
