import { StoreUnavailableError, type AuditDraft, type RollChange, type TokenRecord, type UpdateChange } from '@keyward/core';
import { auditArgs } from './audit.js';
import { decodeListing, encodeListing, encodeLookup } from './codec.js';
import type { StoreContext } from './context.js';
import { lastUsedField, limitsField, recordField } from './keys.js';
import { limitChangeSlots } from './limits-field.js';
import { newRemoval, recordHashes, syncLookups, unpublish } from './steps.js';

/**
 * Attempts of a compare-and-set on one record before giving up. Each lost one means another
 * change of the token landed, and a process sends one change of a token at a time (the store
 * queues them), so this only runs out when more than this many changes from other processes land
 * during one call.
 */
const CAS_ATTEMPTS = 100;

/** After the nth lost compare-and-set, wait up to this long (random, up to 2^n ms, at most 50 ms) so contenders stop meeting in step. */
const backoff = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));

/** The record, lastUsedAt and limits as stored, or null. */
async function readRecord(ctx: StoreContext, organizationId: string, id: string): Promise<{ json: string; lastUsedAt: string | null; limits: string | null } | null> {
  const [json, lastUsedAt, limits] = await ctx.client.hmget(ctx.keys.organization(organizationId).records, recordField(id), lastUsedField(id), limitsField(id));
  return json == null ? null : { json, lastUsedAt: lastUsedAt ?? null, limits: limits ?? null };
}

function contended(operation: string, id: string): StoreUnavailableError {
  return new StoreUnavailableError(`redis store: ${operation}: the record of ${id} kept changing during ${CAS_ATTEMPTS} attempts (other processes changed it that often meanwhile); try again`);
}

/** The steps of a roll, run in order by `rollToken` (or stopped part-way by the crash tests). */
export interface RollSteps {
  /** Each resolves false when the roll is over (no such token, or it was deleted): the rest must not run. */
  steps: [switchRecord: () => Promise<boolean>, writeNew: () => Promise<boolean>, retireOld: () => Promise<boolean>, confirm: () => Promise<boolean>];
  /** The rolled record once every step ran, or null. */
  result(): TokenRecord | null;
}

/**
 * A roll in four steps, each safe to stop after (the token stays listed throughout, and every
 * hash with a lookup key stays named by its record, so a deletion at any point removes them all):
 * 1. the organization's record switches to the new hash (a compare-and-set on the record read),
 *    the current secret becoming `previous` or retired, and an earlier previous retired;
 * 2. the new lookup key is written;
 * 3. the lookup keys of the current and previous secret are rewritten (the previous one expiring
 *    at its `expiresAt`) and those of the retired secrets deleted, each script announcing it;
 * 4. the roll confirms: the retired hashes leave the record, and if the token was deleted or
 *    rolled again meanwhile, the new lookup key is taken back (it must not outlive its listing).
 *    A concurrent roll that retired the new secret came after this one (its step 1 read this
 *    one's record), so this roll still succeeded, as it would in a SQL store where the two
 *    updates queue on the row lock: it answers its record, already superseded.
 * @example const { steps, result } = rollSteps(ctx, 'org_1', 'tok_a', change); for (const step of steps) if (!(await step())) break;
 */
export function rollSteps(ctx: StoreContext, organizationId: string, id: string, change: RollChange, audit?: AuditDraft): RollSteps {
  const organization = ctx.keys.organization(organizationId);
  const records = organization.records;
  const entry = auditArgs(audit, organizationId);
  let rolled: TokenRecord | null = null;
  let json = '';
  let lastUsedAt: string | null = null;
  let limits: string | null = null;
  let retired: string[] = [];
  return {
    result: () => rolled,
    steps: [
      async function switchRecord() {
        for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
          if (attempt > 0) await backoff(attempt);
          const stored = await readRecord(ctx, organizationId, id);
          if (!stored) return false;
          const current = decodeListing(stored.json, organizationId, id, stored.lastUsedAt, stored.limits);
          const next: TokenRecord = {
            ...current,
            hash: change.hash,
            hint: change.hint,
            previous: change.previousExpiresAt === null ? null : { hash: current.hash, hint: current.hint, expiresAt: change.previousExpiresAt },
          };
          const retire = [...(current.previous ? [current.previous.hash] : []), ...(next.previous ? [] : [current.hash])];
          json = encodeListing(next);
          const [outcome, retiredNow] = await ctx.scripts.roll(organization, id, stored.json, json, change.hash, retire, current.hash, entry);
          if (outcome === -1) return false;
          if (outcome === 1) {
            rolled = next;
            lastUsedAt = stored.lastUsedAt;
            limits = stored.limits;
            const live = new Set(recordHashes(next));
            retired = retiredNow ? (JSON.parse(retiredNow) as string[]).filter((hash) => !live.has(hash)) : [];
            await ctx.settle([records]);
            return true;
          }
        }
        throw contended('roll', id);
      },
      async function writeNew() {
        // The limits as read in step 1; a spend since then is carried over by step 3 (by sequence).
        await ctx.scripts.writeLookup(ctx.keys.byHash(change.hash), encodeLookup(rolled!, change.hash), lastUsedAt ?? '', '', limits ?? '');
        await ctx.settle([ctx.keys.byHash(change.hash)]);
        return true;
      },
      async function retireOld() {
        const [rewritten] = await Promise.all([syncLookups(ctx, organizationId, id), unpublish(ctx, retired, newRemoval())]);
        await ctx.settle([...rewritten, ...retired].map(ctx.keys.byHash));
        return true;
      },
      async function confirm() {
        const confirmed = await ctx.scripts.confirm(records, id, change.hash, retired);
        if (confirmed === 1) {
          await ctx.settle([records]);
          return true;
        }
        await unpublish(ctx, [change.hash], newRemoval());
        await ctx.settle([ctx.keys.byHash(change.hash)]);
        if (confirmed === -1) {
          rolled = null;
          return false;
        }
        // A later roll (whose step 1 read this one's record) retired this secret: this roll took
        // effect and was superseded, not refused. Retrying with the same secret could not help: an
        // in-flight step 3 of that later roll may still delete its lookup key.
        return true;
      },
    ],
  };
}

/**
 * Rolls a token's secret: `rollSteps`, all of them.
 * @example const rolled = await rollToken(ctx, 'org_1', 'tok_a', { hash, hint, previousExpiresAt: null });
 */
export async function rollToken(ctx: StoreContext, organizationId: string, id: string, change: RollChange, audit?: AuditDraft): Promise<TokenRecord | null> {
  const { steps, result } = rollSteps(ctx, organizationId, id, change, audit);
  for (const step of steps) if (!(await step())) return null;
  return result();
}

/**
 * Renames a token and/or replaces its metadata: one compare-and-set script on the organization's
 * slot (the name check, the name index and the record together), then its lookup keys rewritten
 * with the change announced. Stopping between the two leaves lookup keys with the former name or
 * metadata, never a secret that verifies where it should not.
 * @example await updateToken(ctx, 'org_1', 'tok_a', { name: 'CI', nameKey: 'ci' }) // record | 'name_taken' | null
 */
export async function updateToken(ctx: StoreContext, organizationId: string, id: string, change: UpdateChange, audit?: AuditDraft): Promise<TokenRecord | 'name_taken' | null> {
  const organization = ctx.keys.organization(organizationId);
  const entry = auditArgs(audit, organizationId);
  const slots = limitChangeSlots(change).join('|');
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    if (attempt > 0) await backoff(attempt);
    const stored = await readRecord(ctx, organizationId, id);
    if (!stored) return null;
    const current = decodeListing(stored.json, organizationId, id, stored.lastUsedAt);
    const next: TokenRecord = {
      ...current,
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.nameKey !== undefined ? { nameKey: change.nameKey } : {}),
      ...(change.metadata !== undefined ? { metadata: change.metadata } : {}),
    };
    const json = encodeListing(next);
    const [outcome, limits] = await ctx.scripts.update(organization, id, stored.json, json, current.nameKey, change.nameKey ?? '', slots, entry);
    if (outcome === -1) return null;
    if (outcome === -2) return 'name_taken';
    if (outcome === 1) {
      await ctx.settle([organization.records]);
      const rewritten = await syncLookups(ctx, organizationId, id);
      await ctx.settle(rewritten.map(ctx.keys.byHash));
      // A copy of what was stored, not the caller's metadata object.
      return decodeListing(json, organizationId, id, stored.lastUsedAt, limits || null);
    }
  }
  throw contended('update', id);
}
