import type { AuditDraft, TokenRecord } from '@keyward/core';
import { auditArgs } from './audit.js';
import { decodeListing, encodeInstant, encodeListing, encodeLookup } from './codec.js';
import type { StoreContext } from './context.js';
import { expiryMember, indexMember, limitsField, orderMember, recordField } from './keys.js';
import { encodeLimits } from './limits-field.js';
import type { StoredToken } from './reads.js';

/** Outcome of claiming a name and an id in an organization. */
export type Claim = 'ok' | 'name_taken' | 'id_taken';

/** One write of a multi-step operation. */
export type Step = () => Promise<void>;

/** How long a deleted token's id → hash stays findable in `gone` (a failover undoes seconds, not days). */
export const GONE_RETENTION_MS = 86_400_000;

/** Lookup keys handed to one unpublish script on a single server (Lua's stack holds ~8000 values). */
const UNPUBLISH_BATCH = 1000;

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** `write` (to `keys`), then the durability wait: the next step starts only once this one would survive a failover. */
function durable<T>(ctx: StoreContext, keys: () => string[], write: () => Promise<T>): () => Promise<T> {
  return async () => {
    const result = await write();
    await ctx.settle(keys());
    return result;
  };
}

/** What a deletion actually removed, filled in by `removeSteps` as its steps run. */
export interface Removal {
  /** `<organizationId>\n<id>` of each record whose listing this call removed. */
  unlisted: Set<string>;
  /** Hash → record JSON of each lookup key this call removed. */
  unpublished: Map<string, string>;
}

/**
 * An empty `Removal`, to pass to `removeSteps` or `unpublish`.
 * @example const removal = newRemoval(); await runSteps(removeSteps(ctx, records, removal));
 */
export const newRemoval = (): Removal => ({ unlisted: new Set(), unpublished: new Map() });

/**
 * The key of a record in `Removal.unlisted`.
 * @example removal.unlisted.has(removalKey('org_1', 'tok_a'))
 */
export const removalKey = (organizationId: string, id: string): string => `${organizationId}\n${id}`;

/**
 * Deletes lookup keys and announces it, atomically per script: each script deletes its keys and
 * PUBLISHes their hashes on the invalidation channel. On a Cluster, one script per key (lookup
 * keys live on different slots; ioredis pipelines them in one round trip per node).
 * @example await unpublish(ctx, ['hash1', 'hash2'], newRemoval());
 */
export async function unpublish(ctx: StoreContext, hashes: readonly string[], removal: Removal): Promise<void> {
  if (hashes.length === 0) return;
  const batches: string[][] = [];
  if (ctx.cluster) for (const hash of hashes) batches.push([hash]);
  else for (let i = 0; i < hashes.length; i += UNPUBLISH_BATCH) batches.push(hashes.slice(i, i + UNPUBLISH_BATCH));
  // Even when a reply is lost, the script that ran has published: every instance's channel,
  // this one's included, hears the deletion.
  await Promise.all(
    batches.map(async (batch) => {
      const removed = await ctx.scripts.unpublish(batch.map(ctx.keys.byHash), ctx.channel, JSON.stringify(batch));
      batch.forEach((hash, i) => {
        const json = removed[i];
        if (json) removal.unpublished.set(hash, json);
      });
    }),
  );
}

/**
 * The lookup keys of a record as written: the current secret, and the previous one (expiring at
 * its `expiresAt`, so Redis drops it when keyward would refuse it anyway).
 */
function lookupWrites(ctx: StoreContext, record: TokenRecord, lastUsedAt: string, limits: string): Array<Promise<unknown>> {
  const writes = [ctx.scripts.writeLookup(ctx.keys.byHash(record.hash), encodeLookup(record, record.hash), lastUsedAt, '', limits)];
  if (record.previous) {
    const { hash, expiresAt } = record.previous;
    writes.push(ctx.scripts.writeLookup(ctx.keys.byHash(hash), encodeLookup(record, hash), lastUsedAt, encodeInstant(expiresAt), limits));
  }
  return writes;
}

/**
 * The hashes a record names itself: current and previous.
 * @example recordHashes(rolled) // [rolled.hash, rolled.previous.hash]
 */
export const recordHashes = (record: TokenRecord): string[] => (record.previous ? [record.hash, record.previous.hash] : [record.hash]);

/**
 * The writes of an insert, in order. They touch different Cluster slots, so they cannot be one
 * transaction; the order makes any prefix of them safe: the token is listed (and its name
 * claimed) first, indexed for revokeProject/prune/listExpiring second, and verifiable only last.
 * A crash can leave a listed token that does not verify, never one that verifies but is not listed.
 * With durability, each step waits for replicas before the next starts, so a failover keeps
 * that order too.
 * The first step resolves the claim; when it is not 'ok' nothing was written and the rest must not run.
 * @example const [claim, ...rest] = insertSteps(ctx, record);
 */
export function insertSteps(ctx: StoreContext, record: TokenRecord, audit?: AuditDraft): [claim: () => Promise<Claim>, ...rest: Step[]] {
  const json = encodeListing(record);
  const limits = encodeLimits(record);
  const entry = auditArgs(audit, record.organizationId);
  const lastUsedAt = record.lastUsedAt === null ? '' : encodeInstant(record.lastUsedAt);
  const member = indexMember(record.organizationId, record.id, record.hash);
  const organization = ctx.keys.organization(record.organizationId);
  const indexKeys = [
    ...(record.scope.kind === 'project' ? [ctx.keys.project(record.scope.projectId)] : []),
    ...(record.expiresAt !== null ? [ctx.keys.expiring, ctx.keys.expiry] : []),
  ];
  const hashes = recordHashes(record);
  return [
    durable(ctx, () => [organization.records], async function claim(): Promise<Claim> {
      const outcome = await ctx.scripts.claim(organization, record.id, record.nameKey, json, orderMember(record.createdAt, record.id), lastUsedAt, limits, entry);
      return outcome === 1 ? 'ok' : outcome === 0 ? 'name_taken' : 'id_taken';
    }),
    durable(ctx, () => indexKeys, async function index() {
      const writes: Array<Promise<unknown>> = [];
      if (record.scope.kind === 'project') writes.push(ctx.client.sadd(ctx.keys.project(record.scope.projectId), member));
      if (record.expiresAt !== null) {
        writes.push(ctx.client.zadd(ctx.keys.expiring, record.expiresAt, member));
        writes.push(ctx.client.zadd(ctx.keys.expiry, 0, expiryMember(record.expiresAt, record.id, record.organizationId)));
      }
      await Promise.all(writes);
    }),
    durable(ctx, () => hashes.map(ctx.keys.byHash), async function publish() {
      await Promise.all(lookupWrites(ctx, record, lastUsedAt, limits));
      // A revokeProject that ran between the claim and now removed the listing without seeing a
      // lookup key: take the token back, so it never verifies unlisted.
      if ((await ctx.client.hexists(organization.records, recordField(record.id))) === 0) await unpublish(ctx, hashes, newRemoval());
    }),
  ];
}

/**
 * The writes of a deletion, in order: the insert's order reversed. Lookup keys go first (every
 * hash the token may have one for: current, previous, retired), so once the first step resolves
 * no instance accepts the tokens; then the organization forgets them (atomically per
 * organization, freeing their names) and any lookup key of a hash a concurrent roll added since
 * the caller read the records goes too; index entries go last, so an interrupted deletion is
 * still found and finished by revokeProject/prune. Every step is idempotent, waits for replicas
 * when durability is on, and records in `removal` what this call itself removed, so concurrent
 * deletions of one token report it once.
 * @example for (const step of removeSteps(ctx, tokens)) await step();
 */
export function removeSteps(ctx: StoreContext, tokens: readonly StoredToken[], removal: Removal = newRemoval(), audit?: AuditDraft): Step[] {
  const records = tokens.map((t) => t.record);
  const known = new Set(tokens.flatMap((t) => t.hashes));
  const projectScoped = records.filter((r) => r.scope.kind === 'project');
  const expiring = records.filter((r) => r.expiresAt !== null);
  const byProject = groupBy(projectScoped, (r) => (r.scope.kind === 'project' ? r.scope.projectId : ''));
  const byOrganization = groupBy(records, (r) => r.organizationId);
  const unknown: string[] = [];
  return [
    durable(ctx, () => [...known].map(ctx.keys.byHash), async function unpublishStep() {
      await unpublish(ctx, [...known], removal);
    }),
    durable(ctx, () => [...[...byOrganization.keys()].map((o) => ctx.keys.organization(o).records), ...unknown.map(ctx.keys.byHash)], async function unlist() {
      const now = Date.now();
      await Promise.all(
        [...byOrganization].map(async ([organizationId, group]) => {
          const removed = await ctx.scripts.unlist(
            ctx.keys.organization(organizationId),
            now,
            now - GONE_RETENTION_MS,
            auditArgs(audit, organizationId),
            group.flatMap((r) => [r.id, r.nameKey, orderMember(r.createdAt, r.id)]),
          );
          const renamed: string[] = [];
          for (let i = 0; i < removed.length; i += 3) {
            const id = removed[i]!;
            removal.unlisted.add(removalKey(organizationId, id));
            for (const hash of JSON.parse(removed[i + 1]!) as string[]) if (!known.has(hash)) unknown.push(hash);
            // Renamed since the caller's read: free the name the removed record held.
            const { nameKey, createdAt } = decodeListing(removed[i + 2]!, organizationId, id, null);
            if (nameKey !== group.find((r) => r.id === id)?.nameKey) renamed.push(id, nameKey, orderMember(createdAt, id));
          }
          if (renamed.length > 0) await ctx.scripts.unlist(ctx.keys.organization(organizationId), now, now - GONE_RETENTION_MS, auditArgs(undefined, organizationId), renamed);
        }),
      );
      await unpublish(ctx, unknown, removal);
    }),
    durable(ctx, () => [...[...byProject.keys()].map((p) => ctx.keys.project(p)), ...(expiring.length > 0 ? [ctx.keys.expiring, ctx.keys.expiry] : [])], async function unindex() {
      // The entry carries the hash at insert (a roll changed the current one since); entries
      // written by earlier versions carry no hash.
      const indexHash = new Map(tokens.map((t) => [removalKey(t.record.organizationId, t.record.id), t.indexHash ?? t.record.hash]));
      const members = (r: TokenRecord) => [
        ...new Set([indexMember(r.organizationId, r.id, indexHash.get(removalKey(r.organizationId, r.id))), indexMember(r.organizationId, r.id, r.hash)]),
        indexMember(r.organizationId, r.id),
      ];
      await Promise.all([
        ...[...byProject].map(([projectId, group]) =>
          ctx.client.srem(ctx.keys.project(projectId), ...group.flatMap(members)),
        ),
        expiring.length > 0 ? ctx.client.zrem(ctx.keys.expiring, ...expiring.flatMap(members)) : undefined,
        expiring.length > 0 ? ctx.client.zrem(ctx.keys.expiry, ...expiring.map((r) => expiryMember(r.expiresAt!, r.id, r.organizationId))) : undefined,
      ]);
    }),
  ];
}

/**
 * Brings the lookup keys of a listed token in line with its record after a roll or an update:
 * each existing one (current, previous) gets the record's JSON (in the lookup key's form), the previous one its expiry, and
 * each rewrite is announced in the same script. A key that does not exist is never created (a
 * deletion may have just removed it). Reads the record again afterwards and repeats while a
 * concurrent change moved it, so the last writer always leaves the latest JSON.
 * @example await syncLookups(ctx, 'org_1', 'tok_a');
 */
export async function syncLookups(ctx: StoreContext, organizationId: string, id: string): Promise<string[]> {
  const records = ctx.keys.organization(organizationId).records;
  const written = new Set<string>();
  let [json, limits] = await ctx.client.hmget(records, recordField(id), limitsField(id));
  for (let round = 0; json != null && round < SYNC_ROUNDS; round++) {
    const record = decodeListing(json, organizationId, id, null);
    const rewrites = [ctx.scripts.rewriteLookup(ctx.keys.byHash(record.hash), encodeLookup(record, record.hash), '', ctx.channel, JSON.stringify([record.hash]), limits ?? '')];
    written.add(record.hash);
    if (record.previous) {
      const { hash, expiresAt } = record.previous;
      written.add(hash);
      rewrites.push(ctx.scripts.rewriteLookup(ctx.keys.byHash(hash), encodeLookup(record, hash), encodeInstant(expiresAt), ctx.channel, JSON.stringify([hash]), limits ?? ''));
    }
    await Promise.all(rewrites);
    const [latest, latestLimits] = await ctx.client.hmget(records, recordField(id), limitsField(id));
    // A limits change alone (a spend) raises the lookup keys' copy itself, by sequence.
    if (latest === json) break;
    json = latest;
    limits = latestLimits;
  }
  return [...written];
}

/** Rewrites of one token's lookup keys before syncLookups gives up on a record that keeps changing. */
const SYNC_ROUNDS = 10;

/** Runs steps one after the other: each is durable before the next starts. */
export async function runSteps(steps: readonly Step[]): Promise<void> {
  for (const step of steps) await step();
}
