import type { AuditTrail } from '../audit.js';
import { ConfigurationError } from '../errors.js';
import { isExpired } from '../expiry.js';
import type { TokenHasher } from '../hash.js';
import { fromStore } from '../store-errors.js';
import type { MaybePromise, TokenRecord, TokenStore } from '../store.js';
import { isWellFormedToken } from '../token-format.js';

/** One match GitHub reports: the request body is an array of these. */
export interface LeakReport {
  /** The string GitHub matched with the registered expression. */
  token: string;
  /** The secret type name registered with GitHub. */
  type: string;
  /** The public URL where it was found. */
  url: string;
  /** Where GitHub found it (`content`, `commit`, `pull_request_description`, `gist_content`, `npm`, …), when it says. */
  source?: string | undefined;
}

/** GitHub's label for one reported match. */
export type LeakLabel = 'true_positive' | 'false_positive';

/** What a host's `onLeak` hook hears for each real token reported (never the secret). */
export interface LeakNotice {
  tokenId: string;
  organizationId: string;
  tokenName: string;
  /** `revoked`: the token is deleted; `flagged`: it still works, its owners should act. */
  action: 'revoked' | 'flagged';
  url: string;
  source: string | null;
  /** Epoch ms. */
  at: number;
}

/** What to do with a real token reported as leaked. */
export interface LeakHandling {
  /** `revoke` deletes it at once; `flag` keeps it working and records the leak for its owners. */
  mode: 'revoke' | 'flag';
  /** Told about each real token reported, after it was revoked or flagged (to email its owners). Errors go to `onError`. */
  onLeak?: ((notice: LeakNotice) => MaybePromise<void>) | undefined;
  /** Store lookups run at once at most. Default 16. */
  concurrency?: number | undefined;
}

/** What the check needs of the token service. */
export interface LeakCheckParts {
  prefix: string;
  store: TokenStore;
  hasher: TokenHasher;
  now: () => number;
  audit: AuditTrail;
  onError: (error: unknown) => void;
  /** Forgets deleted tokens in this instance's cache and emits `token.deleted` (reason `leaked`). */
  deleted: (records: readonly TokenRecord[]) => void;
}

/**
 * Throws a ConfigurationError naming the field unless `handling` is usable.
 * @example assertLeakHandling({ mode: 'revoke' }, 'secretScanning') // ok
 */
export function assertLeakHandling(handling: LeakHandling, caller: string): void {
  if (handling?.mode !== 'revoke' && handling?.mode !== 'flag') {
    throw new ConfigurationError(`${caller}(options): mode must be 'revoke' or 'flag', got ${JSON.stringify(handling?.mode)}`);
  }
  if (handling.onLeak !== undefined && typeof handling.onLeak !== 'function') throw new ConfigurationError(`${caller}(options): onLeak must be a function`);
  const c = handling.concurrency;
  if (c !== undefined && (!Number.isSafeInteger(c) || c < 1)) throw new ConfigurationError(`${caller}(options): concurrency must be a positive integer, got ${String(c)}`);
}

/** The record a plaintext would verify as (current secret, or a rolled-away one in its grace) and which of its secrets it is, or null. */
async function liveRecord(parts: LeakCheckParts, token: string, now: number): Promise<{ record: TokenRecord; secret: 'current' | 'previous' } | null> {
  for (const digest of [parts.hasher.hash, ...parts.hasher.previousHashes]) {
    const hash = digest(token);
    const record = await fromStore(() => parts.store.findByHash(hash));
    if (record === null) continue;
    const current = record.hash === hash;
    const inGrace = !current && record.previous !== null && record.previous.hash === hash && now < record.previous.expiresAt;
    // An expired token, or an old secret past its grace, cannot be used: nothing to revoke.
    return (current || inGrace) && !isExpired(record.expiresAt, now) ? { record, secret: current ? 'current' : 'previous' } : null;
  }
  return null;
}

async function act(parts: LeakCheckParts, handling: LeakHandling, { record, secret }: { record: TokenRecord; secret: 'current' | 'previous' }, report: LeakReport, at: number): Promise<void> {
  const revoke = handling.mode === 'revoke';
  const source = typeof report.source === 'string' ? report.source : null;
  // `secret`: a flagged leak stays open only while that secret works (see openLeak, leaks/open-leaks.ts).
  const draft = parts.audit.draft(null, 'leaked', { url: report.url, source, revoked: revoke, secret }, undefined, at);
  if (revoke) {
    const result = await fromStore(() => parts.store.deleteMany(record.organizationId, [record.id], draft));
    // Deleted by someone else meanwhile: it was real all the same, and it is gone.
    const deleted = ('deleted' in result && result.deleted) || [];
    if (deleted.length > 0) parts.deleted(deleted);
  } else if (draft !== undefined) {
    // An update that changes nothing: the store's write path that records one entry atomically.
    await fromStore(() => parts.store.update(record.organizationId, record.id, {}, draft));
  }
  if (handling.onLeak === undefined) return;
  const notice: LeakNotice = { tokenId: record.id, organizationId: record.organizationId, tokenName: record.name, action: revoke ? 'revoked' : 'flagged', url: report.url, source, at };
  try {
    await handling.onLeak(notice);
  } catch (error) {
    parts.onError(error);
  }
}

/**
 * Labels each report `true_positive` (a token that works now) or `false_positive` (anything else:
 * not a token of this prefix, a bad checksum — both without a store call —, unknown, deleted,
 * expired), and revokes or flags each real one once, even when reported twice in the batch. Store
 * calls run `concurrency` at a time. Labels come back in the reports' order.
 * @throws ConfigurationError (bad `handling`), StoreUnavailableError when the store cannot answer (actions already taken stay taken)
 * @example const labels = await checkLeaks(parts, [{ token, type: 'acme_api_token', url }], { mode: 'revoke' });
 */
export async function checkLeaks(parts: LeakCheckParts, reports: readonly LeakReport[], handling: LeakHandling): Promise<LeakLabel[]> {
  assertLeakHandling(handling, 'reportLeaks');
  const firstIndex = new Map<string, number>();
  const unique: number[] = [];
  reports.forEach((report, i) => {
    if (!firstIndex.has(report.token)) {
      firstIndex.set(report.token, i);
      unique.push(i);
    }
  });
  const real = new Set<string>();
  const at = Math.floor(parts.now());
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < unique.length) {
      const report = reports[unique[next++]!]!;
      if (!isWellFormedToken(report.token, parts.prefix)) continue;
      const live = await liveRecord(parts, report.token, at);
      if (live === null) continue;
      real.add(report.token);
      await act(parts, handling, live, report, at);
    }
  };
  const workers = Math.min(handling.concurrency ?? 16, unique.length);
  await Promise.all(Array.from({ length: workers }, worker));
  return reports.map((report) => (real.has(report.token) ? 'true_positive' : 'false_positive'));
}
