import type { TokenRecord } from '@keyward/core';
import { decodeRecord } from './codec.js';
import type { StoreContext } from './context.js';
import { fetchRecords } from './reads.js';
import { newRemoval, unpublish } from './steps.js';
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

/** Of these lookup keys, deletes those whose token is not listed; returns their records. */
async function removeUnlisted(ctx: StoreContext, hashes: readonly string[]): Promise<TokenRecord[]> {
  const jsons = await Promise.all(hashes.map((hash) => ctx.client.hget(ctx.keys.byHash(hash), 'r')));
  const byOrganization = new Map<string, Array<{ hash: string; id: string }>>();
  hashes.forEach((hash, i) => {
    const json = jsons[i];
    if (json == null) return;
    const { organizationId, id } = decodeRecord(json, null);
    const group = byOrganization.get(organizationId) ?? [];
    group.push({ hash, id });
    byOrganization.set(organizationId, group);
  });
  const orphans: string[] = [];
  const stopped: string[] = [];
  await Promise.all(
    [...byOrganization].map(async ([organizationId, group]) => {
      const listed = await fetchRecords(ctx, organizationId, group.map((g) => g.id));
      group.forEach((g, i) => {
        const record = listed[i];
        if (!record) orphans.push(g.hash);
        // A listed token whose record no longer names this secret: a roll retired it but stopped
        // before removing its lookup key. Removed (what the roll meant to do), not reported.
        else if (record.hash !== g.hash && record.previous?.hash !== g.hash) stopped.push(g.hash);
      });
    }),
  );
  if (stopped.length > 0) await removeOrphans(ctx, stopped);
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
  for (const json of removal.unpublished.values()) {
    const record = decodeRecord(json, null);
    if (!byId.has(`${record.organizationId}\n${record.id}`)) byId.set(`${record.organizationId}\n${record.id}`, record);
  }
  return [...byId.values()];
}
