import type { AuditCursor, AuditDraft, AuditEntry, AuditPage } from '@keyward/core';
import type { StoreContext } from './context.js';
import { orderMember, parseOrderMember } from './keys.js';
import { NO_AUDIT, type AuditArgs } from './scripts.js';

/** Entries deleted per script by pruneAudit, so no script runs long. */
const PRUNE_BATCH = 500;

/**
 * A draft as the writing scripts take it: the entry JSON without its token's fields (the script
 * adds the entry id, the token id and the name it reads from the record it changes), the draft id,
 * and the instant padded as index members carry it. No draft: nothing is written.
 * @throws RangeError when `draft.at` is not a non-negative integer (the index orders fixed-width digits)
 * @example auditArgs(draft, 'org_1') // ['{"at":1750000000000,…,"organizationId":"org_1"', 'aud_1', '0001750000000000']
 */
export function auditArgs(draft: AuditDraft | undefined, organizationId: string): AuditArgs {
  if (draft === undefined) return NO_AUDIT;
  if (!Number.isSafeInteger(draft.at) || draft.at < 0) throw new RangeError(`audit: draft.at must be a non-negative integer (epoch ms), got ${draft.at}`);
  const json = JSON.stringify({ at: draft.at, actor: draft.actor, action: draft.action, changes: draft.changes, ip: draft.ip, userAgent: draft.userAgent, organizationId });
  return [json.slice(0, -1), draft.id, orderMember(draft.at, '').slice(0, -1)];
}

/**
 * Notes that `organizationIds` have a trail, before the scripts that write their entries run (an
 * index for pruneAudit: on a Cluster it lives on another slot than the entries, so it is written
 * first, idempotently, never after an entry that might then be missed).
 */
export async function noteAuditedOrganizations(ctx: StoreContext, draft: AuditDraft | undefined, organizationIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(organizationIds)];
  if (draft === undefined || ids.length === 0) return;
  await ctx.client.sadd(ctx.keys.auditOrganizations, ...ids);
}

/** An entry as stored (the draft's fields, the organization's, and the token's the script added). */
function decodeEntry(json: string): AuditEntry {
  const e = JSON.parse(json) as AuditEntry;
  return { id: e.id, at: e.at, actor: e.actor, action: e.action, changes: e.changes, ip: e.ip, userAgent: e.userAgent, organizationId: e.organizationId, tokenId: e.tokenId, tokenName: e.tokenName };
}

/**
 * One page of an organization's trail (or one token's), newest first: a ZREVRANGEBYLEX seek from
 * the cursor's member, in one script with the entries it names.
 * @example await auditLog(ctx, 'org_1', { limit: 50 })
 */
export async function auditLog(ctx: StoreContext, organizationId: string, options: { tokenId?: string | undefined; limit: number; after?: AuditCursor | undefined }): Promise<AuditPage> {
  const { tokenId, limit, after } = options;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`auditLog(options): limit must be a positive integer, got ${limit}`);
  if (after && (!Number.isSafeInteger(after.at) || typeof after.id !== 'string')) throw new RangeError('auditLog(options): after must be { at: integer, id: string }');
  if (after && after.at < 0) return { items: [], next: null };
  const keys = ctx.keys.organization(organizationId);
  const index = tokenId === undefined ? keys.auditIndex : keys.auditTokenIndex + tokenId;
  const max = after ? `(${orderMember(after.at, after.id)}` : '+';
  const [found, ...rows] = await ctx.scripts.auditPage(index, keys.auditEntries, max, limit);
  const items: AuditEntry[] = [];
  let last: string | undefined;
  for (let i = 0; i < rows.length; i += 2) {
    last = rows[i] as string;
    const json = rows[i + 1] as string | null;
    if (json !== null) items.push(decodeEntry(json));
  }
  const next = (found as number) > limit && last !== undefined ? (({ createdAt, id }) => ({ at: createdAt, id }))(parseOrderMember(last)) : null;
  return { items, next };
}

/**
 * Deletes every entry older than `before`, organization by organization (those noted as having a
 * trail), in scripts of at most PRUNE_BATCH entries; returns how many.
 * @example await pruneAudit(ctx, Date.now() - 400 * 86_400_000)
 */
export async function pruneAudit(ctx: StoreContext, before: number): Promise<number> {
  if (typeof before !== 'number' || Number.isNaN(before)) throw new RangeError(`pruneAudit(before): before must be a number (epoch ms), got ${String(before)}`);
  const cutoff = Math.min(Math.ceil(before), Number.MAX_SAFE_INTEGER);
  if (cutoff <= 0) return 0;
  // Every member of an instant < cutoff sorts before the cutoff's digits.
  const max = `(${orderMember(cutoff, '').slice(0, -1)}`;
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, organizations] = await ctx.client.sscan(ctx.keys.auditOrganizations, cursor, 'COUNT', 1000);
    cursor = next;
    for (const organizationId of organizations) {
      const keys = ctx.keys.organization(organizationId);
      for (;;) {
        const count = await ctx.scripts.pruneAudit(keys, max, PRUNE_BATCH);
        deleted += count;
        if (count < PRUNE_BATCH) break;
      }
    }
  } while (cursor !== '0');
  return deleted;
}
