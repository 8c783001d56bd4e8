import type { TokenRecord } from '@keyward/core';
import { decodeListing, goneHashes, tokenHashes } from './codec.js';
import type { StoreContext } from './context.js';
import { indexHashField, lastUsedField, limitsField, parseIndexMember, recordField, retiredField } from './keys.js';

/** A listed token with every hash that may have a lookup key (what a deletion must remove). */
export interface StoredToken {
  record: TokenRecord;
  hashes: string[];
  /** The hash its index entries carry (its hash at insert); `record.hash` when never rolled or not known. */
  indexHash?: string | undefined;
}

/**
 * The records of `ids` in one organization, in order, null where there is none. One HMGET on
 * the organization's hash, so the answer is a single consistent snapshot.
 * @example const [record] = await fetchRecords(ctx, 'org_1', ['tok_a']);
 */
export async function fetchRecords(ctx: StoreContext, organizationId: string, ids: readonly string[]): Promise<Array<TokenRecord | null>> {
  return (await fetchTokens(ctx, organizationId, ids)).map((token) => token?.record ?? null);
}

/**
 * Like `fetchRecords`, with each token's hashes: one HMGET, one snapshot.
 * @example const [token] = await fetchTokens(ctx, 'org_1', ['tok_a']); token?.hashes // ['h1', 'h0']
 */
export async function fetchTokens(ctx: StoreContext, organizationId: string, ids: readonly string[]): Promise<Array<StoredToken | null>> {
  if (ids.length === 0) return [];
  const fields = ids.flatMap((id) => [recordField(id), lastUsedField(id), retiredField(id), indexHashField(id), limitsField(id)]);
  const values = await ctx.client.hmget(ctx.keys.organization(organizationId).records, ...fields);
  return ids.map((id, i) => {
    const json = values[5 * i];
    if (json == null) return null;
    const record = decodeListing(json, organizationId, id, values[5 * i + 1], values[5 * i + 4]);
    return { record, hashes: tokenHashes(record, values[5 * i + 2]), indexHash: values[5 * i + 3] ?? record.hash };
  });
}

/**
 * The hashes an organization remembers for these recently deleted ids (empty where it has none).
 * @example const [hashes] = await fetchGone(ctx, 'org_1', ['tok_a']);
 */
export async function fetchGone(ctx: StoreContext, organizationId: string, ids: readonly string[]): Promise<string[][]> {
  if (ids.length === 0) return [];
  const values = await ctx.client.hmget(ctx.keys.organization(organizationId).gone, ...ids);
  return values.map(goneHashes);
}

export interface IndexEntry {
  member: string;
  /** The live token the entry points at, or null for a stale entry (left by a deletion that stopped half-way). */
  token: StoredToken | null;
  /**
   * For a stale entry, the hashes whose lookup keys may remain: the one in the entry itself (its
   * hash at insert) and those its organization remembers for the id. Empty for live entries.
   */
  orphanHashes: string[];
}

/**
 * Looks up the tokens behind cross-organization index entries, one HMGET per organization
 * (two when some entries are stale).
 * @example const entries = await resolveIndexEntries(ctx, await client.smembers(ctx.keys.project('proj_1')));
 */
export async function resolveIndexEntries(ctx: StoreContext, members: readonly string[]): Promise<IndexEntry[]> {
  const byOrganization = new Map<string, Array<{ member: string; id: string; hash: string | null }>>();
  const entries: IndexEntry[] = [];
  for (const member of members) {
    const parsed = parseIndexMember(member);
    if (!parsed) {
      entries.push({ member, token: null, orphanHashes: [] });
      continue;
    }
    const group = byOrganization.get(parsed.organizationId) ?? [];
    group.push({ member, id: parsed.id, hash: parsed.hash });
    byOrganization.set(parsed.organizationId, group);
  }
  await Promise.all(
    [...byOrganization].map(async ([organizationId, group]) => {
      const tokens = await fetchTokens(ctx, organizationId, group.map((g) => g.id));
      const stale = group.filter((_, i) => !tokens[i]);
      const gone = await fetchGone(ctx, organizationId, stale.map((g) => g.id));
      const goneById = new Map(stale.map((g, i) => [g.id, gone[i]!]));
      group.forEach((g, i) => {
        const token = tokens[i] ?? null;
        const orphanHashes = token ? [] : [...new Set([...(g.hash === null ? [] : [g.hash]), ...goneById.get(g.id)!])];
        entries.push({ member: g.member, token, orphanHashes });
      });
    }),
  );
  return entries;
}
