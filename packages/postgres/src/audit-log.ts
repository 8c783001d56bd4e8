import type { AuditPage, AuditStore } from '@keyward/core';
import type { StoreContext } from './context.js';
import { toAuditEntry, type AuditRow } from './history-rows.js';

/**
 * The reading side of contract v3's audit part on PostgreSQL (the write methods store the entries,
 * in their own statements): keyset pages newest first, and pruning by age.
 *
 * @example const page = await auditPart(context).auditLog('org_1', { limit: 50 });
 */
export function auditPart({ run, pool, sql }: StoreContext): AuditStore {
  return {
    async auditLog(organizationId, { tokenId, limit, after }): Promise<AuditPage> {
      // One extra row tells whether another page follows without a COUNT.
      const [text, values] =
        tokenId === undefined
          ? after
            ? [sql.auditAfter, [organizationId, after.at, after.id, limit + 1]]
            : [sql.auditFirst, [organizationId, limit + 1]]
          : after
            ? [sql.auditTokenAfter, [organizationId, tokenId, after.at, after.id, limit + 1]]
            : [sql.auditTokenFirst, [organizationId, tokenId, limit + 1]];
      const { rows } = await run('auditLog', () => pool.query<AuditRow>({ text, values, rowMode: 'array' }));
      const items = rows.slice(0, limit).map(toAuditEntry);
      const last = items[items.length - 1];
      return { items, next: rows.length > limit && last ? { at: last.at, id: last.id } : null };
    },

    async pruneAudit(before) {
      const { rowCount } = await run('pruneAudit', () => pool.query(sql.pruneAudit, [before]));
      return rowCount ?? 0;
    },
  };
}
