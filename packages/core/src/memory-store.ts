import { refilled } from './credits.js';
import { deepFreeze } from './deep-freeze.js';
import { MemoryAuditLog } from './memory-audit.js';
import { memoryRateLimiter } from './memory-rate-limiter.js';
import { MemoryUsage } from './memory-usage.js';
import type { TokenScope } from './scope.js';
import type { AuditDraft, DeleteManyResult, RateLimiterLike, ExpiringPage, FullTokenStore, LastUsedUpdate, ListCursor, ListPage, SpendResult, TokenRecord } from './store.js';

/** Oldest first: createdAt ascending, then id ascending (the reverse of the listing order). */
function compareOldestFirst(a: ListCursor, b: ListCursor): number {
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Index of the first element of an oldest-first array that is not before `cursor` (or `upper`: after it). */
function bound(sorted: readonly TokenRecord[], cursor: ListCursor, upper: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const order = compareOldestFirst(sorted[mid]!, cursor);
    if (order < 0 || (upper && order === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// V8 builds long strings made by concatenation (nanoid ids, template literals) as trees of
// 32-byte nodes, one per piece, until something flattens them: a 25-character id can hold
// 400 bytes that way. normalize() hands back a flat string (the cheapest way found to get one);
// when it would change the string (not NFC), a JSON round trip copies it as it is.
// Short strings are always flat.
const FLAT_BELOW = 13;
function flat(value: string): string {
  if (value.length < FLAT_BELOW) return value;
  const normalized = value.normalize('NFC');
  return normalized === value ? normalized : (JSON.parse(JSON.stringify(value)) as string);
}

const ORGANIZATION_SCOPE: TokenScope = Object.freeze({ kind: 'organization' });

interface Organization {
  /** The organization id every record of it points at: one string instead of one per token. */
  id: string;
  /** Oldest first, so a new token is appended rather than shifting every other one. */
  tokens: TokenRecord[];
  /** Name keys in use. */
  names: Set<string>;
  /** createdBy values, interned: an organization has few users and many tokens. */
  users: Map<string, string>;
  /** Frozen project scopes, shared by every token of the project. */
  scopes: Map<string, TokenScope>;
}

/**
 * The in-process store: the embedded default and the one to use in host apps' tests. It carries
 * every part of contract v3 (limits, rate limiter, audit trail, usage counts).
 * Everything lives in this process's memory and is gone when it exits; operations are
 * synchronous under the hood, so atomicity comes from JavaScript's single thread: an action and
 * its audit entries, a spend and its check, are each one synchronous step.
 *
 * Records are kept frozen and compact (one object per token, strings flattened, organization
 * ids, user ids and scopes shared), so `findByHash` hands out the stored record itself without
 * a copy, and a million tokens fit in a few hundred MB. A use recorded by `touch` replaces the
 * record rather than changing it.
 *
 * @example
 * const keyward = createKeyward({ store: memoryStore(), resolveProject });
 */
export function memoryStore(): FullTokenStore {
  const audit = new MemoryAuditLog();
  const usage = new MemoryUsage();
  const limiters = new Map<string, RateLimiterLike>();
  const byHash = new Map<string, TokenRecord>();
  // Token ids are unique across organizations (ids are random; SQLite enforces it with a primary
  // key), so one map serves every organization; lookups still check the organization.
  const byId = new Map<string, TokenRecord>();
  const organizations = new Map<string, Organization>();

  function organization(id: string): Organization {
    let org = organizations.get(id);
    if (!org) {
      org = { id: flat(id), tokens: [], names: new Set(), users: new Map(), scopes: new Map() };
      organizations.set(org.id, org);
    }
    return org;
  }

  function shared(map: Map<string, string>, value: string): string {
    let interned = map.get(value);
    if (interned === undefined) {
      interned = flat(value);
      map.set(interned, interned);
    }
    return interned;
  }

  function scopeOf(org: Organization, scope: TokenScope): TokenScope {
    if (scope.kind === 'organization') return ORGANIZATION_SCOPE;
    let interned = org.scopes.get(scope.projectId);
    if (!interned) {
      interned = Object.freeze({ kind: 'project', projectId: flat(scope.projectId) });
      org.scopes.set(interned.projectId, interned);
    }
    return interned;
  }

  function ownRecord(organizationId: string, id: string): TokenRecord | undefined {
    const record = byId.get(id);
    return record !== undefined && record.organizationId === organizationId ? record : undefined;
  }

  function remove(record: TokenRecord): void {
    const org = organizations.get(record.organizationId);
    byHash.delete(record.hash);
    if (record.previous) byHash.delete(record.previous.hash);
    byId.delete(record.id);
    if (!org) return;
    org.names.delete(record.nameKey);
    const index = bound(org.tokens, record, false);
    if (org.tokens[index] === record) org.tokens.splice(index, 1);
    if (org.tokens.length === 0) organizations.delete(record.organizationId);
  }

  /** Swaps `record` for `next` (same id and position) everywhere it is indexed, by each of its secrets. */
  function replace(record: TokenRecord, next: TokenRecord): void {
    if (record.hash !== next.hash) byHash.delete(record.hash);
    if (record.previous && record.previous.hash !== next.previous?.hash) byHash.delete(record.previous.hash);
    byHash.set(next.hash, next);
    if (next.previous) byHash.set(next.previous.hash, next);
    byId.set(next.id, next);
    const tokens = organizations.get(record.organizationId)?.tokens;
    if (!tokens) return;
    const index = bound(tokens, record, false);
    if (tokens[index] === record) tokens[index] = next;
  }

  function removeWhere(predicate: (record: TokenRecord) => boolean, draft: AuditDraft | undefined): TokenRecord[] {
    const removed: TokenRecord[] = [];
    for (const record of byId.values()) if (predicate(record)) removed.push(record);
    const entries = audit.entries(draft, removed);
    for (const record of removed) remove(record);
    audit.add(entries);
    return removed.map(copy);
  }

  return {
    async insert(input, draft) {
      if (byId.has(input.id)) throw new Error(`insert(record): a token with id "${input.id}" already exists`);
      const org = organization(input.organizationId);
      if (org.names.has(input.nameKey)) return 'name_taken';
      const name = flat(input.name);
      const record: TokenRecord = Object.freeze({
        id: flat(input.id),
        organizationId: org.id,
        name,
        // Most name keys differ from the name only by case; an identical one is stored once.
        nameKey: input.nameKey === input.name ? name : flat(input.nameKey),
        scope: scopeOf(org, input.scope),
        hash: flat(input.hash),
        hint: flat(input.hint),
        createdAt: input.createdAt,
        createdBy: shared(org.users, input.createdBy),
        expiresAt: input.expiresAt,
        lastUsedAt: input.lastUsedAt,
        permissions: frozenCopy(input.permissions),
        metadata: frozenCopy(input.metadata),
        previous: input.previous && Object.freeze({ ...input.previous }),
        // Kept as given: a record without the v3 fields (an older caller) reads back without them.
        enabled: input.enabled,
        rateLimit: input.rateLimit && Object.freeze({ ...input.rateLimit }),
        remaining: input.remaining,
        refill: input.refill && Object.freeze({ ...input.refill }),
        refilledAt: input.refilledAt,
      });
      // Entries are built before anything changes: a draft that cannot be stored leaves no token behind.
      const entries = audit.entries(draft, [record]);
      byHash.set(record.hash, record);
      if (record.previous) byHash.set(record.previous.hash, record);
      byId.set(record.id, record);
      org.names.add(record.nameKey);
      const at = bound(org.tokens, record, true);
      if (at === org.tokens.length) org.tokens.push(record);
      else org.tokens.splice(at, 0, record);
      audit.add(entries);
      return 'ok';
    },

    findByHash(hash) {
      return byHash.get(hash) ?? null;
    },

    async get(organizationId, id) {
      const record = ownRecord(organizationId, id);
      return record ? copy(record) : null;
    },

    async list(organizationId, { limit, after }): Promise<ListPage> {
      const tokens = organizations.get(organizationId)?.tokens ?? [];
      // Newest first is the array read backwards, from just before the cursor.
      const end = after ? bound(tokens, after, false) : tokens.length;
      const start = Math.max(0, end - limit);
      const items: TokenRecord[] = [];
      for (let i = end - 1; i >= start; i--) items.push(copy(tokens[i]!));
      const last = items[items.length - 1];
      return { items, next: start > 0 && last ? { createdAt: last.createdAt, id: last.id } : null };
    },

    async deleteMany(organizationId, ids, draft): Promise<DeleteManyResult> {
      // Synchronous from here to the return, so the whole call (its audit entries included) is one atomic step.
      const deleted: TokenRecord[] = [];
      const taken = new Set<string>();
      const missing: string[] = [];
      for (const id of ids) {
        const record = ownRecord(organizationId, id);
        // An id listed twice is deleted once; the second time it is already gone, as before.
        if (record && !taken.has(id)) {
          taken.add(id);
          deleted.push(record);
        } else {
          missing.push(id);
        }
      }
      const entries = audit.entries(draft, deleted);
      for (const record of deleted) remove(record);
      audit.add(entries);
      return { deleted: deleted.map(copy), missing };
    },

    async deleteByProject(projectId, draft) {
      const deleted = removeWhere((r) => r.scope.kind === 'project' && r.scope.projectId === projectId, draft);
      for (const org of organizations.values()) org.scopes.delete(projectId);
      return deleted;
    },

    async deleteExpired(expiredBefore, draft) {
      return removeWhere((r) => r.expiresAt !== null && r.expiresAt <= expiredBefore, draft);
    },

    async roll(organizationId, id, { hash, hint, previousExpiresAt }, draft) {
      const record = ownRecord(organizationId, id);
      if (!record) return null;
      const previous = previousExpiresAt === null ? null : Object.freeze({ hash: record.hash, hint: record.hint, expiresAt: previousExpiresAt });
      const next = Object.freeze({ ...record, hash: flat(hash), hint: flat(hint), previous });
      const entries = audit.entries(draft, [record]);
      replace(record, next);
      audit.add(entries);
      return copy(next);
    },

    async update(organizationId, id, change, draft) {
      const record = ownRecord(organizationId, id);
      if (!record) return null;
      const org = organization(organizationId);
      const renamed = change.nameKey !== undefined && change.nameKey !== record.nameKey;
      if (renamed && org.names.has(change.nameKey!)) return 'name_taken';
      const next: TokenRecord = Object.freeze({
        ...record,
        ...(change.name !== undefined && { name: flat(change.name) }),
        ...(change.nameKey !== undefined && { nameKey: flat(change.nameKey) }),
        ...(change.metadata !== undefined && { metadata: frozenCopy(change.metadata) }),
        ...(change.enabled !== undefined && { enabled: change.enabled }),
        ...(change.rateLimit !== undefined && { rateLimit: frozenCopy(change.rateLimit) }),
        ...(change.remaining !== undefined && { remaining: change.remaining }),
        ...(change.refill !== undefined && { refill: frozenCopy(change.refill) }),
        ...(change.refilledAt !== undefined && { refilledAt: change.refilledAt }),
      });
      const entries = audit.entries(draft, [record]);
      if (renamed) {
        org.names.delete(record.nameKey);
        org.names.add(next.nameKey);
      }
      replace(record, next);
      audit.add(entries);
      return copy(next);
    },

    spend(organizationId, id, cost, now): SpendResult {
      const record = ownRecord(organizationId, id);
      if (!record) return null;
      if (typeof record.remaining !== 'number') return { ok: true, remaining: null, refilledAt: record.refilledAt ?? null };
      const { remaining, refilledAt } = refilled(record, now) as { remaining: number; refilledAt: number | null };
      const ok = remaining >= cost;
      const left = ok ? remaining - cost : remaining;
      // A refill that fell due is kept even when the spend is refused.
      if (left !== record.remaining || refilledAt !== (record.refilledAt ?? null)) replace(record, Object.freeze({ ...record, remaining: left, refilledAt }));
      return ok ? { ok, remaining: left, refilledAt } : { ok, remaining: left, refilledAt };
    },

    rateLimiter(options) {
      // Every keyward sharing this store must count in the same limiter, as they would in Redis.
      const key = `${options.keyPrefix}|${options.points}|${options.duration}`;
      let limiter = limiters.get(key);
      if (limiter === undefined) limiters.set(key, (limiter = memoryRateLimiter(options)));
      return limiter;
    },

    async auditLog(organizationId, options) {
      return audit.page(organizationId, options);
    },

    async pruneAudit(before) {
      return audit.prune(before);
    },

    async addUsage(counts) {
      usage.add(counts);
    },

    async readUsage(organizationId, options) {
      return usage.read(organizationId, options);
    },

    async pruneUsage(beforeDay) {
      return usage.prune(beforeDay);
    },

    async listExpiring({ expiresAfter, expiresBy, limit, after }): Promise<ExpiringPage> {
      // A scan: the memory store serves tests and single processes, where a daily job over every token is cheap.
      const matching: TokenRecord[] = [];
      for (const record of byId.values()) {
        const at = record.expiresAt;
        if (at === null || at <= expiresAfter || at > expiresBy) continue;
        if (after && (at < after.expiresAt || (at === after.expiresAt && record.id <= after.id))) continue;
        matching.push(record);
      }
      matching.sort((a, b) => a.expiresAt! - b.expiresAt! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const items = matching.slice(0, limit).map(copy);
      const last = items[items.length - 1];
      return { items, next: matching.length > limit && last ? { expiresAt: last.expiresAt!, id: last.id } : null };
    },

    async touch(updates: readonly LastUsedUpdate[]) {
      for (const update of updates) {
        const record = ownRecord(update.organizationId, update.id);
        if (record && (record.lastUsedAt === null || record.lastUsedAt < update.lastUsedAt)) {
          replace(record, Object.freeze({ ...record, lastUsedAt: update.lastUsedAt }));
        }
      }
    },
  } satisfies FullTokenStore;
}

/** A mutable copy for callers of everything but `findByHash`. */
function copy(record: TokenRecord): TokenRecord {
  return {
    ...record,
    scope: { ...record.scope },
    permissions: record.permissions && [...record.permissions],
    metadata: record.metadata && (structuredClone(record.metadata) as Record<string, unknown>),
    previous: record.previous && { ...record.previous },
    ...(record.rateLimit && { rateLimit: { ...record.rateLimit } }),
    ...(record.refill && { refill: { ...record.refill } }),
  };
}

/** A deep-frozen copy, so the record `findByHash` hands out cannot be changed through a nested value. */
function frozenCopy<T>(value: T): T {
  return value === null || typeof value !== 'object' ? value : deepFreeze(structuredClone(value));
}
