import type { LimitsStore, SpendResult } from '@keyward/core';
import type { StoreContext } from './context.js';

/** A row of the spend statement in array mode: ok, then remaining and refilled_at (bigint strings or null). */
type SpendRow = [ok: boolean, remaining: string | null, refilledAt: string | null];

const int8 = (value: string | null): number | null => (value === null ? null : Number(value));

/**
 * The limits part of contract v3 on PostgreSQL: `spend()` is one statement, one round trip, on a
 * server-side prepared statement (it runs on every request of a token with credits). See
 * `spendSql` in statements.ts for how it stays exact under concurrency.
 *
 * @example const { spend } = limitsPart(context); await spend('org_1', 'tok_1', 1, Date.now());
 */
export function limitsPart({ run, pool, sql }: StoreContext): LimitsStore {
  return {
    async spend(organizationId, id, cost, now): Promise<SpendResult> {
      const { rows } = await run('spend', () =>
        pool.query<SpendRow>({ name: sql.spendName, text: sql.spend, values: [organizationId, id, cost, now], rowMode: 'array' }),
      );
      const row = rows[0];
      if (row === undefined) return null;
      const [ok, remaining, refilledAt] = row;
      if (ok) return { ok, remaining: int8(remaining), refilledAt: int8(refilledAt) };
      return { ok, remaining: Number(remaining), refilledAt: int8(refilledAt) };
    },
  };
}
