import { USAGE_REFUSAL_CODES, auditEntryId, type AuditCursor, type AuditDraft, type AuditPage, type TokenRecord, type UsageCount, type UsageDay } from '@keyward/core';
import type { SqliteDriver } from './driver.js';
import { COUNT_COLUMNS, toAuditEntry, toUsageDay, type AuditRow } from './history-rows.js';

type Row = Record<string, unknown>;

/**
 * The audit trail and usage counts of contract v3 in `<prefix>audit` and `<prefix>usage`
 * (migration 3): statements prepared once, and the row mappings. `writeAudit` runs inside the
 * caller's transaction, which is what makes an action and its entries one.
 *
 * @example const history = sqliteHistory(driver, 'keyward_'); history.writeAudit(draft, [record]);
 */
export function sqliteHistory(driver: SqliteDriver, prefix: string) {
  const prepare = (sql: string) => driver.prepare(sql);
  const audit = `${prefix}audit`;
  const usage = `${prefix}usage`;
  const newestFirst = 'ORDER BY at DESC, id DESC LIMIT ?';
  const insertAudit = prepare(
    `INSERT INTO ${audit} (id, organization_id, at, actor, action, token_id, token_name, changes, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const pages = {
    first: prepare(`SELECT * FROM ${audit} WHERE organization_id = ? ${newestFirst}`),
    after: prepare(`SELECT * FROM ${audit} WHERE organization_id = ? AND (at, id) < (?, ?) ${newestFirst}`),
    tokenFirst: prepare(`SELECT * FROM ${audit} WHERE organization_id = ? AND token_id = ? ${newestFirst}`),
    tokenAfter: prepare(`SELECT * FROM ${audit} WHERE organization_id = ? AND token_id = ? AND (at, id) < (?, ?) ${newestFirst}`),
  };
  const pruneAudit = prepare(`DELETE FROM ${audit} WHERE at < ?`);
  const addUsage = prepare(
    `INSERT INTO ${usage} (token_id, day, organization_id, ${COUNT_COLUMNS.join(', ')}) VALUES (?, ?, ?, ${COUNT_COLUMNS.map(() => '?').join(', ')})
     ON CONFLICT (token_id, day) DO UPDATE SET ${COUNT_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`,
  );
  const tokenUsage = prepare(`SELECT day, ${COUNT_COLUMNS.join(', ')} FROM ${usage} WHERE organization_id = ? AND token_id = ? AND day BETWEEN ? AND ? ORDER BY day`);
  const organizationUsage = prepare(
    `SELECT day, ${COUNT_COLUMNS.map((c) => `SUM(${c}) AS ${c}`).join(', ')} FROM ${usage} WHERE organization_id = ? AND day BETWEEN ? AND ? GROUP BY day ORDER BY day`,
  );
  const pruneUsage = prepare(`DELETE FROM ${usage} WHERE day < ?`);
  const addBatch = (counts: readonly UsageCount[]) =>
    driver.immediate(() => {
      for (const c of counts) addUsage.run(c.tokenId, c.day, c.organizationId, c.accepted, ...USAGE_REFUSAL_CODES.map((code) => c.refused[code] ?? 0));
    });

  return {
    /** One entry per record (as it was just before the action); call inside the action's transaction. */
    writeAudit(draft: AuditDraft | undefined, records: readonly TokenRecord[]): void {
      if (draft === undefined) return;
      const actor = JSON.stringify(draft.actor);
      const changes = draft.changes === null ? null : JSON.stringify(draft.changes);
      for (const r of records) insertAudit.run(auditEntryId(draft, r.id), r.organizationId, draft.at, actor, draft.action, r.id, r.name, changes, draft.ip, draft.userAgent);
    },
    auditPage(organizationId: string, { tokenId, limit, after }: { tokenId?: string | undefined; limit: number; after?: AuditCursor | undefined }): AuditPage {
      // One extra row tells whether another page follows.
      const rows = (
        tokenId === undefined
          ? after
            ? pages.after.all(organizationId, after.at, after.id, limit + 1)
            : pages.first.all(organizationId, limit + 1)
          : after
            ? pages.tokenAfter.all(organizationId, tokenId, after.at, after.id, limit + 1)
            : pages.tokenFirst.all(organizationId, tokenId, limit + 1)
      ) as AuditRow[];
      const items = rows.slice(0, limit).map(toAuditEntry);
      const last = items[items.length - 1];
      return { items, next: rows.length > limit && last ? { at: last.at, id: last.id } : null };
    },
    pruneAudit: (before: number): number => Number(pruneAudit.run(before).changes),
    addUsage: (counts: readonly UsageCount[]): void => addBatch(counts),
    readUsage(organizationId: string, { tokenId, fromDay, toDay: last }: { tokenId: string | null; fromDay: string; toDay: string }): UsageDay[] {
      const rows = (tokenId === null ? organizationUsage.all(organizationId, fromDay, last) : tokenUsage.all(organizationId, tokenId, fromDay, last)) as Row[];
      return rows.map(toUsageDay);
    },
    pruneUsage: (beforeDay: string): number => Number(pruneUsage.run(beforeDay).changes),
  };
}
