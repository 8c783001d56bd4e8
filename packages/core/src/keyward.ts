import { AuditTrail, createdChanges, updateAction, updateChanges, type AuditLogPage, type RequestContext } from './audit.js';
import { checkDeleteManyResult, type BulkDeleteResult } from './bulk-delete.js';
import { decodeCursor, decodeExpiringCursor, encodeCursor, encodeExpiringCursor } from './cursor.js';
import { ClosedError, NameTakenError, TokenNotFoundError, ValidationError } from './errors.js';
import { EventEmitter, type DeletionReason, type UpdatedField } from './events.js';
import { asAuditStore, asRateLimiterStore, asUsageStore, type StoreFeatures } from './features.js';
import { TokenHistory } from './history.js';
import { previewExpiration, previousSecretExpiration, type ExpiryPreset } from './expiry.js';
import { limitChange } from './limit-fields.js';
import { RateLimiters } from './limits.js';
import type { PermissionInfo } from './permissions.js';
import { resolveOptions, type KeywardOptions, type ResolvedOptions } from './options.js';
import { LastUsedRecorder } from './last-used.js';
import { checkLeaks, type LeakHandling, type LeakLabel, type LeakReport } from './leaks/check-leaks.js';
import { tokenNameKey } from './name.js';
import { newSecret, newToken } from './new-token.js';
import { assertCanManageTokens, type RouteTarget, type TokenOperation } from './policy.js';
import { actorSchema, auditLogOptionsSchema, createTokenInputSchema, expiryPresetSchema, listExpiringOptionsSchema, listOptionsSchema, parseInput } from './schemas.js';
import { pruneOptionsSchema, rollTokenInputSchema, tokenIdSchema, tokenIdsSchema, updateTokenInputSchema } from './schemas.js';
import type { AuditLogOptions, CreateTokenInput, ListExpiringOptions, ListOptions, RollTokenInput, UpdateTokenInput, UsageOptions } from './schemas.js';
import type { Actor } from './scope.js';
import { fromStore, toStoreError } from './store-errors.js';
import type { DeleteManyResult, MaybePromise, TokenRecord, UpdateChange } from './store.js';
import { projectNamesOf, toTokenInfo, toTokenListItem, type CreatedToken, type ExpiringTokenPage, type TokenInfo, type TokenPage } from './token-info.js';
import { shutDown } from './shutdown.js';
import { UsageRecorder, type UsageReport } from './usage.js';
import { Verifier, type VerifyResult } from './verify.js';

/**
 * The token service: create, list, update, roll, delete and verify API tokens, with their limits,
 * usage and audit trail. One per process, shared by the middleware and the management routes.
 * A thin facade: the per-request path is `Verifier` (verify.ts); limits, usage and audit have
 * modules of their own.
 * @example
 * const keyward = createKeyward({ store: memoryStore(), resolveProject });
 * const { plaintext } = await keyward.create(admin, { name: 'CI', scope: { kind: 'organization' }, expiresIn: '30d' });
 */
export class Keyward {
  readonly prefix: string;
  /** The checked options: store, hasher, clock, resolver, hooks, cache, features. */
  private readonly options: ResolvedOptions;
  private readonly lastUsed: LastUsedRecorder;
  private readonly usageRecorder: UsageRecorder | undefined;
  private readonly audit: AuditTrail;
  private readonly history: TokenHistory;
  private readonly verifier: Verifier;
  private readonly events: EventEmitter;
  private closed = false;
  /** The one close() in progress or done: every call returns it. */
  private closing: Promise<void> | undefined;

  constructor(options: KeywardOptions) {
    const o = (this.options = resolveOptions(options));
    this.prefix = o.prefix;
    this.events = new EventEmitter(o.onEvent, o.onError, o.now);
    this.lastUsed = new LastUsedRecorder(o.store, o.lastUsedIntervalMs, o.lastUsedFlushDelayMs, o.onError);
    this.usageRecorder = o.features.usage ? new UsageRecorder(asUsageStore(o.store), o.usageFlushIntervalMs, o.onError, o.usageRetentionDays) : undefined;
    this.audit = new AuditTrail(o.features.audit ? asAuditStore(o.store) : undefined, o.now);
    this.history = new TokenHistory(o, this.audit);
    const rateLimiters = o.features.rateLimits ? new RateLimiters(asRateLimiterStore(o.store), o.rateLimits.failOpen, o.onError) : undefined;
    this.verifier = new Verifier({ ...o, lastUsed: this.lastUsed, rateLimiters, usage: this.usageRecorder });
  }

  /**
   * Which contract v3 features this instance runs: those its store carries, less those turned off.
   * @example keyward.features // { pause: true, credits: true, rateLimits: true, audit: true, usage: true }
   */
  get features(): StoreFeatures {
    return this.options.features;
  }

  /**
   * The permissions tokens can be granted, sorted by name: the host's catalog, or [] without one.
   * @example keyward.permissions // [{ name: 'builds:read', description: 'Read builds' }]
   */
  get permissions(): readonly PermissionInfo[] {
    return this.options.permissions ?? [];
  }

  /** This instance forgets what it deleted at once (others hear it from the store's channel), then reports it. */
  private deleted(records: readonly TokenRecord[], actor: Actor | null, reason: DeletionReason): void {
    this.options.cache?.forgetTokens(records);
    this.events.deleted(records, actor, reason);
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedError();
  }

  private manager(actor: unknown, operation: TokenOperation): Actor {
    this.assertOpen();
    const parsed = parseInput(actorSchema, actor, 'actor');
    assertCanManageTokens(parsed, operation);
    return parsed;
  }

  /**
   * The `expiresAt` (epoch ms, or null) a token created now with `expiresIn` would get.
   * @example keyward.previewExpiration('30d') // 1767225600000
   */
  previewExpiration(expiresIn: ExpiryPreset, now: number = this.options.now()): number | null {
    return previewExpiration(parseInput(expiryPresetSchema, expiresIn, 'expiresIn'), now);
  }

  /**
   * Creates a token. The plaintext is in the result and nowhere else: show it once.
   * @throws ValidationError (bad name, scope or expiresIn), ForbiddenError (member), NameTakenError
   * @example const { plaintext, token } = await keyward.create(actor, { name: 'CI', scope: { kind: 'organization' }, expiresIn: '30d' });
   */
  async create(actor: Actor, input: CreateTokenInput, context?: RequestContext): Promise<CreatedToken> {
    const who = this.manager(actor, 'create');
    const parsed = parseInput(createTokenInputSchema, input);
    if (parsed.scope.kind === 'project' && (await this.options.resolveProject(parsed.scope.projectId))?.organizationId !== who.organizationId) {
      throw ValidationError.of('scope.projectId', 'no such project in this organization');
    }
    // Stores keep whole milliseconds; an injected clock may not.
    const createdAt = Math.floor(this.options.now());
    const { record, plaintext } = newToken(this.options, who, parsed, createdAt);
    const audit = this.audit.draft(who, 'created', createdChanges(record), context, createdAt);
    if ((await fromStore(() => this.options.store.insert(record, audit))) === 'name_taken') throw new NameTakenError(parsed.name);
    const token = toTokenInfo(record, createdAt);
    this.events.created(who, token, createdAt);
    return { plaintext, token };
  }

  /**
   * One page of the actor's organization's tokens, newest first, expired ones included.
   * @example const { items, nextCursor } = await keyward.list(actor, { limit: 50 });
   */
  async list(actor: Actor, options: ListOptions = {}): Promise<TokenPage> {
    const who = this.manager(actor, 'view');
    const { limit, cursor } = parseInput(listOptionsSchema, options);
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const page = await fromStore(() => this.options.store.list(who.organizationId, { limit, after }));
    const projectNames = await projectNamesOf(page.items, who.organizationId, this.options.resolveProject);
    const now = this.options.now();
    return { items: page.items.map((record) => toTokenListItem(record, now, projectNames)), nextCursor: page.next ? encodeCursor(page.next) : null };
  }

  /**
   * One token of the actor's organization.
   * @throws TokenNotFoundError when it does not exist or belongs to another organization
   */
  async get(actor: Actor, id: string): Promise<TokenInfo> {
    const who = this.manager(actor, 'view');
    const tokenId = parseInput(tokenIdSchema, id, 'id');
    const record = await fromStore(() => this.options.store.get(who.organizationId, tokenId));
    if (!record) throw new TokenNotFoundError([tokenId]);
    return toTokenInfo(record, this.options.now());
  }

  /**
   * Replaces a token's secret: same id, name, scope, permissions and expiry, a new plaintext
   * (shown once, in the result). The old secret keeps verifying for `previousSecretExpiresIn`
   * (`now` — the default —, `1h`, `24h`, `3d` or `7d`, never past the token's expiry) and never
   * after. Rolling again ends any earlier old secret at once.
   * @throws ValidationError, ForbiddenError (member), TokenNotFoundError
   * @example const { plaintext } = await keyward.roll(admin, token.id, { previousSecretExpiresIn: '24h' });
   */
  async roll(actor: Actor, id: string, input: RollTokenInput = {}, context?: RequestContext): Promise<CreatedToken> {
    const who = this.manager(actor, 'roll');
    const tokenId = parseInput(tokenIdSchema, id, 'id');
    const { previousSecretExpiresIn } = parseInput(rollTokenInputSchema, input);
    const current = await fromStore(() => this.options.store.get(who.organizationId, tokenId));
    if (!current) throw new TokenNotFoundError([tokenId]);
    const now = Math.floor(this.options.now());
    const previousExpiresAt = previousSecretExpiration(previousSecretExpiresIn, now, current.expiresAt);
    const { plaintext, change } = newSecret(this.options, previousExpiresAt);
    const audit = this.audit.draft(who, 'rolled', { previousSecretExpiresAt: previousExpiresAt }, context, now);
    const record = await fromStore(() => this.options.store.roll(who.organizationId, tokenId, change, audit));
    if (!record) throw new TokenNotFoundError([tokenId]);
    // This instance's cache must not keep answering for the old secret as if it were current.
    this.options.cache?.forgetTokens([current]);
    const token = toTokenInfo(record, now);
    this.events.rolled(who, token, now, previousExpiresAt);
    return { plaintext, token };
  }

  /**
   * Changes a token: rename it, replace its metadata (`null` clears it), pause it (`enabled: false`:
   * refused with TOKEN_DISABLED at once, everywhere, nothing lost) or resume it, and set its rate
   * limit, credits and refill (`null` removes one). The secret, scope and permissions never change here.
   * @throws ValidationError, ForbiddenError (member), NameTakenError, TokenNotFoundError
   * @example await keyward.update(admin, token.id, { enabled: false });
   */
  async update(actor: Actor, id: string, input: UpdateTokenInput, context?: RequestContext): Promise<TokenInfo> {
    const who = this.manager(actor, 'update');
    const tokenId = parseInput(tokenIdSchema, id, 'id');
    const { name, metadata, ...limits } = parseInput(updateTokenInputSchema, input);
    const now = Math.floor(this.options.now());
    const change: UpdateChange = limitChange(limits, this.options, now);
    if (name !== undefined) Object.assign(change, { name, nameKey: tokenNameKey(name) });
    if (metadata !== undefined) change.metadata = metadata;
    const audit = this.audit.draft(who, updateAction(change), updateChanges(change), context, now);
    const result = await fromStore(() => this.options.store.update(who.organizationId, tokenId, change, audit));
    if (result === 'name_taken') throw new NameTakenError(name!);
    if (!result) throw new TokenNotFoundError([tokenId]);
    // A pause must stop this instance at once, as a delete does (others hear it from the store's channel).
    this.options.cache?.forgetTokens([result]);
    const token = toTokenInfo(result, now);
    this.events.updated(who, token, now, Object.keys(updateChanges(change)) as UpdatedField[]);
    return token;
  }

  /**
   * Tokens of every organization that expire within `within` (ms, or a preset such as `7d`) from
   * now, soonest first, paged: for a scheduled job that reminds owners. Already expired tokens are
   * not included. Not tied to an actor: call it from trusted server code only.
   * @example const { items, nextCursor } = await keyward.listExpiring({ within: '7d' });
   */
  async listExpiring(options: ListExpiringOptions): Promise<ExpiringTokenPage> {
    this.assertOpen();
    const { within, limit, cursor } = parseInput(listExpiringOptionsSchema, options);
    const now = Math.floor(this.options.now());
    // A preset means what it means at create: the expiry a token made now with it would get.
    const expiresBy = typeof within === 'number' ? now + within : previewExpiration(within, now)!;
    const after = cursor === undefined ? undefined : decodeExpiringCursor(cursor);
    const page = await fromStore(() => this.options.store.listExpiring({ expiresAfter: now, expiresBy, limit, after }));
    return { items: page.items.map((record) => toTokenInfo(record, now)), nextCursor: page.next ? encodeExpiringCursor(page.next) : null };
  }

  /**
   * Deletes one token. Once this resolves, the token is refused everywhere the store is shared.
   * @throws TokenNotFoundError
   */
  async delete(actor: Actor, id: string, context?: RequestContext): Promise<void> {
    const who = this.manager(actor, 'delete');
    const tokenId = parseInput(tokenIdSchema, id, 'id');
    const { missing } = await this.deleteIds(who, [tokenId], 'deleted', context);
    if (missing.length > 0) throw new TokenNotFoundError(missing);
  }

  /**
   * Deletes up to 1000 tokens in one atomic store step. An id that is already gone (another admin
   * deleted it a moment earlier), unknown or of another organization does not stop the others:
   * it is listed in `notFound`. Only the tokens actually deleted emit `token.deleted`.
   * @throws ValidationError (0 or more than 1000 ids)
   */
  async deleteMany(actor: Actor, ids: readonly string[], context?: RequestContext): Promise<BulkDeleteResult> {
    const who = this.manager(actor, 'delete');
    const tokenIds = parseInput(tokenIdsSchema, ids, 'ids');
    const { deleted, missing } = await this.deleteIds(who, tokenIds, 'bulk_deleted', context);
    return { deleted: deleted.length, notFound: missing };
  }

  private async deleteIds(actor: Actor, ids: string[], reason: DeletionReason, context: RequestContext | undefined): Promise<DeleteManyResult> {
    // The store writes one entry per token it actually deleted, in the same step.
    const audit = this.audit.draft(actor, reason, null, context);
    const result = checkDeleteManyResult(await fromStore(() => this.options.store.deleteMany(actor.organizationId, ids, audit)));
    this.deleted(result.deleted, actor, reason);
    return result;
  }

  /**
   * Deletes every token scoped to a project; call it when the host deletes the project.
   * @returns the number deleted
   */
  async revokeProject(projectId: string): Promise<{ deleted: number }> {
    this.assertOpen();
    const id = parseInput(tokenIdSchema, projectId, 'projectId');
    const deleted = await fromStore(() => this.options.store.deleteByProject(id, this.audit.draft(null, 'project_revoked', null, undefined)));
    this.deleted(deleted, null, 'project_revoked');
    return { deleted: deleted.length };
  }

  /**
   * Deletes tokens that expired more than `olderThanMs` ago (default 0: all expired tokens).
   * Until pruned, expired tokens stay listed with status `expired`.
   */
  async pruneExpired(options: { olderThanMs?: number } = {}): Promise<{ deleted: number }> {
    this.assertOpen();
    const { olderThanMs } = parseInput(pruneOptionsSchema, options);
    const audit = this.audit.draft(null, 'expired_pruned', null, undefined);
    const deleted = await fromStore(() => this.options.store.deleteExpired(this.options.now() - olderThanMs, audit));
    this.deleted(deleted, null, 'expired_pruned');
    return { deleted: deleted.length };
  }

  /**
   * One page of the organization's audit trail (of one token with `tokenId`), newest first: who
   * did what to which token, when, from where. Deleted tokens' entries stay until pruned.
   * @throws ForbiddenError (member), FeatureUnavailableError (audit off)
   * @example const { items, nextCursor } = await keyward.auditLog(admin, { limit: 50 });
   */
  async auditLog(actor: Actor, options: AuditLogOptions = {}): Promise<AuditLogPage> {
    const who = this.manager(actor, 'view');
    const { tokenId, cursor, limit } = parseInput(auditLogOptionsSchema, options);
    return this.audit.page(who.organizationId, { tokenId, cursor, limit });
  }

  /**
   * The whole audit trail of the actor's organization as JSON lines (newest first), for a SIEM.
   * @example for await (const line of keyward.auditLines(admin)) out.write(line);
   */
  auditLines(actor: Actor, options: { tokenId?: string } = {}): AsyncGenerator<string> {
    const who = this.manager(actor, 'view');
    const { tokenId } = parseInput(auditLogOptionsSchema, options);
    return this.audit.lines(who.organizationId, tokenId);
  }

  /**
   * A token's requests per UTC day over the last `days` (default 30, today included): accepted,
   * and refused by code. Counts reach the store in batches, so the latest seconds may be missing.
   * @throws TokenNotFoundError, FeatureUnavailableError (usage off)
   * @example const { days, total } = await keyward.usage(admin, token.id, { days: 7 });
   */
  async usage(actor: Actor, tokenId: string, options: UsageOptions = {}): Promise<UsageReport> {
    const who = this.manager(actor, 'view');
    return this.history.usage(who.organizationId, parseInput(tokenIdSchema, tokenId, 'id'), options);
  }

  /**
   * `usage()` summed over every token of the actor's organization (deleted ones included).
   * @example const { total } = await keyward.organizationUsage(admin, { days: 30 });
   */
  async organizationUsage(actor: Actor, options: UsageOptions = {}): Promise<UsageReport> {
    return this.history.usage(this.manager(actor, 'view').organizationId, null, options);
  }

  /**
   * Deletes audit entries and usage counts older than their retention (`audit.retentionDays`,
   * default 400; `usage.retentionDays`, default 90). Call it from a daily job. Trusted code only.
   * @example await keyward.pruneHistory() // { auditEntries: 12, usageRows: 40 }
   */
  async pruneHistory(): Promise<{ auditEntries: number; usageRows: number }> {
    this.assertOpen();
    return this.history.prune();
  }

  /** Labels tokens reported leaked and revokes or flags the real ones: see `checkLeaks` (leaks/check-leaks.ts). Trusted code only. */
  async reportLeaks(reports: readonly LeakReport[], handling: LeakHandling): Promise<LeakLabel[]> {
    this.assertOpen();
    return checkLeaks({ ...this.options, audit: this.audit, deleted: (records) => this.deleted(records, null, 'leaked') }, reports, handling);
  }

  /**
   * Checks a plaintext token for a route. Expected refusals are results, not exceptions
   * (anything that is not a well-formed token, `undefined` included, is `MALFORMED`); a store that
   * cannot answer rejects with StoreUnavailableError, a broken one with StoreFailedError, and a
   * closed instance with ClosedError: callers fail closed.
   * @example
   * const result = await keyward.verify(token, { projectId: 'proj_1' });
   * if (!result.ok) return deny(result.code);
   */
  verify(token: string, target: RouteTarget = {}): Promise<VerifyResult> {
    try {
      return Promise.resolve(this.check(token, target));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * `verify()` for framework adapters: the same answers, but returned synchronously when the
   * store answers synchronously (memory, SQLite), and thrown rather than rejected. It is public
   * because adapters outside core use it; application code should call `verify()`.
   */
  check(token: string, target: RouteTarget = {}): MaybePromise<VerifyResult> {
    this.assertOpen();
    return this.verifier.check(token, target);
  }

  /** Writes pending last-used updates and usage counts now. */
  async flush(): Promise<void> {
    try {
      await Promise.all([this.lastUsed.flush(), this.usageRecorder?.flush()]);
    } catch (error) {
      throw toStoreError(error);
    }
  }

  /**
   * Writes pending last-used updates and usage counts, then closes the cache's channel and the
   * store, waiting at most `closeTimeoutMs` (default 5000) for each of the three. A step that runs
   * out of time is reported to `onError` as a CloseTimeoutError (the writes' one says how many
   * updates and counts were dropped) and close() still resolves. A store that refuses the final
   * writes (or fails to close) makes it reject with StoreUnavailableError or StoreFailedError once
   * every step has run. Every call returns the same promise; afterwards other calls throw ClosedError.
   * @example process.on('SIGTERM', () => void keyward.close().finally(() => process.exit(0)));
   */
  close(): Promise<void> {
    this.closing ??= shutDown({
      lastUsed: this.lastUsed,
      usage: this.usageRecorder,
      cache: this.options.cache,
      store: this.options.store,
      timeoutMs: this.options.closeTimeoutMs,
      onError: this.options.onError,
      writesSettled: () => (this.closed = true),
    });
    return this.closing;
  }
}

/**
 * Creates the token service.
 * @example
 * const keyward = createKeyward({
 *   store: memoryStore(),
 *   resolveProject: (id) => db.projects.find(id),
 * });
 */
export function createKeyward(options: KeywardOptions): Keyward {
  return new Keyward(options);
}
