import { auditEntryId, type AuditCursor, type AuditDraft, type AuditEntry, type AuditPage, type TokenRecord } from './store.js';

/** Oldest first: `at` ascending, then `id` ascending (the reverse of the trail's order). */
function compare(a: AuditCursor, b: AuditCursor): number {
  if (a.at !== b.at) return a.at - b.at;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Index of the first entry of an oldest-first array that is not before `cursor`. */
function lowerBound(entries: readonly AuditEntry[], cursor: AuditCursor): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(entries[mid]!, cursor) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(entries: AuditEntry[], entry: AuditEntry): void {
  const at = lowerBound(entries, entry);
  if (at === entries.length) entries.push(entry);
  else entries.splice(at, 0, entry);
}

/** Entries older than `before` sit at the front of an oldest-first array: drop them, say how many. */
function dropBefore(entries: AuditEntry[], before: number): number {
  const n = lowerBound(entries, { at: before, id: '' });
  if (n > 0) entries.splice(0, n);
  return n;
}

/**
 * The memory store's audit trail: per organization and per token, oldest-first arrays of frozen
 * entries, so a page is a binary search to its cursor and a walk backwards. The store builds the
 * entries (`entries`, the part that can throw: it copies the draft's `changes`) before it changes
 * anything, then changes the token and `add`s them in the same synchronous step: both, or neither.
 */
export class MemoryAuditLog {
  private readonly byOrganization = new Map<string, AuditEntry[]>();
  private readonly byToken = new Map<string, AuditEntry[]>();

  /** One entry per record, from the record as it was just before the action; nothing stored yet. */
  entries(draft: AuditDraft | undefined, records: readonly TokenRecord[]): AuditEntry[] {
    if (draft === undefined) return [];
    return records.map((record) =>
      Object.freeze({
        ...draft,
        id: auditEntryId(draft, record.id),
        organizationId: record.organizationId,
        tokenId: record.id,
        tokenName: record.name,
        actor: Object.freeze({ ...draft.actor }),
        changes: draft.changes === null ? null : (structuredClone(draft.changes) as Record<string, unknown>),
      }),
    );
  }

  /** Stores entries made by `entries`; cannot fail half-way (array and map writes only). */
  add(entries: readonly AuditEntry[]): void {
    for (const entry of entries) {
      for (const [map, key] of [[this.byOrganization, entry.organizationId], [this.byToken, entry.tokenId]] as const) {
        let list = map.get(key);
        if (list === undefined) map.set(key, (list = []));
        insertSorted(list, entry);
      }
    }
  }

  page(organizationId: string, options: { tokenId?: string | undefined; limit: number; after?: AuditCursor | undefined }): AuditPage {
    const all = options.tokenId === undefined ? this.byOrganization.get(organizationId) : this.byToken.get(options.tokenId);
    const entries = all ?? [];
    const end = options.after ? lowerBound(entries, options.after) : entries.length;
    const items: AuditEntry[] = [];
    let i = end - 1;
    for (; i >= 0 && items.length < options.limit; i--) {
      const entry = entries[i]!;
      // A token id is unique across organizations, but the caller's organization is checked anyway.
      if (entry.organizationId === organizationId) items.push(structuredClone(entry));
    }
    const last = items[items.length - 1];
    return { items, next: i >= 0 && last ? { at: last.at, id: last.id } : null };
  }

  prune(before: number): number {
    let pruned = 0;
    for (const [key, entries] of this.byOrganization) {
      pruned += dropBefore(entries, before);
      if (entries.length === 0) this.byOrganization.delete(key);
    }
    for (const [key, entries] of this.byToken) {
      dropBefore(entries, before);
      if (entries.length === 0) this.byToken.delete(key);
    }
    return pruned;
  }
}
