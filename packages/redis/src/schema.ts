import { randomBytes } from 'node:crypto';
import { StoreFailedError } from '@keyward/core';
import type { StoreContext } from './context.js';
import { expiryMember, parseIndexMember } from './keys.js';
import { fetchRecords } from './reads.js';

/**
 * The schema this code writes. 1: the first release (no `<p>schema` key). 2: rolls and `<p>expiry`.
 * 3: contract v3 (limits fields, audit and usage keys) and compact records (a JSON array, in
 * pieces on lookup keys). 4: records without what their key implies (the listing without id and
 * organization id, a lookup key without its own hash; see codec.ts), usage hashes with a TTL.
 * Records of earlier schemas are read as they are and rewritten in the new forms by the next roll
 * or update, or by `reconcile()`, so the upgrade from 2 or 3 only writes the version (which stops
 * an older process from writing records it could not read back).
 */
export const SCHEMA_VERSION = 4;

/** How long an upgrader holds the lock. The backfill is idempotent, so one outliving it only repeats work. */
const LOCK_MS = 30_000;
const POLL_MS = 50;
const SCAN_COUNT = 1000;

export type SchemaOutcome = 'current' | 'upgraded' | 'waited';

/**
 * Brings the keys under the store's prefix to schema 4, once: schema-1 keys lack `<p>expiry` (the
 * listExpiring index), which is filled from `<p>expiring` and the records; schema-2 and schema-3
 * keys need nothing but the version (absent limits fields mean "enabled, no limits"; their records
 * are read as they are). One process at a time upgrades (SET NX PX lock); the others wait for
 * `<p>schema` to say 4. Everything else schema 1 wrote is read as it is (records without the new
 * fields, bare hashes in `gone`).
 * @throws StoreFailedError when the keys were written by a newer schema
 * @example await ensureSchema(ctx) // 'upgraded' the first time on schema-1 keys, 'current' after
 */
export async function ensureSchema(ctx: StoreContext): Promise<SchemaOutcome> {
  const { client, keys } = ctx;
  const token = randomBytes(9).toString('base64url');
  let waited = false;
  for (;;) {
    if (await isCurrent(ctx)) return waited ? 'waited' : 'current';
    if ((await client.set(keys.schemaLock, token, 'PX', LOCK_MS, 'NX')) === 'OK') break;
    waited = true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  try {
    // Checked again under the lock: another process may have finished between our GET and our SET NX.
    if (await isCurrent(ctx)) return 'waited';
    if ((await ctx.client.get(keys.schema)) === null) await backfillExpiry(ctx);
    // With durability, the index is on the replicas before the version says it is complete.
    await ctx.settle([keys.expiry]);
    await client.set(keys.schema, String(SCHEMA_VERSION));
    await ctx.settle([keys.schema]);
  } finally {
    await ctx.scripts.release(keys.schemaLock, token);
  }
  return 'upgraded';
}

/** Whether the keys are at schema 4 (false: schema 1, no version key yet, or schema 2 or 3). */
async function isCurrent(ctx: StoreContext): Promise<boolean> {
  const version = await ctx.client.get(ctx.keys.schema);
  if (version === null || version === '2' || version === '3') return false;
  if (Number(version) === SCHEMA_VERSION) return true;
  throw new StoreFailedError(`redis store: the keys under "${ctx.keyPrefix}" have schema ${version}, newer than this version of @keyward/redis (${SCHEMA_VERSION}): upgrade it`);
}

/** Adds an `<p>expiry` member for every live token in `<p>expiring` (ZADD is idempotent). */
async function backfillExpiry(ctx: StoreContext): Promise<void> {
  let cursor = '0';
  do {
    const [next, flat] = await ctx.client.zscan(ctx.keys.expiring, cursor, 'COUNT', SCAN_COUNT);
    cursor = next;
    const byOrganization = new Map<string, string[]>();
    for (let i = 0; i < flat.length; i += 2) {
      const entry = parseIndexMember(flat[i]!);
      if (!entry) continue;
      const ids = byOrganization.get(entry.organizationId) ?? [];
      ids.push(entry.id);
      byOrganization.set(entry.organizationId, ids);
    }
    const members: string[] = [];
    await Promise.all(
      [...byOrganization].map(async ([organizationId, ids]) => {
        const records = await fetchRecords(ctx, organizationId, [...new Set(ids)]);
        for (const record of records) if (record?.expiresAt != null) members.push(expiryMember(record.expiresAt, record.id, organizationId));
      }),
    );
    if (members.length > 0) await ctx.client.zadd(ctx.keys.expiry, ...members.flatMap((member) => [0, member]));
  } while (cursor !== '0');
}
