import { nanoid } from 'nanoid';
import { ClosedError, ConfigurationError, KeywardError, NameTakenError, StoreUnavailableError, TokenNotFoundError, ValidationError } from './errors.js';
import type { DeletionReason, KeywardEvent } from './events.js';
import { isExpired, previewExpiration, type ExpiryPreset } from './expiry.js';
import { createHasher, type PepperOptions } from './hash.js';
import { LastUsedRecorder } from './last-used.js';
import { tokenNameKey } from './name.js';
import { assertCanManageTokens, isWithinScope, needsProjectLookup, type RouteTarget } from './policy.js';
import {
  actorSchema,
  createTokenInputSchema,
  expiryPresetSchema,
  listOptionsSchema,
  parseInput,
  pruneOptionsSchema,
  tokenIdSchema,
  tokenIdsSchema,
  type CreateTokenInput,
  type ListOptions,
} from './schemas.js';
import type { Actor, ProjectInfo } from './scope.js';
import type { ListCursor, MaybePromise, TokenRecord, TokenStore } from './store.js';
import { toTokenInfo, type TokenInfo, type TokenListItem } from './token-info.js';
import { CHECKSUM_LENGTH, DEFAULT_PREFIX, SECRET_LENGTH, assertValidPrefix, generateToken, tokenChecker, tokenHint } from './token-format.js';

export interface KeywardOptions {
  /** Where tokens live: `memoryStore()`, `sqliteStore({ db })`, `redisStore({ client })` or your own. */
  store: TokenStore;
  /** Looks a project up in the host app; null when it does not exist. Called on create, list, and for organization tokens on project routes. */
  resolveProject: (projectId: string) => MaybePromise<ProjectInfo | null>;
  /** Token prefix, `[a-z][a-z0-9]{0,15}`. Default `kw`. */
  prefix?: string;
  /** Server-side secret mixed into hashes (HMAC-SHA-256); `previous` peppers keep verifying during rotation. */
  pepper?: string | PepperOptions;
  /** At most one last-used write per token per this many ms. Default 60 000. */
  lastUsedIntervalMs?: number;
  /** How long last-used updates wait to be batched, in ms. Default min(1000, lastUsedIntervalMs). */
  lastUsedFlushDelayMs?: number;
  /** Clock, epoch ms. Inject one in tests. Default `Date.now`. */
  now?: () => number;
  /** Audit hook: called after each token is created or deleted. Events never carry the plaintext. */
  onEvent?: (event: KeywardEvent) => void;
  /** Called when something off the request path fails (a last-used flush, an onEvent hook). Default: console.error. */
  onError?: (error: unknown) => void;
}

export type VerifyFailureCode = 'MALFORMED' | 'NOT_FOUND' | 'EXPIRED' | 'SCOPE_DENIED';

export type VerifyResult = { ok: true; token: TokenInfo } | { ok: false; code: VerifyFailureCode };

export interface CreatedToken {
  /** The plaintext token. Shown once: keyward keeps only its hash. */
  plaintext: string;
  token: TokenInfo;
}

export interface TokenPage {
  items: TokenListItem[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

const FAILURES: Record<VerifyFailureCode, VerifyResult> = {
  MALFORMED: Object.freeze({ ok: false, code: 'MALFORMED' }),
  NOT_FOUND: Object.freeze({ ok: false, code: 'NOT_FOUND' }),
  EXPIRED: Object.freeze({ ok: false, code: 'EXPIRED' }),
  SCOPE_DENIED: Object.freeze({ ok: false, code: 'SCOPE_DENIED' }),
};
const ANY_ROUTE: RouteTarget = Object.freeze({});
/** Digests of checked tokens remembered per instance (about 80 bytes each). */
const CHECKED_DIGESTS = 8192;

function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | null)?.then === 'function';
}

/** Store errors that are not keyward's own become StoreUnavailableError: whatever broke, callers fail closed. */
function asStoreError(error: unknown): KeywardError {
  if (error instanceof KeywardError) return error;
  return new StoreUnavailableError(`token store failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

async function fromStore<T>(operation: () => MaybePromise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw asStoreError(error);
  }
}

// Cursors are `<createdAt base36>.<id>`: URL-safe as they are, since ids are nanoid characters.
function encodeCursor(cursor: ListCursor): string {
  return `${cursor.createdAt.toString(36)}.${cursor.id}`;
}

function decodeCursor(cursor: string): ListCursor {
  const dot = cursor.indexOf('.');
  const createdAt = dot > 0 ? parseInt(cursor.slice(0, dot), 36) : NaN;
  const id = cursor.slice(dot + 1);
  if (!Number.isSafeInteger(createdAt) || id.length === 0) {
    throw ValidationError.of('cursor', 'is not a cursor returned by list()');
  }
  return { createdAt, id };
}

/**
 * The token service: create, list, delete and verify API tokens. One per process, shared by
 * the middleware and the management routes.
 */
export class Keyward {
  readonly prefix: string;
  private readonly store: TokenStore;
  private readonly hasher;
  /** The current hash function, hoisted out of the hasher for the hot path. */
  private readonly digest: (token: string) => string;
  /** Format and checksum check for this prefix, with the prefix's CRC precomputed. */
  private readonly isWellFormed: (token: string) => boolean;
  /** `<prefix>_` and the length of every token: checked before a token is hashed. */
  private readonly head: string;
  private readonly tokenLength: number;
  /**
   * Digests of tokens that passed the format and checksum check, most recent last. A token whose
   * digest is here is that very token (SHA-256 does not collide), so its check cannot fail: it is
   * not run again. A token that fails the check is never added, so it never reaches the store.
   */
  private readonly checkedDigests = new Set<string>();
  private readonly now: () => number;
  private readonly lastUsed: LastUsedRecorder;
  /** Frozen answers for frozen records, built on a record's first successful verification. */
  private readonly answers = new WeakMap<TokenRecord, VerifyResult>();
  private readonly options: KeywardOptions;
  private closed = false;

  constructor(options: KeywardOptions) {
    if (!options || typeof options !== 'object') throw new ConfigurationError('createKeyward(options): options must be an object');
    if (!options.store || typeof options.store.findByHash !== 'function') {
      throw new ConfigurationError('store must be a TokenStore, e.g. memoryStore()');
    }
    if (typeof options.resolveProject !== 'function') {
      throw new ConfigurationError('resolveProject must be a function (projectId) => { id, organizationId, name } | null');
    }
    const interval = options.lastUsedIntervalMs ?? 60_000;
    if (!Number.isSafeInteger(interval) || interval < 0) throw new ConfigurationError('lastUsedIntervalMs must be a non-negative integer');
    const flushDelay = options.lastUsedFlushDelayMs ?? Math.min(1000, interval);
    if (!Number.isSafeInteger(flushDelay) || flushDelay < 0) throw new ConfigurationError('lastUsedFlushDelayMs must be a non-negative integer');
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    assertValidPrefix(prefix);

    this.options = options;
    this.prefix = prefix;
    this.store = options.store;
    this.hasher = createHasher(options.pepper);
    this.digest = this.hasher.hash;
    this.isWellFormed = tokenChecker(prefix);
    this.head = `${prefix}_`;
    this.tokenLength = prefix.length + 1 + SECRET_LENGTH + CHECKSUM_LENGTH;
    this.now = options.now ?? Date.now;
    this.lastUsed = new LastUsedRecorder(this.store, interval, flushDelay, (error) => this.reportError(error), this.now);
  }

  private reportError(error: unknown): void {
    (this.options.onError ?? ((e: unknown) => console.error('[keyward]', e)))(error);
  }

  private emit(event: KeywardEvent): void {
    if (!this.options.onEvent) return;
    try {
      this.options.onEvent(event);
    } catch (error) {
      this.reportError(error);
    }
  }

  private emitDeleted(records: readonly TokenRecord[], actor: Actor | null, reason: DeletionReason): void {
    const at = this.now();
    for (const record of records) this.emit({ type: 'token.deleted', at, actor, reason, token: toTokenInfo(record) });
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedError();
  }

  private manager(actor: unknown, operation: 'view' | 'create' | 'delete'): Actor {
    this.assertOpen();
    const parsed = parseInput(actorSchema, actor, 'actor');
    assertCanManageTokens(parsed, operation);
    return parsed;
  }

  /**
   * The `expiresAt` (epoch ms, or null) a token created now with `expiresIn` would get.
   * @example keyward.previewExpiration('30d') // 1767225600000
   */
  previewExpiration(expiresIn: ExpiryPreset, now: number = this.now()): number | null {
    return previewExpiration(parseInput(expiryPresetSchema, expiresIn, 'expiresIn'), now);
  }

  /**
   * Creates a token. The plaintext is in the result and nowhere else: show it once.
   * @throws ValidationError (bad name, scope or expiresIn), ForbiddenError (member), NameTakenError
   * @example const { plaintext, token } = await keyward.create(actor, { name: 'CI', scope: { kind: 'organization' }, expiresIn: '30d' });
   */
  async create(actor: Actor, input: CreateTokenInput): Promise<CreatedToken> {
    const who = this.manager(actor, 'create');
    const { name, scope, expiresIn } = parseInput(createTokenInputSchema, input);
    if (scope.kind === 'project') {
      const project = await this.options.resolveProject(scope.projectId);
      if (!project || project.organizationId !== who.organizationId) {
        throw ValidationError.of('scope.projectId', 'no such project in this organization');
      }
    }
    const plaintext = generateToken(this.prefix);
    // Stores keep whole milliseconds; an injected clock may not.
    const createdAt = Math.floor(this.now());
    const record: TokenRecord = {
      id: `tok_${nanoid()}`,
      organizationId: who.organizationId,
      name,
      nameKey: tokenNameKey(name),
      scope,
      hash: this.hasher.hash(plaintext),
      hint: tokenHint(plaintext, this.prefix),
      createdAt,
      createdBy: who.userId,
      expiresAt: previewExpiration(expiresIn, createdAt),
      lastUsedAt: null,
    };
    const outcome = await fromStore(() => this.store.insert(record));
    if (outcome === 'name_taken') throw new NameTakenError(name);
    const token = toTokenInfo(record);
    this.emit({ type: 'token.created', at: createdAt, actor: who, token });
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
    const page = await fromStore(() => this.store.list(who.organizationId, { limit, after }));
    const projectNames = await this.projectNames(page.items, who.organizationId);
    const now = this.now();
    return {
      items: page.items.map((record) => ({
        ...toTokenInfo(record),
        status: isExpired(record.expiresAt, now) ? 'expired' : 'active',
        scopeLabel:
          record.scope.kind === 'organization'
            ? 'Organization'
            : (projectNames.get(record.scope.projectId) ?? `Unknown project (${record.scope.projectId})`),
      })),
      nextCursor: page.next ? encodeCursor(page.next) : null,
    };
  }

  private async projectNames(records: readonly TokenRecord[], organizationId: string): Promise<Map<string, string>> {
    const ids = new Set<string>();
    for (const r of records) if (r.scope.kind === 'project') ids.add(r.scope.projectId);
    const names = new Map<string, string>();
    await Promise.all(
      [...ids].map(async (id) => {
        const project = await this.options.resolveProject(id);
        if (project && project.organizationId === organizationId) names.set(id, project.name);
      }),
    );
    return names;
  }

  /**
   * One token of the actor's organization.
   * @throws TokenNotFoundError when it does not exist or belongs to another organization
   */
  async get(actor: Actor, id: string): Promise<TokenInfo> {
    const who = this.manager(actor, 'view');
    const tokenId = parseInput(tokenIdSchema, id, 'id');
    const record = await fromStore(() => this.store.get(who.organizationId, tokenId));
    if (!record) throw new TokenNotFoundError([tokenId]);
    return toTokenInfo(record);
  }

  /**
   * Deletes one token. Once this resolves, the token is refused everywhere the store is shared.
   * @throws TokenNotFoundError
   */
  async delete(actor: Actor, id: string): Promise<void> {
    const who = this.manager(actor, 'delete');
    const tokenId = parseInput(tokenIdSchema, id, 'id');
    await this.deleteIds(who, [tokenId], 'deleted');
  }

  /**
   * Deletes up to 1000 tokens, all or none: if any id is unknown, nothing is deleted.
   * @returns the number deleted
   * @throws ValidationError (0 or more than 1000 ids), TokenNotFoundError (lists the unknown ids)
   */
  async deleteMany(actor: Actor, ids: readonly string[]): Promise<{ deleted: number }> {
    const who = this.manager(actor, 'delete');
    const tokenIds = parseInput(tokenIdsSchema, ids, 'ids');
    return { deleted: await this.deleteIds(who, tokenIds, 'bulk_deleted') };
  }

  private async deleteIds(actor: Actor, ids: string[], reason: DeletionReason): Promise<number> {
    const result = await fromStore(() => this.store.deleteMany(actor.organizationId, ids));
    if (!result.ok) throw new TokenNotFoundError(result.missing);
    this.emitDeleted(result.deleted, actor, reason);
    return result.deleted.length;
  }

  /**
   * Deletes every token scoped to a project; call it when the host deletes the project.
   * @returns the number deleted
   */
  async revokeProject(projectId: string): Promise<{ deleted: number }> {
    this.assertOpen();
    const id = parseInput(tokenIdSchema, projectId, 'projectId');
    const deleted = await fromStore(() => this.store.deleteByProject(id));
    this.emitDeleted(deleted, null, 'project_revoked');
    return { deleted: deleted.length };
  }

  /**
   * Deletes tokens that expired more than `olderThanMs` ago (default 0: all expired tokens).
   * Until pruned, expired tokens stay listed with status `expired`.
   */
  async pruneExpired(options: { olderThanMs?: number } = {}): Promise<{ deleted: number }> {
    this.assertOpen();
    const { olderThanMs } = parseInput(pruneOptionsSchema, options);
    const deleted = await fromStore(() => this.store.deleteExpired(this.now() - olderThanMs));
    this.emitDeleted(deleted, null, 'expired_pruned');
    return { deleted: deleted.length };
  }

  /**
   * Checks a plaintext token for a route. Expected refusals are results, not exceptions;
   * a store that cannot answer rejects with StoreUnavailableError (fail closed).
   * Answers are read-only: for stores that keep frozen records (the memory store, the Redis
   * cache) the same frozen answer is handed to every verification of the token.
   * @example
   * const result = await keyward.verify(token, { projectId: 'proj_1' });
   * if (!result.ok) return deny(result.code);
   */
  verify(token: string, target: RouteTarget = ANY_ROUTE): Promise<VerifyResult> {
    try {
      return Promise.resolve(this.check(token, target));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Same answers as `verify`, but synchronous when the store answers synchronously (memory,
   * SQLite): it returns the result itself, or a promise for stores that need I/O. Failures are
   * thrown or rejected the same way. Middlewares call this to save a microtask per request.
   */
  check(token: string, target: RouteTarget = ANY_ROUTE): MaybePromise<VerifyResult> {
    if (typeof token !== 'string') throw ValidationError.of('token', 'must be a string');
    if (this.closed) throw new ClosedError();
    // Shape first, so nothing of the wrong length or prefix is even hashed.
    if (token.length !== this.tokenLength || !token.startsWith(this.head)) return FAILURES.MALFORMED;
    const digest = this.digest(token);
    if (!this.checkedDigests.has(digest)) {
      // The checksum and alphabet check, once per distinct token: typos never reach the store.
      if (!this.isWellFormed(token)) return FAILURES.MALFORMED;
      if (this.checkedDigests.size >= CHECKED_DIGESTS) this.checkedDigests.delete(this.checkedDigests.values().next().value!);
      this.checkedDigests.add(digest);
    }
    let found: MaybePromise<TokenRecord | null>;
    try {
      found = this.store.findByHash(digest);
    } catch (error) {
      throw asStoreError(error);
    }
    if (found === null) return this.notFound(token, target);
    if (isPromise(found)) {
      return found.then(
        (record) => (record === null ? this.notFound(token, target) : this.checkFound(record, target)),
        (error: unknown) => Promise.reject(asStoreError(error)),
      );
    }
    return this.checkFound(found, target);
  }

  private notFound(token: string, target: RouteTarget): MaybePromise<VerifyResult> {
    return this.hasher.previousHashes.length > 0 ? this.findWithPreviousPeppers(token, target) : FAILURES.NOT_FOUND;
  }

  private checkFound(record: TokenRecord, target: RouteTarget): MaybePromise<VerifyResult> {
    // The clock is read only for tokens that can expire; the others never need it here.
    const expiresAt = record.expiresAt;
    if (expiresAt !== null && isExpired(expiresAt, this.now())) return FAILURES.EXPIRED;
    if (needsProjectLookup(record.scope, target)) {
      return Promise.resolve(this.options.resolveProject(target.projectId!)).then((project) =>
        this.accept(record, target, project?.organizationId ?? null),
      );
    }
    return this.accept(record, target);
  }

  private accept(record: TokenRecord, target: RouteTarget, projectOrganizationId?: string | null): VerifyResult {
    if (!isWithinScope(record.organizationId, record.scope, target, projectOrganizationId)) return FAILURES.SCOPE_DENIED;
    this.lastUsed.use(record);
    let answer = this.answers.get(record);
    if (answer === undefined) {
      answer = { ok: true, token: toTokenInfo(record) };
      // A frozen record (the memory store's, the Redis cache's) never changes: its answer can be
      // built once, frozen, and handed to every request that presents the token.
      if (Object.isFrozen(record)) {
        Object.freeze(answer.token);
        this.answers.set(record, Object.freeze(answer));
      }
    }
    return answer;
  }

  private async findWithPreviousPeppers(token: string, target: RouteTarget): Promise<VerifyResult> {
    for (const digest of this.hasher.previousHashes) {
      const record = await fromStore(() => this.store.findByHash(digest(token)));
      if (record) return this.checkFound(record, target);
    }
    return FAILURES.NOT_FOUND;
  }

  /** Writes pending last-used updates now. */
  flush(): Promise<void> {
    return this.lastUsed.flush().catch((error: unknown) => Promise.reject(asStoreError(error)));
  }

  /** Flushes pending last-used updates and closes the store. Further calls throw ClosedError. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.lastUsed.stop();
    try {
      await this.flush();
    } finally {
      this.closed = true;
      await this.store.close?.();
    }
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
