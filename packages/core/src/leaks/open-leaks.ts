import { isExpired } from '../expiry.js';
import type { AuditCursor, AuditPage, TokenRecord } from '../store.js';

/**
 * A leak that GitHub's secret scanning reported in a secret of a token while that secret still
 * works: the host flags leaks (`mode: 'flag'`) instead of revoking them, so the token's owners
 * must roll or delete it.
 */
export interface TokenLeak {
  /** When keyward was told, epoch ms. */
  at: number;
  /** The public URL where the secret was found. */
  url: string;
  /** Where GitHub found it (`content`, `commit`, `npm`, …), or null when it did not say. */
  source: string | null;
  /** The found secret is the token's current one, or the previous one (still working after a roll with a grace period). */
  secret: 'current' | 'previous';
}

/** One page of a token's audit trail, newest first, after `after`. */
export type ReadTokenTrail = (tokenId: string, after: AuditCursor | undefined) => Promise<AuditPage>;

/**
 * The newest flagged leak of `record` whose secret still works at `now`, read from its audit trail
 * newest first, or null. A report names the secret that was current then (or, marked `previous`,
 * the one in its grace); each roll since moves a secret one step, current → previous (working
 * until the roll's grace ends) → gone. The read stops at the first roll that leaves nothing
 * reported working, or past the token's creation: usually the first page.
 * @example await openLeak(record, Date.now(), (tokenId, after) => store.auditLog(record.organizationId, { tokenId, limit: 20, after }))
 */
export async function openLeak(record: TokenRecord, now: number, read: ReadTokenTrail): Promise<TokenLeak | null> {
  if (isExpired(record.expiresAt, now)) return null;
  const previousWorks = record.previous !== null && now < record.previous.expiresAt;
  let rolls = 0;
  let createdAt: number | undefined;
  let after: AuditCursor | undefined;
  do {
    const page = await read(record.id, after);
    for (const { action, at, changes } of page.items) {
      // Entries of one millisecond come in any order: a report in the creation's millisecond counts.
      if (createdAt !== undefined && at < createdAt) return null;
      if (action === 'created') createdAt = at;
      // Older secrets all stopped: the one rolled away has no grace left, or was rolled away twice.
      if (action === 'rolled' && (++rolls > 1 || !previousWorks)) return null;
      // Revoked reports belong to deleted tokens; only flagged ones leave a token working.
      if (action !== 'leaked' || changes?.revoked !== false) continue;
      const steps = rolls + (changes.secret === 'previous' ? 1 : 0);
      if (steps > 1 || (steps === 1 && !previousWorks)) continue;
      return { at, url: String(changes.url), source: typeof changes.source === 'string' ? changes.source : null, secret: steps === 0 ? 'current' : 'previous' };
    }
    after = page.next ?? undefined;
  } while (after !== undefined);
  return null;
}

/**
 * `openLeak` of each record, by token id (records without one are left out), `concurrency` trail reads at a time.
 * @example const leaks = await openLeaks(page.items, now, read); leaks.get(token.id)?.url
 */
export async function openLeaks(records: readonly TokenRecord[], now: number, read: ReadTokenTrail, concurrency = 8): Promise<Map<string, TokenLeak>> {
  const leaks = new Map<string, TokenLeak>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < records.length) {
      const record = records[next++]!;
      const leak = await openLeak(record, now, read);
      if (leak) leaks.set(record.id, leak);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, records.length) }, worker));
  return leaks;
}
