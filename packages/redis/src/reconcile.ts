import type { TokenRecord } from '@keyward/core';
import { decodeListing, decodeLookup, encodeListing, encodeLookup, LOOKUP_JSON_FIELDS, lookupJson } from './codec.js';
import type { StoreContext } from './context.js';
import { recordField } from './keys.js';
import { newRemoval, syncLookups, unpublish } from './steps.js';
import type { Redis } from 'ioredis';

/**
 * Options of `store.reconcile()`.
 * @example await store.reconcile({ cursor: previous.cursor, limit: 5000 });
 */
export interface ReconcileOptions {
  /** Where the previous call stopped (its `cursor`); omit to start from the beginning. */
  cursor?: string | null | undefined;
  /** Work per call: the SCAN COUNT budget, about the number of keys visited. Default 1000. */
  limit?: number | undefined;
}

export interface ReconcileResult {
  /** Tokens that verified without being listed, now deleted (their lookup key removed and announced). */
  removed: TokenRecord[];
  /** Lookup keys examined by this call. */
  examined: number;
  /** Pass to the next call to go on; null when every primary has been scanned to the end. */
  cursor: string | null;
}

const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

/**
 * Removes every token that verifies but is not listed: its lookup key exists, its organization's
 * listing does not (what a failover without durability can leave, or keys restored from an old
 * backup), and lookup keys of secrets a roll retired but did not get to remove. One bounded slice per call, SCAN-based, resumable with `cursor`; safe to run while
 * the store is in use (an insert lists before it publishes, a deletion unpublishes before it
 * unlists, so a lookup key without a listing is always an orphan).
 * @example
 * let cursor = null;
 * do ({ cursor } = await reconcile(ctx, { cursor })); while (cursor);
 */
export async function reconcile(ctx: StoreContext, options: ReconcileOptions = {}): Promise<ReconcileResult> {
  const { limit, nodeIndex: startNode, scanCursor: startCursor } = parseReconcileOptions(options);
  let nodeIndex = startNode;
  let scanCursor = startCursor;

  // Primaries in a stable order, so a cursor means the same thing on the next call.
  const nodes: Redis[] = ctx.cluster
    ? (ctx.client as unknown as { nodes(role: 'master'): Redis[] }).nodes('master').sort((a, b) => `${a.options.host}:${a.options.port}`.localeCompare(`${b.options.host}:${b.options.port}`))
    : [ctx.client as Redis];
  // SCAN patterns and replies carry ioredis's own keyPrefix; commands get it added again.
  const clientPrefix = (ctx.client.options as { keyPrefix?: string }).keyPrefix ?? '';
  const lookupPrefix = ctx.keys.byHash('');
  const removed: TokenRecord[] = [];
  let examined = 0;
  let budget = limit;

  while (budget > 0 && nodeIndex < nodes.length) {
    const count = Math.min(1000, budget);
    budget -= count;
    const [next, found] = await nodes[nodeIndex]!.scan(scanCursor, 'MATCH', `${escapeGlob(clientPrefix + lookupPrefix)}*`, 'COUNT', count);
    examined += found.length;
    const hashes = found.map((key) => key.slice(clientPrefix.length + lookupPrefix.length));
    removed.push(...(await removeUnlisted(ctx, hashes)));
    if (next === '0') {
      nodeIndex++;
      scanCursor = '0';
    } else {
      scanCursor = next;
    }
  }
  return { removed, examined, cursor: nodeIndex >= nodes.length ? null : `${nodeIndex}:${scanCursor}` };
}

/**
 * Checks `reconcile()` options before any Redis call (bad input is the caller's error, not an outage).
 * @throws RangeError naming the option
 * @example parseReconcileOptions({ cursor: '1:0' }) // { limit: 1000, nodeIndex: 1, scanCursor: '0' }
 */
export function parseReconcileOptions(options: ReconcileOptions = {}): { limit: number; nodeIndex: number; scanCursor: string } {
  const limit = options.limit ?? 1000;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`reconcile(options): options.limit must be a positive integer, got ${limit}`);
  const match = /^(\d+):(\d+)$/.exec(options.cursor ?? '0:0');
  if (!match) throw new RangeError(`reconcile(options): options.cursor must be a cursor returned by reconcile(), got ${JSON.stringify(options.cursor)}`);
  return { limit, nodeIndex: Number(match[1]), scanCursor: match[2]! };
}

/**
 * Of these lookup keys, deletes those whose token is not listed and returns their records. Also
 * finishes what a stopped roll or update left: a lookup key of a secret the listing no longer
 * names is deleted, and one holding a record other than the listing's is rewritten (and its
 * expiry set). Neither is reported: the token is listed. Records that earlier schemas wrote are
 * rewritten in this version's forms on the way (a lookup key whose JSON differs from the one this
 * version writes is rewritten like a stale one; the listing by a compare-and-set), so one pass over
 * every key upgrades the stored data in place.
 */
async function removeUnlisted(ctx: StoreContext, hashes: readonly string[]): Promise<TokenRecord[]> {
  const jsons = await Promise.all(hashes.map(async (hash) => lookupJson(await ctx.client.hmget(ctx.keys.byHash(hash), ...LOOKUP_JSON_FIELDS))));
  const byOrganization = new Map<string, Array<{ hash: string; id: string; json: string }>>();
  hashes.forEach((hash, i) => {
    const json = jsons[i];
    if (json == null) return;
    const { organizationId, id } = decodeLookup(json, hash, null);
    const group = byOrganization.get(organizationId) ?? [];
    group.push({ hash, id, json });
    byOrganization.set(organizationId, group);
  });
  const orphans: string[] = [];
  const stopped: string[] = [];
  const stale = new Map<string, [organizationId: string, id: string]>();
  const compacted: Array<Promise<unknown>> = [];
  const compactedKeys = new Set<string>();
  await Promise.all(
    [...byOrganization].map(async ([organizationId, group]) => {
      const records = ctx.keys.organization(organizationId).records;
      const listed = await ctx.client.hmget(records, ...group.map((g) => recordField(g.id)));
      const compacting = new Set<string>();
      group.forEach((g, i) => {
        const json = listed[i];
        if (json == null) {
          orphans.push(g.hash);
          return;
        }
        const record = decodeListing(json, organizationId, g.id, null);
        // A roll retired this secret but stopped before removing its lookup key.
        if (record.hash !== g.hash && record.previous?.hash !== g.hash) stopped.push(g.hash);
        // A roll or an update stopped before rewriting this lookup key, or an earlier schema wrote it.
        else if (encodeLookup(record, g.hash) !== g.json) stale.set(`${organizationId}\n${g.id}`, [organizationId, g.id]);
        // A listing an earlier schema wrote (a change landing meanwhile wins: it writes this form).
        const compact = encodeListing(record);
        if (compact !== json && !compacting.has(g.id)) {
          compacting.add(g.id);
          compacted.push(ctx.scripts.compact(records, g.id, json, compact));
          compactedKeys.add(records);
        }
      });
    }),
  );
  if (compacted.length > 0) {
    await Promise.all(compacted);
    await ctx.settle([...compactedKeys]);
  }
  if (stopped.length > 0) await removeOrphans(ctx, stopped);
  for (const [organizationId, id] of stale.values()) await ctx.settle((await syncLookups(ctx, organizationId, id)).map(ctx.keys.byHash));
  return removeOrphans(ctx, orphans);
}

/**
 * Deletes lookup keys whose listing is gone (announcing it, waiting for replicas when durability
 * is on) and returns the records this call removed, one per token (a rolled token may have had
 * two lookup keys).
 * @example const records = await removeOrphans(ctx, ['hash1']);
 */
export async function removeOrphans(ctx: StoreContext, hashes: readonly string[]): Promise<TokenRecord[]> {
  if (hashes.length === 0) return [];
  const removal = newRemoval();
  await unpublish(ctx, hashes, removal);
  await ctx.settle(hashes.map((hash) => ctx.keys.byHash(hash)));
  const byId = new Map<string, TokenRecord>();
  for (const [hash, json] of removal.unpublished) {
    const record = decodeLookup(json, hash, null);
    if (!byId.has(`${record.organizationId}\n${record.id}`)) byId.set(`${record.organizationId}\n${record.id}`, record);
  }
  return [...byId.values()];
}
