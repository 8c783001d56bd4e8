import type { DeleteManyResult, LastUsedUpdate, ListCursor, ListPage, TokenRecord, TokenStore } from './store.js';

/** Newest first: createdAt descending, then id descending. */
function compareNewestFirst(a: ListCursor, b: ListCursor): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Index of the first element that sorts after `cursor` in a newest-first array. */
function firstAfter(sorted: readonly TokenRecord[], cursor: ListCursor): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareNewestFirst(sorted[mid]!, cursor) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Organization {
  /** Newest first. */
  tokens: TokenRecord[];
  byId: Map<string, TokenRecord>;
  idByNameKey: Map<string, string>;
}

/**
 * The in-process store: the embedded default and the one to use in host apps' tests.
 * Everything lives in this process's memory and is gone when it exits; operations are
 * synchronous under the hood, so atomicity comes from JavaScript's single thread.
 *
 * @example
 * const keyward = createKeyward({ store: memoryStore(), resolveProject });
 */
export function memoryStore(): TokenStore {
  const byHash = new Map<string, TokenRecord>();
  const organizations = new Map<string, Organization>();

  function organization(id: string): Organization {
    let org = organizations.get(id);
    if (!org) {
      org = { tokens: [], byId: new Map(), idByNameKey: new Map() };
      organizations.set(id, org);
    }
    return org;
  }

  function remove(record: TokenRecord): void {
    const org = organizations.get(record.organizationId);
    if (!org) return;
    byHash.delete(record.hash);
    org.byId.delete(record.id);
    org.idByNameKey.delete(record.nameKey);
    const index = firstAfter(org.tokens, record) - 1;
    if (org.tokens[index] === record) org.tokens.splice(index, 1);
    if (org.byId.size === 0) organizations.delete(record.organizationId);
  }

  function removeWhere(predicate: (record: TokenRecord) => boolean): TokenRecord[] {
    const removed: TokenRecord[] = [];
    for (const record of byHash.values()) if (predicate(record)) removed.push(record);
    for (const record of removed) remove(record);
    return removed.map(copy);
  }

  return {
    async insert(input) {
      const org = organization(input.organizationId);
      if (org.idByNameKey.has(input.nameKey)) return 'name_taken';
      const record = copy(input);
      byHash.set(record.hash, record);
      org.byId.set(record.id, record);
      org.idByNameKey.set(record.nameKey, record.id);
      org.tokens.splice(firstAfter(org.tokens, record), 0, record);
      return 'ok';
    },

    findByHash(hash) {
      return byHash.get(hash) ?? null;
    },

    async get(organizationId, id) {
      const record = organizations.get(organizationId)?.byId.get(id);
      return record ? copy(record) : null;
    },

    async list(organizationId, { limit, after }): Promise<ListPage> {
      const tokens = organizations.get(organizationId)?.tokens ?? [];
      const start = after ? firstAfter(tokens, after) : 0;
      const items = tokens.slice(start, start + limit).map(copy);
      const last = items[items.length - 1];
      const hasMore = start + limit < tokens.length;
      return { items, next: hasMore && last ? { createdAt: last.createdAt, id: last.id } : null };
    },

    async deleteMany(organizationId, ids): Promise<DeleteManyResult> {
      const org = organizations.get(organizationId);
      const records = ids.map((id) => org?.byId.get(id));
      const missing = ids.filter((_, i) => records[i] === undefined);
      if (missing.length > 0) return { ok: false, missing };
      const deleted = records as TokenRecord[];
      for (const record of deleted) remove(record);
      return { ok: true, deleted: deleted.map(copy) };
    },

    async deleteByProject(projectId) {
      return removeWhere((r) => r.scope.kind === 'project' && r.scope.projectId === projectId);
    },

    async deleteExpired(expiredBefore) {
      return removeWhere((r) => r.expiresAt !== null && r.expiresAt <= expiredBefore);
    },

    async touch(updates: readonly LastUsedUpdate[]) {
      for (const update of updates) {
        const record = organizations.get(update.organizationId)?.byId.get(update.id);
        if (record && (record.lastUsedAt === null || record.lastUsedAt < update.lastUsedAt)) {
          record.lastUsedAt = update.lastUsedAt;
        }
      }
    },
  } satisfies TokenStore;
}

function copy(record: TokenRecord): TokenRecord {
  return { ...record, scope: { ...record.scope } };
}
