import type { LookupCache } from './cache.js';
import { spendCredits, type CreditsState, type CreditVerdict } from './credits.js';
import { StoreFailedError } from './errors.js';
import { isExpired } from './expiry.js';
import type { RateLimiters, RateLimitState, RateVerdict } from './limits.js';
import type { TokenHasher } from './hash.js';
import type { LastUsedRecorder } from './last-used.js';
import { isWithinScope, needsProjectLookup, type RouteTarget } from './policy.js';
import type { ProjectInfo } from './scope.js';
import { ConfigurationError } from './errors.js';
import { holdsAll, missingPermissions, requiredPermissionsProblem, type PermissionInfo } from './permissions.js';
import { isPromise, toStoreError } from './store-errors.js';
import type { LimitsStore, MaybePromise, TokenRecord, TokenStore, UsageRefusalCode } from './store.js';
import { toTokenInfo, type TokenInfo } from './token-info.js';
import { isWellFormedToken } from './token-format.js';

/**
 * Every `code` a refused verification answers with, in the order the checks run.
 * @example VERIFY_FAILURE_CODES.includes('EXPIRED') // true
 */
export const VERIFY_FAILURE_CODES = Object.freeze(['MALFORMED', 'NOT_FOUND', 'DISABLED', 'EXPIRED', 'SCOPE_DENIED', 'PERMISSION_DENIED', 'RATE_LIMITED', 'USAGE_EXHAUSTED'] as const);

/** The `code` of a refused verification: see VERIFY_FAILURE_CODES. */
export type VerifyFailureCode = (typeof VERIFY_FAILURE_CODES)[number];

/** A token's limits after a request: what the `RateLimit` header fields report. Absent parts: no such limit. */
export interface LimitsState {
  rateLimit?: RateLimitState | undefined;
  credits?: CreditsState | undefined;
}

/**
 * A refusal. `tokenId` is there once the token was found (every code but MALFORMED and
 * NOT_FOUND), for audit and alerting; `missingPermissions` for PERMISSION_DENIED; `retryAfterMs`
 * for RATE_LIMITED (until the window resets) and USAGE_EXHAUSTED with a refill (until it falls
 * due); `limits` for both.
 */
export interface VerifyFailure {
  ok: false;
  code: VerifyFailureCode;
  tokenId?: string;
  missingPermissions?: string[];
  retryAfterMs?: number;
  limits?: LimitsState;
}

/** An accepted token; `limits` only when it has a rate limit or credits. */
export interface VerifySuccess {
  ok: true;
  token: TokenInfo;
  limits?: LimitsState;
}

export type VerifyResult = VerifySuccess | VerifyFailure;

/** Where verification notes each found token's outcome (usage counts); must be synchronous and cheap. */
export interface UsageCounter {
  count(record: TokenRecord, now: number, refusal: UsageRefusalCode | null): void;
}

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
  /** Rate limit counters, or undefined when the store carries none (tokens then have no rate limit). */
  rateLimiters: RateLimiters | undefined;
  /** Usage counts, or undefined when usage is off. */
  usage: UsageCounter | undefined;
  /** The host's permission catalog, or undefined when it declares none. */
  permissions?: readonly PermissionInfo[] | undefined;
}

function refuse(code: VerifyFailureCode): VerifyResult {
  return { ok: false, code };
}

function rejectAsStoreError(error: unknown): Promise<never> {
  return Promise.reject(toStoreError(error));
}

/**
 * The verification path, on its own, in the order every adapter answers by: format and checksum,
 * lookup by hash (current pepper first, then each previous one; a rolled-away secret within its
 * grace period), paused, expired, scope, permissions, rate limit, credits; then last-used and
 * usage are noted off the request path. Each check runs only once the earlier ones passed, so a
 * refusal never takes a rate-limit point or a credit it did not need (and a request refused for
 * credits gives its rate-limit point back). Expected refusals are results; a store that cannot
 * answer throws (or rejects with) a KeywardError, so callers fail closed.
 *
 * Answers synchronously when the store does (memory, SQLite) and so does its rate limiter (memory)
 * or the token has none: that saves the request a microtask. A token without limits costs two
 * property reads more.
 * @example
 * const verifier = new Verifier({ prefix: 'kw', store, hasher, lastUsed, resolveProject, now: Date.now, cache: undefined, rateLimiters: undefined, usage: undefined });
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

  /** A refusal of a found token, counted in its usage. */
  private refuseFound(code: UsageRefusalCode, record: TokenRecord, now: number, extra?: Partial<VerifyFailure>): VerifyFailure {
    this.parts.usage?.count(record, now, code);
    return extra ? { ok: false, code, tokenId: record.id, ...extra } : { ok: false, code, tokenId: record.id };
  }

  private checkFound(record: TokenRecord, hash: string, target: RouteTarget): MaybePromise<VerifyResult> {
    // One clock read serves the expiry checks and the last-used note.
    const now = this.parts.now();
    // Found by a rolled-away secret: it counts only until its grace period ends, and then as if deleted.
    if (record.hash !== hash && !(record.previous !== null && record.previous.hash === hash && now < record.previous.expiresAt)) {
      return refuse('NOT_FOUND');
    }
    // A paused token says so even once expired: resuming it is what its owner would try first.
    if (record.enabled === false) return this.refuseFound('DISABLED', record, now);
    if (isExpired(record.expiresAt, now)) return this.refuseFound('EXPIRED', record, now);
    if (needsProjectLookup(record.scope, target)) {
      return Promise.resolve(this.parts.resolveProject(target.projectId!)).then((project) =>
        this.accept(record, target, now, project?.organizationId ?? null),
      );
    }
    return this.accept(record, target, now);
  }

  private accept(record: TokenRecord, target: RouteTarget, now: number, projectOrganizationId?: string | null): MaybePromise<VerifyResult> {
    if (!isWithinScope(record.organizationId, record.scope, target, projectOrganizationId)) return this.refuseFound('SCOPE_DENIED', record, now);
    // A pass allocates nothing here: the list of what is missing is built only for a refusal.
    if (target.permissions !== undefined && !holdsAll(record.permissions, target.permissions)) {
      return this.refuseFound('PERMISSION_DENIED', record, now, { missingPermissions: missingPermissions(record.permissions, target.permissions) });
    }
    // Absent (a store without limits) and null alike mean "no limit": the common case costs these two reads.
    if (record.rateLimit || typeof record.remaining === 'number') return this.limit(record, target.cost ?? 1, now);
    return this.pass(record, now, undefined);
  }

  private pass(record: TokenRecord, now: number, limits: LimitsState | undefined): VerifyResult {
    this.parts.lastUsed.use(record, now);
    this.parts.usage?.count(record, now, null);
    const token = toTokenInfo(record, now);
    if (limits === undefined) return { ok: true, token };
    if (limits.credits) token.remaining = limits.credits.remaining;
    return { ok: true, token, limits };
  }

  /** Rate limit, then credits: the tail of the path for a token that has either. */
  private limit(record: TokenRecord, cost: number, now: number): MaybePromise<VerifyResult> {
    const limiters = this.parts.rateLimiters;
    const rateLimit = record.rateLimit;
    if (rateLimit) {
      // Only a store written outside keyward can hold a rate limit it cannot count: refuse rather than ignore it.
      if (!limiters) throw new StoreFailedError(`token ${record.id} has a rate limit, but the store has no rate limiter (RateLimiterStore.rateLimiter())`);
      const rate = limiters.consume(record.id, rateLimit, cost);
      return isPromise(rate) ? rate.then((verdict) => this.afterRate(record, cost, now, verdict)) : this.afterRate(record, cost, now, rate);
    }
    return this.afterRate(record, cost, now, undefined);
  }

  private afterRate(record: TokenRecord, cost: number, now: number, rate: RateVerdict | undefined): MaybePromise<VerifyResult> {
    if (rate !== undefined && !rate.ok) {
      return this.refuseFound('RATE_LIMITED', record, now, { retryAfterMs: rate.state.resetMs, limits: { rateLimit: rate.state } });
    }
    if (typeof record.remaining !== 'number') return this.pass(record, now, rate?.state && { rateLimit: rate.state });
    const spent = spendCredits(this.parts.store as TokenStore & LimitsStore, record, cost, now);
    return isPromise(spent) ? spent.then((credits) => this.afterCredits(record, cost, now, rate, credits)) : this.afterCredits(record, cost, now, rate, spent);
  }

  private afterCredits(record: TokenRecord, cost: number, now: number, rate: RateVerdict | undefined, credits: CreditVerdict): VerifyResult {
    // Deleted between the lookup and the spend: refused as any deleted token is.
    if (credits === null) return refuse('NOT_FOUND');
    const limits: LimitsState = { rateLimit: rate?.state, credits: credits.state };
    if (!credits.ok) {
      // The window's point was taken for a request that is refused anyway: give it back.
      if (rate?.state && record.rateLimit) this.parts.rateLimiters?.refund(record.id, record.rateLimit, cost);
      const wait = credits.state.refillInMs;
      return this.refuseFound('USAGE_EXHAUSTED', record, now, wait === null ? { limits } : { retryAfterMs: wait, limits });
    }
    return this.pass(record, now, limits);
  }
}
