import type { TokenRecord } from '@keyward/core';
import { decodeRecord } from './codec.js';
import type { StoreContext } from './context.js';
import { lastUsedField, parseIndexMember, recordField } from './keys.js';

/**
 * The records of `ids` in one organization, in order, null where there is none. One HMGET on
 * the organization's hash, so the answer is a single consistent snapshot.
 * @example const [record] = await fetchRecords(ctx, 'org_1', ['tok_a']);
 */
export async function fetchRecords(ctx: StoreContext, organizationId: string, ids: readonly string[]): Promise<Array<TokenRecord | null>> {
  if (ids.length === 0) return [];
  const fields = ids.flatMap((id) => [recordField(id), lastUsedField(id)]);
  const values = await ctx.client.hmget(ctx.keys.organization(organizationId).records, ...fields);
  return ids.map((_, i) => {
    const json = values[2 * i];
    return json == null ? null : decodeRecord(json, values[2 * i + 1]);
  });
}

export interface IndexEntry {
  member: string;
  /** The live token the entry points at, or null for a stale entry (left by a deletion that stopped half-way). */
  record: TokenRecord | null;
  /** The token's hash, from the entry itself (null in entries written by earlier versions). */
  hash: string | null;
}

/**
 * Looks up the tokens behind cross-organization index entries, one HMGET per organization.
 * @example const entries = await resolveIndexEntries(ctx, await client.smembers(ctx.keys.project('proj_1')));
 */
export async function resolveIndexEntries(ctx: StoreContext, members: readonly string[]): Promise<IndexEntry[]> {
  const byOrganization = new Map<string, Array<{ member: string; id: string; hash: string | null }>>();
  const entries: IndexEntry[] = [];
  for (const member of members) {
    const parsed = parseIndexMember(member);
    if (!parsed) {
      entries.push({ member, record: null, hash: null });
      continue;
    }
    const group = byOrganization.get(parsed.organizationId) ?? [];
    group.push({ member, id: parsed.id, hash: parsed.hash });
    byOrganization.set(parsed.organizationId, group);
  }
  await Promise.all(
    [...byOrganization].map(async ([organizationId, group]) => {
      const records = await fetchRecords(ctx, organizationId, group.map((g) => g.id));
      group.forEach((g, i) => entries.push({ member: g.member, record: records[i] ?? null, hash: g.hash }));
    }),
  );
  return entries;
}
