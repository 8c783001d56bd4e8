import type { LookupCache } from './cache.js';
import { isExpired } from './expiry.js';
import type { TokenHasher } from './hash.js';
import type { LastUsedRecorder } from './last-used.js';
import { isWithinScope, needsProjectLookup, type RouteTarget } from './policy.js';
import type { ProjectInfo } from './scope.js';
import { ConfigurationError } from './errors.js';
import { holdsAll, missingPermissions, requiredPermissionsProblem, type PermissionInfo } from './permissions.js';
import { isPromise, toStoreError } from './store-errors.js';
import type { MaybePromise, TokenRecord, TokenStore } from './store.js';
import { toTokenInfo, type TokenInfo } from './token-info.js';
import { isWellFormedToken } from './token-format.js';

/**
 * Every `code` a refused verification answers with, in the order the checks run.
 * @example VERIFY_FAILURE_CODES.includes('EXPIRED') // true
 */
export const VERIFY_FAILURE_CODES = Object.freeze(['MALFORMED', 'NOT_FOUND', 'EXPIRED', 'SCOPE_DENIED', 'PERMISSION_DENIED'] as const);

/** The `code` of a refused verification: see VERIFY_FAILURE_CODES. */
export type VerifyFailureCode = (typeof VERIFY_FAILURE_CODES)[number];

/**
 * A refusal. `tokenId` is there once the token was found (EXPIRED, SCOPE_DENIED,
 * PERMISSION_DENIED), for audit and alerting; `missingPermissions` for PERMISSION_DENIED.
 */
export interface VerifyFailure {
  ok: false;
  code: VerifyFailureCode;
  tokenId?: string;
  missingPermissions?: string[];
}

export type VerifyResult = { ok: true; token: TokenInfo } | VerifyFailure;

/** What verification needs from the service that owns it; it never needs the service itself. */
export interface VerifierParts {
  prefix: string;
  store: TokenStore;
  hasher: TokenHasher;
  lastUsed: LastUsedRecorder;
  resolveProject: (projectId: string) => MaybePromise<ProjectInfo | null>;
  /** Epoch ms. */
  now: () => number;
  /** The opt-in lookup cache, or undefined (every verification reads the store). */
  cache: LookupCache | undefined;
  /** The host's permission catalog, or undefined when it declares none. */
  permissions?: readonly PermissionInfo[] | undefined;
}

function refuse(code: VerifyFailureCode): VerifyResult {
  return { ok: false, code };
}

function refuseFound(code: VerifyFailureCode, record: TokenRecord, missingPermissions?: string[]): VerifyResult {
  return missingPermissions ? { ok: false, code, tokenId: record.id, missingPermissions } : { ok: false, code, tokenId: record.id };
}

function rejectAsStoreError(error: unknown): Promise<never> {
  return Promise.reject(toStoreError(error));
}

/**
 * The verification path, on its own: format and checksum, lookup by hash (current pepper first,
 * then each previous one), a rolled-away secret's grace period, expiry, scope, permissions, and a
 * note for last-used. Expected refusals are results;
 * a store that cannot answer throws (or rejects with) a KeywardError, so callers fail closed.
 *
 * Answers synchronously when the store does (memory, SQLite): that saves the request a microtask.
 * @example
 * const verifier = new Verifier({ prefix: 'kw', store, hasher, lastUsed, resolveProject, now: Date.now });
 * const result = await verifier.check(token, { projectId: 'proj_1' });
 */
export class Verifier {
  private readonly digests: ReadonlyArray<(token: string) => string>;
  private readonly catalog: ReadonlySet<string>;

  constructor(private readonly parts: VerifierParts) {
    this.digests = [parts.hasher.hash, ...parts.hasher.previousHashes];
    this.catalog = new Set(parts.permissions?.map((entry) => entry.name));
  }

  check(token: unknown, target: RouteTarget): MaybePromise<VerifyResult> {
    // A name outside the catalog is the caller's typo, not the token's fault: refused as the guard
    // refuses it at startup, instead of answering PERMISSION_DENIED for every token.
    if (target.permissions !== undefined) {
      const problem = requiredPermissionsProblem(target.permissions, this.catalog);
      if (problem !== null) throw new ConfigurationError(`verify(token, target): ${problem}`);
    }
    // A typo (or anything that is not a token) is refused here, before any store call.
    if (!isWellFormedToken(token, this.parts.prefix)) return refuse('MALFORMED');
    return this.find(token, target, 0);
  }

  private find(token: string, target: RouteTarget, pepper: number): MaybePromise<VerifyResult> {
    const hash = this.digests[pepper]!(token);
    const cache = this.parts.cache;
    const cached = cache?.get(hash);
    if (cached !== undefined) return this.checkFound(cached, hash, target);
    const ticket = cache?.ticket() ?? -1;
    let found: MaybePromise<TokenRecord | null>;
    try {
      found = this.parts.store.findByHash(hash);
    } catch (error) {
      throw toStoreError(error);
    }
    if (isPromise(found)) {
      return Promise.resolve(found).then((record) => this.found(record, hash, ticket, token, target, pepper), rejectAsStoreError);
    }
    return this.found(found, hash, ticket, token, target, pepper);
  }

  /** A lookup's answer: cache and check the record, or try the next (previous) pepper. */
  private found(record: TokenRecord | null, hash: string, ticket: number, token: string, target: RouteTarget, pepper: number): MaybePromise<VerifyResult> {
    if (record !== null) {
      this.parts.cache?.put(hash, record, ticket);
      return this.checkFound(record, hash, target);
    }
    return pepper + 1 < this.digests.length ? this.find(token, target, pepper + 1) : refuse('NOT_FOUND');
  }

  private checkFound(record: TokenRecord, hash: string, target: RouteTarget): MaybePromise<VerifyResult> {
    // One clock read serves the expiry checks and the last-used note.
    const now = this.parts.now();
    // Found by a rolled-away secret: it counts only until its grace period ends, and then as if deleted.
    if (record.hash !== hash && !(record.previous !== null && record.previous.hash === hash && now < record.previous.expiresAt)) {
      return refuse('NOT_FOUND');
    }
    if (isExpired(record.expiresAt, now)) return refuseFound('EXPIRED', record);
    if (needsProjectLookup(record.scope, target)) {
      return Promise.resolve(this.parts.resolveProject(target.projectId!)).then((project) =>
        this.accept(record, target, now, project?.organizationId ?? null),
      );
    }
    return this.accept(record, target, now);
  }

  private accept(record: TokenRecord, target: RouteTarget, now: number, projectOrganizationId?: string | null): VerifyResult {
    if (!isWithinScope(record.organizationId, record.scope, target, projectOrganizationId)) return refuseFound('SCOPE_DENIED', record);
    // A pass allocates nothing here: the list of what is missing is built only for a refusal.
    if (target.permissions !== undefined && !holdsAll(record.permissions, target.permissions)) {
      return refuseFound('PERMISSION_DENIED', record, missingPermissions(record.permissions, target.permissions));
    }
    this.parts.lastUsed.use(record, now);
    return { ok: true, token: toTokenInfo(record, now) };
  }
}
