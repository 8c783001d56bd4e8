import type { UsageStore } from '@keyward/core';
import type { StoreContext } from './context.js';
import { toUsageDay, usageParams, type UsageRow } from './history-rows.js';

/**
 * Contract v3's usage part on PostgreSQL: a batch of counts is one `INSERT … ON CONFLICT DO UPDATE`
 * (an atomic increment per (token, day) row), reads per token or summed per organization, pruning
 * by day.
 *
 * @example await usagePart(context).addUsage([{ tokenId: 'tok_1', organizationId: 'org_1', day: '2026-01-02', accepted: 3, refused: {} }]);
 */
export function usagePart({ run, pool, sql }: StoreContext): UsageStore {
  return {
    async addUsage(counts) {
      if (counts.length === 0) return;
      await run('addUsage', () => pool.query(sql.addUsage, usageParams(counts)));
    },

    async readUsage(organizationId, { tokenId, fromDay, toDay }) {
      const [text, values] = tokenId === null ? [sql.readUsageOrganization, [organizationId, fromDay, toDay]] : [sql.readUsageToken, [organizationId, tokenId, fromDay, toDay]];
      const { rows } = await run('readUsage', () => pool.query<UsageRow>({ text, values, rowMode: 'array' }));
      return rows.map(toUsageDay);
    },

    async pruneUsage(beforeDay) {
      const { rowCount } = await run('pruneUsage', () => pool.query(sql.pruneUsage, [beforeDay]));
      return rowCount ?? 0;
    },
  };
}
