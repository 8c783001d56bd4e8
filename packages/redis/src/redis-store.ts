import type { AuditDraft, AuditStore, DeleteManyResult, LastUsedUpdate, LimitsStore, ListPage, RateLimiterStore, TokenRecord, TokenStore, UsageStore } from '@keyward/core';
import { auditLog, noteAuditedOrganizations, pruneAudit } from './audit.js';
import { rateLimiterPart } from './rate-limiter.js';
import { spend } from './spend.js';
import { addUsage, pruneUsage, readUsage } from './usage.js';
import { changeChecks } from './change-checks.js';
import { rollToken, updateToken } from './changes.js';
import { decodeListing, decodeLookup, encodeInstant, LOOKUP_JSON_FIELDS, lookupJson } from './codec.js';
import { createContext, type StoreContext } from './context.js';
import { guard, toStoreError } from './errors.js';
import { checkExpiringOptions, listExpiring } from './expiring.js';
import { expiryDigits, orderMember, parseExpiryMember, parseOrderMember } from './keys.js';
import type { RedisStoreOptions } from './options.js';
import { fetchGone, fetchRecords, fetchTokens, resolveIndexEntries, type StoredToken } from './reads.js';
import { parseReconcileOptions, reconcile, removeOrphans, type ReconcileOptions, type ReconcileResult } from './reconcile.js';
import { ensureSchema } from './schema.js';
import { insertSteps, newRemoval, recordHashes, removalKey, removeSteps, runSteps, type Claim } from './steps.js';
import { oneAtATime } from './one-at-a-time.js';

/** Parsed lookup records remembered per store (the most recently first seen). */
const PARSED_RECORDS = 2048;

/** Index entries handled per round of deleteByProject / deleteExpired, so no single script or command grows unbounded. */
const BATCH = 1000;

function assertStorable(record: TokenRecord): void {
  // The listing order encodes createdAt as 16 fixed-width digits.
  if (!Number.isSafeInteger(record.createdAt) || record.createdAt < 0) {
    throw new RangeError(`insert(record): record.createdAt must be a non-negative integer (epoch ms), got ${record.createdAt}`);
  }
  // The expiry index encodes expiresAt as fixed-width digits of a safe integer.
  if (record.expiresAt !== null && !Number.isSafeInteger(record.expiresAt)) {
    throw new RangeError(`insert(record): record.expiresAt must be an integer (epoch ms) or null, got ${record.expiresAt}`);
  }
  if (record.previous !== null && !Number.isSafeInteger(record.previous.expiresAt)) {
    throw new RangeError(`insert(record): record.previous.expiresAt must be an integer (epoch ms), got ${record.previous.expiresAt}`);
  }
  // The expiry index ends an id with a NUL.
  if (record.id.includes('\0')) throw new RangeError('insert(record): record.id must not contain NUL');
  if (record.lastUsedAt !== null && !Number.isFinite(record.lastUsedAt)) {
    throw new RangeError(`insert(record): record.lastUsedAt must be a finite number (epoch ms) or null, got ${record.lastUsedAt}`);
  }
  // The limits field holds integers (the spend script does its arithmetic on them).
  const integer = (value: unknown, field: string) => {
    if (value != null && !Number.isSafeInteger(value)) throw new RangeError(`insert(record): record.${field} must be an integer or null, got ${String(value)}`);
  };
  integer(record.remaining, 'remaining');
  integer(record.refilledAt, 'refilledAt');
  integer(record.rateLimit?.limit, 'rateLimit.limit');
  integer(record.rateLimit?.window, 'rateLimit.window');
  integer(record.refill?.amount, 'refill.amount');
  integer(record.refill?.interval, 'refill.interval');
}

/**
 * Runs the deletion steps of `records` and returns those this call removed itself: when two
 * deletions of one token overlap, only the one whose script unlisted it reports it.
 */
async function removeExactly(ctx: StoreContext, tokens: readonly StoredToken[], audit?: AuditDraft): Promise<TokenRecord[]> {
  const removal = newRemoval();
  await noteAuditedOrganizations(ctx, audit, tokens.map((t) => t.record.organizationId));
  await runSteps(removeSteps(ctx, tokens, removal, audit));
  return tokens.flatMap(({ record: r }) => (removal.unlisted.has(removalKey(r.organizationId, r.id)) ? [r] : []));
}

/** Deletes the live tokens behind a batch of index entries, then the batch's entries (stale ones included). */
async function removeIndexed(
  ctx: StoreContext,
  members: readonly string[],
  matches: (record: TokenRecord) => boolean,
  dropEntries: (members: string[]) => Promise<unknown>,
  audit?: AuditDraft,
): Promise<TokenRecord[]> {
  const entries = await resolveIndexEntries(ctx, members);
  const tokens = entries.flatMap((e) => (e.token && matches(e.token.record) ? [e.token] : []));
  const removed = await removeExactly(ctx, tokens, audit);
  // An entry whose listing is gone may still have lookup keys (a failover undid its deletion):
  // remove them too (the entry's hash at insert, and every hash its organization remembers for
  // the id), so every token that verifies stays revocable. In ordinary runs the lookup keys went
  // first and there is nothing to remove (nothing is reported twice).
  const orphans = entries.flatMap((e) => (e.token === null ? e.orphanHashes : []));
  removed.push(...(await removeOrphans(ctx, orphans)));
  await dropEntries(entries.map((e) => e.member));
  return removed;
}

/**
 * The `<p>expiry` side of deleteExpired: entries up to `expiredBefore` whose token is gone (a
 * deletion or an upgrade that stopped half-way) are dropped, and a live token found there only
 * (one whose `<p>expiring` entry was lost) is deleted like the others.
 */
async function sweepExpiry(ctx: StoreContext, expiredBefore: number, audit?: AuditDraft): Promise<TokenRecord[]> {
  const by = Math.floor(Math.min(expiredBefore, Number.MAX_SAFE_INTEGER));
  if (by < -Number.MAX_SAFE_INTEGER) return [];
  const deleted: TokenRecord[] = [];
  for (;;) {
    const members = await ctx.client.zrangebylex(ctx.keys.expiry, '-', `(${expiryDigits(by)};`, 'LIMIT', 0, BATCH);
    if (members.length === 0) break;
    const byOrganization = new Map<string, string[]>();
    for (const { organizationId, id } of members.map(parseExpiryMember)) byOrganization.set(organizationId, [...(byOrganization.get(organizationId) ?? []), id]);
    const tokens: StoredToken[] = [];
    await Promise.all(
      [...byOrganization].map(async ([organizationId, ids]) => {
        for (const token of await fetchTokens(ctx, organizationId, ids)) if (token) tokens.push(token);
      }),
    );
    deleted.push(...(await removeExactly(ctx, tokens, audit)));
    await ctx.client.zrem(ctx.keys.expiry, ...members);
    if (members.length < BATCH) break;
  }
  return deleted;
}

/**
 * Of `ids` not listed in the organization, those whose lookup key still exists (a failover
 * brought it back after the listing was removed), by hash: found through the organization's
 * record of recent deletions.
 */
async function findUnlisted(ctx: StoreContext, organizationId: string, ids: readonly string[]): Promise<Map<string, string[]>> {
  const gone = await fetchGone(ctx, organizationId, ids);
  const found = new Map<string, string[]>();
  await Promise.all(
    ids.map(async (id, i) => {
      const alive = await Promise.all(gone[i]!.map(async (hash) => ((await ctx.client.hexists(ctx.keys.byHash(hash), 'r')) === 1 ? [hash] : [])));
      if (alive.flat().length > 0) found.set(id, alive.flat());
    }),
  );
  return found;
}

/**
 * A Redis token store: the `TokenStore` contract with every part of contract v3 (limits and
 * `spend()`, a `RateLimiterRedis` on the same client, the audit trail, daily usage), plus `reconcile()`.
 * @example const store: RedisTokenStore = redisStore({ client });
 */
export interface RedisTokenStore extends TokenStore, LimitsStore, RateLimiterStore, AuditStore, UsageStore {
  /**
   * Finds tokens that verify without being listed and deletes them, and finishes rolls and
   * updates that stopped part-way (their lookup keys), and rewrites records an earlier schema
   * wrote in this version's forms, one bounded slice per call; call again with the returned
   * `cursor` until it is null. Run it once after upgrading, after a failover of a store without
   * durability, after restoring keys from a backup, and on a schedule as a safety net.
   * @example
   * let cursor: string | null = null;
   * do ({ cursor } = await store.reconcile({ cursor })); while (cursor);
   */
  reconcile(options?: ReconcileOptions): Promise<ReconcileResult>;
  /**
   * Closes the connections the store opened itself (one per primary for durability's WAIT,
   * opened on first use); the caller's client stays open. `keyward.close()` calls it.
   * @example await store.close(); await client.quit();
   */
  close(): Promise<void>;
}

/**
 * A keyward `TokenStore` on Redis, standalone or Cluster, over the caller's ioredis client.
 *
 * Verification (`findByHash`) is one HMGET. Name uniqueness is decided by a Lua script on the
 * organization's Cluster slot. Writes spanning slots are ordered so an interruption can leave a
 * listed token that does not verify, never a token that verifies but is not listed. Every Redis
 * failure fails closed: an outage as `StoreUnavailableError` (503), anything retrying will not
 * change as `StoreFailedError` (500); `REDIS_ERRORS` in errors.ts (and docs/stores.md) says which.
 * Concurrent rolls and renames of one token all succeed.
 *
 * The store registers `keywardV4…` script commands on the client and never closes it; with
 * durability, it opens one connection of its own per primary for WAIT (closed by `close()`). Keys written
 * by the first release (schema 1) are upgraded in place on first use (see README, "Schema").
 * Give the client `maxRetriesPerRequest: 1` and a `commandTimeout` so an outage fails fast.
 *
 * In Cloudflare Workers (workerd with `nodejs_compat`), ioredis connects through workerd's
 * `node:net` and every connection belongs to the request that opened it: create the client and
 * the store per request. A client first used by an earlier request is refused by every method with
 * a `ConfigurationError` naming `client` (its commands would never be answered).
 *
 * @throws ConfigurationError when `client` is not an ioredis client, a Cluster client reads
 *   from replicas, or `keyPrefix` is not a string (and, from a method, in workerd, when `client`
 *   was first used by another request)
 * @example
 * import { Redis } from 'ioredis';
 * import { createKeyward } from '@keyward/core';
 * import { redisStore } from '@keyward/redis';
 *
 * const client = new Redis({ maxRetriesPerRequest: 1, commandTimeout: 1000 });
 * const keyward = createKeyward({ store: redisStore({ client }), resolveProject });
 */
export function redisStore(options: RedisStoreOptions): RedisTokenStore {
  const ctx = createContext(options);
  const { client, keys, scripts } = ctx;
  // Writes, listExpiring and reconcile wait for the upgrade, once (a failed attempt is forgotten,
  // so the next call tries again). findByHash, get and list read nothing schema 1 lacks, so reads
  // never wait for it (nor for the replicas it waits for).
  let schema: Promise<unknown> | undefined;
  const ready = (): Promise<unknown> => {
    schema ??= ensureSchema(ctx).catch((error: unknown) => {
      schema = undefined;
      throw error;
    });
    return schema;
  };
  // In workerd, a client kept from an earlier request is refused by name before any command (its
  // replies would never come); elsewhere checkRequest is undefined.
  const { checkRequest } = ctx;
  const read = <T>(operation: string, work: () => Promise<T>): Promise<T> =>
    guard(operation, async () => {
      checkRequest?.();
      return work();
    });
  const run = <T>(operation: string, work: () => Promise<T>): Promise<T> =>
    read(operation, async () => {
      await ready();
      return work();
    });
  // Rolls and updates of one token from this process go one at a time (see oneAtATime).
  const perToken = oneAtATime();
  const failedLookup = (error: unknown): never => {
    throw toStoreError('findByHash', error);
  };
  // Kept for the HTTP figure, not a micro one: a guarded Redis route already costs 1.07× its floor
  // (docs/benchmarks.md), and a JSON parse per request would add more than the rest of the lookup.
  // Redis is still read every time; only the parse of bytes already seen is remembered (a pure
  // function of them), so a deleted or changed token is seen at once. Frozen: the store may hand
  // the same record to several requests, which treat it as read-only.
  // The JSON leaves out the key's own hash, so an entry is reused only for the hash it was read for.
  const parsed = new Map<string, { record: TokenRecord; lastUsedAt: string | null; limits: string | null }>();
  const readLookup = (hash: string, fields: Array<string | null>): TokenRecord | null => {
    const json = lookupJson(fields);
    if (json === null) return null;
    const lastUsedAt = fields[4] ?? null;
    const limits = fields[5] ?? null;
    const known = parsed.get(json);
    if (known !== undefined && known.lastUsedAt === lastUsedAt && known.limits === limits && known.record.hash === hash) return known.record;
    let record: TokenRecord;
    try {
      record = Object.freeze(decodeLookup(json, hash, lastUsedAt, limits));
    } catch (error) {
      // An unreadable record is a store that cannot answer, never "not found".
      return failedLookup(error);
    }
    if (known === undefined && parsed.size >= PARSED_RECORDS) parsed.delete(parsed.keys().next().value!);
    parsed.set(json, { record, lastUsedAt, limits });
    return record;
  };

  return {
    async insert(record, audit) {
      assertStorable(record);
      const [claim, ...rest] = insertSteps(ctx, record, audit);
      let claimed: Claim;
      try {
        claimed = await run('insert', async () => {
          await noteAuditedOrganizations(ctx, audit, [record.organizationId]);
          return claim();
        });
        if (claimed === 'ok') await guard('insert', () => runSteps(rest));
      } catch (error) {
        // The caller is told the insert failed, so the token must not live on, even if a step
        // whose reply was lost did apply. Undo in deletion order (it never verifies unlisted);
        // the name is freed only if it points at this id. If Redis is still unreachable this
        // fails too and the token may stay listed but unverifiable, to be deleted by id.
        await runSteps(removeSteps(ctx, [{ record, hashes: recordHashes(record) }])).catch(() => {});
        throw error;
      }
      if (claimed === 'id_taken') throw new Error(`insert(record): a token with id "${record.id}" already exists in organization "${record.organizationId}"`);
      return claimed;
    },

    findByHash(hash) {
      const lookup = () => client.hmget(keys.byHash(hash), ...LOOKUP_JSON_FIELDS, 'u', 'l').then((fields) => readLookup(hash, fields), failedLookup);
      if (checkRequest) return read('findByHash', lookup);
      // The hot path: one HMGET and no extra async frame. (Core's opt-in cache, fed by
      // redisInvalidations, answers hits before this is called.)
      return lookup();
    },

    async get(organizationId, id) {
      return read('get', async () => (await fetchRecords(ctx, organizationId, [id]))[0] ?? null);
    },

    async list(organizationId, { limit, after }): Promise<ListPage> {
      if (after && !Number.isSafeInteger(after.createdAt)) {
        throw new RangeError(`list(options): after.createdAt must be an integer (epoch ms), got ${after.createdAt}`);
      }
      // Every stored createdAt is ≥ 0, so nothing comes after a negative cursor.
      if (after && after.createdAt < 0) return { items: [], next: null };
      const max = after ? `(${orderMember(after.createdAt, after.id)}` : '+';
      return read('list', async () => {
        const [found, ...rows] = await scripts.list(keys.organization(organizationId), max, limit);
        const items: TokenRecord[] = [];
        let lastMember: string | undefined;
        for (let i = 0; i < rows.length; i += 4) {
          lastMember = rows[i] as string;
          const json = rows[i + 1] as string | null;
          if (json !== null) items.push(decodeListing(json, organizationId, parseOrderMember(lastMember).id, rows[i + 2] as string | null, rows[i + 3] as string | null));
        }
        const next = (found as number) > limit && lastMember !== undefined ? parseOrderMember(lastMember) : null;
        return { items, next };
      });
    },

    async deleteMany(organizationId, ids, audit): Promise<DeleteManyResult> {
      return run('deleteMany', async () => {
        // One HMGET is an atomic snapshot of the organization: the ids it finds are deleted, the
        // others are missing and do not stop them. A concurrent deletion of some of the same ids
        // makes the later steps find less to remove: each token is reported by the one call whose
        // script unlisted it, and the other calls answer it missing, as if they had run just after.
        const tokens = await fetchTokens(ctx, organizationId, ids);
        const unlistedIds = ids.filter((_, i) => tokens[i] === null);
        // A token that verifies must stay deletable by id, even when its listing is gone.
        const unlisted = unlistedIds.length > 0 ? await findUnlisted(ctx, organizationId, unlistedIds) : new Map<string, string[]>();
        const deleted = await removeExactly(ctx, tokens.filter((t): t is StoredToken => t !== null), audit);
        deleted.push(...(await removeOrphans(ctx, [...unlisted.values()].flat())));
        const found = new Set(deleted.map((record) => record.id));
        return { deleted, missing: ids.filter((id) => !found.has(id)) };
      });
    },

    async deleteByProject(projectId, audit) {
      return run('deleteByProject', async () => {
        const indexKey = keys.project(projectId);
        const members = await client.smembers(indexKey);
        const deleted: TokenRecord[] = [];
        for (let start = 0; start < members.length; start += BATCH) {
          const batch = members.slice(start, start + BATCH);
          const matches = (r: TokenRecord) => r.scope.kind === 'project' && r.scope.projectId === projectId;
          deleted.push(...(await removeIndexed(ctx, batch, matches, (m) => client.srem(indexKey, ...m), audit)));
        }
        return deleted;
      });
    },

    async deleteExpired(expiredBefore, audit) {
      return run('deleteExpired', async () => {
        const deleted: TokenRecord[] = [];
        for (;;) {
          // Each round removes every entry it read (a member's score is its record's expiresAt,
          // and records never change), so the loop always makes progress.
          const members = await client.zrangebyscore(keys.expiring, '-inf', expiredBefore, 'LIMIT', 0, BATCH);
          if (members.length === 0) break;
          const matches = (r: TokenRecord) => r.expiresAt !== null && r.expiresAt <= expiredBefore;
          deleted.push(...(await removeIndexed(ctx, members, matches, (m) => client.zrem(keys.expiring, ...m), audit)));
          if (members.length < BATCH) break;
        }
        deleted.push(...(await sweepExpiry(ctx, expiredBefore, audit)));
        return deleted;
      });
    },

    async touch(updates: readonly LastUsedUpdate[]) {
      for (const [i, update] of updates.entries()) {
        if (!Number.isFinite(update.lastUsedAt)) throw new RangeError(`touch(updates): updates.${i}.lastUsedAt must be a finite number (epoch ms)`);
      }
      if (updates.length === 0) return;
      await run('touch', async () => {
        const latest = new Map<string, LastUsedUpdate>();
        for (const u of updates) {
          const key = `${u.organizationId}\n${u.id}`;
          if ((latest.get(key)?.lastUsedAt ?? -Infinity) < u.lastUsedAt) latest.set(key, u);
        }
        const byOrganization = new Map<string, LastUsedUpdate[]>();
        for (const u of latest.values()) {
          const group = byOrganization.get(u.organizationId);
          if (group) group.push(u);
          else byOrganization.set(u.organizationId, [u]);
        }
        // Two copies of lastUsedAt (the organization's, for get/list, and the lookup key's, for
        // findByHash), each raised by compare-and-set only where the token still exists.
        // The organization's answer names the lookup keys; all calls go out pipelined.
        await Promise.all(
          [...byOrganization].map(async ([organizationId, group]) => {
            const pairs = group.flatMap((u) => [u.id, encodeInstant(u.lastUsedAt)]);
            const found = await scripts.touchOrganization(keys.organization(organizationId).records, pairs);
            await Promise.all(
              group.map(async (u, i) => {
                const json = found[i];
                if (json == null) return;
                const record = decodeListing(json, organizationId, u.id, null);
                const lastUsedAt = encodeInstant(u.lastUsedAt);
                // Both secrets' lookup keys: findByHash of either returns lastUsedAt.
                await Promise.all(recordHashes(record).map((hash) => scripts.touchLookup(keys.byHash(hash), lastUsedAt)));
              }),
            );
          }),
        );
      });
    },

    async reconcile(reconcileOptions?: ReconcileOptions) {
      parseReconcileOptions(reconcileOptions);
      return run('reconcile', () => reconcile(ctx, reconcileOptions));
    },

    async roll(organizationId, id, change, audit) {
      changeChecks.roll(change);
      return run('roll', async () => {
        await noteAuditedOrganizations(ctx, audit, [organizationId]);
        return perToken(removalKey(organizationId, id), () => rollToken(ctx, organizationId, id, change, audit));
      });
    },

    async update(organizationId, id, change, audit) {
      changeChecks.update(change);
      return run('update', async () => {
        await noteAuditedOrganizations(ctx, audit, [organizationId]);
        return perToken(removalKey(organizationId, id), () => updateToken(ctx, organizationId, id, change, audit));
      });
    },

    spend(organizationId, id, cost, now) {
      return run('spend', () => spend(ctx, organizationId, id, cost, now));
    },

    ...rateLimiterPart(ctx),

    auditLog(organizationId, auditOptions) {
      return read('auditLog', () => auditLog(ctx, organizationId, auditOptions));
    },

    pruneAudit(before) {
      return run('pruneAudit', () => pruneAudit(ctx, before));
    },

    addUsage(counts, usageOptions) {
      return run('addUsage', () => addUsage(ctx, counts, usageOptions));
    },

    readUsage(organizationId, usageOptions) {
      return read('readUsage', () => readUsage(ctx, organizationId, usageOptions));
    },

    pruneUsage(beforeDay) {
      return run('pruneUsage', () => pruneUsage(ctx, beforeDay));
    },

    async listExpiring(expiringOptions) {
      checkExpiringOptions(expiringOptions);
      return run('listExpiring', () => listExpiring(ctx, expiringOptions));
    },

    async close() {
      // The durability waits' connections; the caller's client stays open.
      await ctx.close();
    },
  } satisfies RedisTokenStore;
}
