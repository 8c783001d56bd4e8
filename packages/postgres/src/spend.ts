import type { LimitsStore, SpendResult } from '@keyward/core';
import type { StoreContext } from './context.js';

/**
 * A row of the spend statements in array mode: whether credits were taken, then remaining and
 * refilled_at, and (when not taken) the credits available and the refill clock once a due refill is
 * applied. bigint columns arrive as strings.
 */
type SpendRow = [spent: boolean, remaining: string | null, refilledAt: string | null, available: string | null, anchor: string | null];

const int8 = (value: string | null): number | null => (value === null ? null : Number(value));

/**
 * The limits part of contract v3 on PostgreSQL: `spend()` is one statement, one round trip, on a
 * server-side prepared statement (it runs on every request of a token with credits), and a refusal
 * writes nothing. See `spendSql` in statements.ts for how it stays exact under concurrency.
 *
 * @example const { spend } = limitsPart(context); await spend('org_1', 'tok_1', 1, Date.now());
 */
export function limitsPart({ run, pool, sql }: StoreContext): LimitsStore {
  const query = (text: string, name: string | undefined, values: unknown[]) =>
    run('spend', async () => (await pool.query<SpendRow>({ text, name, values, rowMode: 'array' })).rows[0]);

  return {
    async spend(organizationId, id, cost, now): Promise<SpendResult> {
      const values = [organizationId, id, cost, now];
      let row = await query(sql.spend, sql.spendName, values);
      if (row === undefined) return null;
      const [spent, remaining, refilledAt, available, anchor] = row;
      if (!spent && remaining !== null && (Number(available) >= cost || anchor !== refilledAt)) {
        // The unlocked read saw enough credits (a concurrent change), or a refill that must be kept.
        row = await query(sql.spendLocked, undefined, values);
        if (row === undefined) return null;
      }
      return answer(row);
    },
  };
}

function answer([spent, remaining, refilledAt, available]: SpendRow): SpendResult {
  if (spent) return { ok: true, remaining: int8(remaining), refilledAt: int8(refilledAt) };
  if (remaining === null) return { ok: true, remaining: null, refilledAt: int8(refilledAt) };
  return { ok: false, remaining: Number(available), refilledAt: int8(refilledAt) };
}
