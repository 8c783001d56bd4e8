import { USAGE_REFUSAL_CODES, type AuditCursor, type AuditDraft, type AuditPage, type UsageCount, type UsageDay } from '@keyward/core';
import { COUNT_COLUMNS, toAuditEntry, toUsageDay, type AuditRow } from '../../sqlite/src/history-rows.js';
import type { D1QueryableLike, D1StatementLike } from './d1-types.js';

/**
 * The first seven parameters of every audit statement (`d1Sql().audit…`): the draft, as stored.
 *
 * @example db.prepare(sql.auditRoll).bind(...draftParams(draft), organizationId, id)
 */
export function draftParams(draft: AuditDraft): unknown[] {
  return [draft.id, draft.at, JSON.stringify(draft.actor), draft.action, draft.changes === null ? null : JSON.stringify(draft.changes), draft.ip, draft.userAgent];
}

/**
 * The audit trail and usage counts of contract v3 on D1, in `<prefix>audit` and `<prefix>usage`:
 * reads are one statement; a usage batch is one statement of upserts.
 *
 * @example const history = d1History('keyward_'); await history.addUsage(db, counts);
 */
export function d1History(prefix: string) {
  const audit = `${prefix}audit`;
  const usage = `${prefix}usage`;
  const newestFirst = 'ORDER BY at DESC, id DESC LIMIT';
  const pages = {
    first: `SELECT * FROM ${audit} WHERE organization_id = ?1 ${newestFirst} ?2`,
    after: `SELECT * FROM ${audit} WHERE organization_id = ?1 AND (at, id) < (?2, ?3) ${newestFirst} ?4`,
    tokenFirst: `SELECT * FROM ${audit} WHERE organization_id = ?1 AND token_id = ?2 ${newestFirst} ?3`,
    tokenAfter: `SELECT * FROM ${audit} WHERE organization_id = ?1 AND token_id = ?2 AND (at, id) < (?3, ?4) ${newestFirst} ?5`,
  };
  // A whole batch of counts in one statement (D1 counts every statement of a batch against a
  // Worker invocation's query limit): ?1 is a JSON array of [tokenId, day, organizationId, accepted,
  // …refusals]. Each row is an upsert of its own, so two counts for one row in a batch both add up.
  const addUsage = `INSERT INTO ${usage} (token_id, day, organization_id, ${COUNT_COLUMNS.join(', ')})
     SELECT value ->> 0, value ->> 1, value ->> 2, ${COUNT_COLUMNS.map((_, i) => `value ->> ${i + 3}`).join(', ')} FROM json_each(?1) WHERE true
     ON CONFLICT (token_id, day) DO UPDATE SET ${COUNT_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`;
  const tokenUsage = `SELECT day, ${COUNT_COLUMNS.join(', ')} FROM ${usage} WHERE organization_id = ?1 AND token_id = ?2 AND day BETWEEN ?3 AND ?4 ORDER BY day`;
  const organizationUsage = `SELECT day, ${COUNT_COLUMNS.map((c) => `SUM(${c}) AS ${c}`).join(', ')} FROM ${usage} WHERE organization_id = ?1 AND day BETWEEN ?2 AND ?3 GROUP BY day ORDER BY day`;


  return {
    async auditPage(db: D1QueryableLike, organizationId: string, { tokenId, limit, after }: { tokenId?: string | undefined; limit: number; after?: AuditCursor | undefined }): Promise<AuditPage> {
      // One extra row tells whether another page follows.
      const statement: D1StatementLike =
        tokenId === undefined
          ? after
            ? db.prepare(pages.after).bind(organizationId, after.at, after.id, limit + 1)
            : db.prepare(pages.first).bind(organizationId, limit + 1)
          : after
            ? db.prepare(pages.tokenAfter).bind(organizationId, tokenId, after.at, after.id, limit + 1)
            : db.prepare(pages.tokenFirst).bind(organizationId, tokenId, limit + 1);
      const rows = (await statement.all<AuditRow>()).results;
      const items = rows.slice(0, limit).map(toAuditEntry);
      const last = items[items.length - 1];
      return { items, next: rows.length > limit && last ? { at: last.at, id: last.id } : null };
    },
    async pruneAudit(db: D1QueryableLike, before: number): Promise<number> {
      return (await db.prepare(`DELETE FROM ${audit} WHERE at < ?1`).bind(before).run()).meta.changes ?? 0;
    },
    async addUsage(db: D1QueryableLike, counts: readonly UsageCount[]): Promise<void> {
      const rows = counts.map((c) => [c.tokenId, c.day, c.organizationId, c.accepted, ...USAGE_REFUSAL_CODES.map((code) => c.refused[code] ?? 0)]);
      await db.prepare(addUsage).bind(JSON.stringify(rows)).run();
    },
    async readUsage(db: D1QueryableLike, organizationId: string, { tokenId, fromDay, toDay: last }: { tokenId: string | null; fromDay: string; toDay: string }): Promise<UsageDay[]> {
      const statement = tokenId === null ? db.prepare(organizationUsage).bind(organizationId, fromDay, last) : db.prepare(tokenUsage).bind(organizationId, tokenId, fromDay, last);
      return (await statement.all()).results.map(toUsageDay);
    },
    async pruneUsage(db: D1QueryableLike, beforeDay: string): Promise<number> {
      return (await db.prepare(`DELETE FROM ${usage} WHERE day < ?1`).bind(beforeDay).run()).meta.changes ?? 0;
    },
  };
}
