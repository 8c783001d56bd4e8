import { nanoid } from 'nanoid';
import { checkDeleteManyResult, type BulkDeleteResult } from './bulk-delete.js';
import { decodeCursor, decodeExpiringCursor, encodeCursor, encodeExpiringCursor } from './cursor.js';
import { ClosedError, NameTakenError, TokenNotFoundError, ValidationError } from './errors.js';
import { EventEmitter, type DeletionReason } from './events.js';
import { previewExpiration, previousSecretExpiration, type ExpiryPreset } from './expiry.js';
import type { PermissionInfo } from './permissions.js';
import { resolveOptions, type KeywardOptions, type ResolvedOptions } from './options.js';
import { LastUsedRecorder } from './last-used.js';
import { tokenNameKey } from './name.js';
import { assertCanManageTokens, type RouteTarget, type TokenOperation } from './policy.js';
import {
  actorSchema,
  createTokenInputSchema,
  expiryPresetSchema,
  listExpiringOptionsSchema,
  listOptionsSchema,
  parseInput,
  pruneOptionsSchema,
  rollTokenInputSchema,
  tokenIdSchema,
  tokenIdsSchema,
  updateTokenInputSchema,
  type CreateTokenInput,
  type ListExpiringOptions,
  type ListOptions,
  type RollTokenInput,
  type UpdateTokenInput,
} from './schemas.js';
import type { Actor } from './scope.js';
import { fromStore, toStoreError } from './store-errors.js';
import type { DeleteManyResult, MaybePromise, TokenRecord, UpdateChange } from './store.js';
import {
  projectNamesOf,
  toTokenInfo,
  toTokenListItem,
  type CreatedToken,
  type ExpiringTokenPage,
  type TokenInfo,
  type TokenPage,
} from './token-info.js';
import { generateToken, tokenHint } from './token-format.js';
import { Verifier, type VerifyResult } from './verify.js';

/**
 * The token service: create, list, delete and verify API tokens. One per process, shared by
 * the middleware and the management routes. Management lives here; the per-request path is
 * `Verifier` (verify.ts).
 * @example
 * const keyward = createKeyward({ store: memoryStore(), resolveProject });
 * const { plaintext } = await keyward.create(admin, { name: 'CI', scope: { kind: 'organization' }, expiresIn: '30d' });
 */
export class Keyward {
  readonly prefix: string;
  /** The checked options: store, hasher, clock, resolver, hooks, cache. */
  private readonly options: ResolvedOptions;
  private readonly lastUsed: LastUsedRecorder;
  private readonly verifier: Verifier;
  private readonly events: EventEmitter;
  private closed = false;

  constructor(options: KeywardOptions) {
    const o = (this.options = resolveOptions(options));
    this.prefix = o.prefix;
    this.events = new EventEmitter(o.onEvent, o.onError, o.now);
    this.lastUsed = new LastUsedRecorder(o.store, o.lastUsedIntervalMs, o.lastUsedFlushDelayMs, o.onError);
    this.verifier = new Verifier({ ...o, lastUsed: this.lastUsed });
  }


  /**
   * The permissions tokens can be granted, sorted by name: the host's catalog, or an empty list
   * when it declared none.
   * @example keyward.permissions // [{ name: 'builds:read', description: 'Read builds' }]
   */
  get permissions(): readonly PermissionInfo[] {
    return this.options.permissions ?? [];
  }

  /** The permissions of a new token: a subset of the catalog when there is one, none otherwise. */
  private grantable(requested: string[] | undefined): string[] | null {
    const catalog = this.options.permissions;
    if (catalog === undefined) {
      if (requested !== undefined) throw ValidationError.of('permissions', 'this server declares no permissions; leave it out');
      return null;
    }
    if (requested === undefined) throw ValidationError.of('permissions', 'is required: list at least one permission');
    // Checked in the order sent, so the error's index is the client's own.
    requested.forEach((name, i) => {
      if (!catalog.some((entry) => entry.name === name)) {
        throw ValidationError.of(`permissions.${i}`, `"${name}" is not a permission of this server, which declares ${catalog.map((entry) => entry.name).join(', ')}`);
      }
    });
    return [...new Set(requested)].sort();
  }

  /** This instance forgets what it deleted at once (others hear it from the store's channel), then reports it. */
  private deleted(records: readonly TokenRecord[], actor: Actor | null, reason: DeletionReason): void {
    this.options.cache?.forget(records.flatMap(secretHashes));
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
  async create(actor: Actor, input: CreateTokenInput): Promise<CreatedToken> {
    const who = this.manager(actor, 'create');
    const { name, scope, expiresIn, permissions, metadata } = parseInput(createTokenInputSchema, input);
    const granted = this.grantable(permissions);
    if (scope.kind === 'project' && (await this.options.resolveProject(scope.projectId))?.organizationId !== who.organizationId) {
      throw ValidationError.of('scope.projectId', 'no such project in this organization');
    }
    const plaintext = generateToken(this.prefix);
    // Stores keep whole milliseconds; an injected clock may not.
    const createdAt = Math.floor(this.options.now());
    const record: TokenRecord = {
      id: `tok_${nanoid()}`,
      organizationId: who.organizationId,
      name,
      nameKey: tokenNameKey(name),
      scope,
      hash: this.options.hasher.hash(plaintext),
      hint: tokenHint(plaintext, this.prefix),
      createdAt,
      createdBy: who.userId,
      expiresAt: previewExpiration(expiresIn, createdAt),
      lastUsedAt: null,
      permissions: granted,
      metadata: metadata ?? null,
      previous: null,
    };
    if ((await fromStore(() => this.options.store.insert(record))) === 'name_taken') throw new NameTakenError(name);
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
    return {
      items: page.items.map((record) => toTokenListItem(record, now, projectNames)),
      nextCursor: page.next ? encodeCursor(page.next) : null,
    };
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
  async roll(actor: Actor, id: string, input: RollTokenInput = {}): Promise<CreatedToken> {
    const who = this.manager(actor, 'roll');
    const tokenId = parseInput(tokenIdSchema, id, 'id');
    const { previousSecretExpiresIn } = parseInput(rollTokenInputSchema, input);
    const current = await fromStore(() => this.options.store.get(who.organizationId, tokenId));
    if (!current) throw new TokenNotFoundError([tokenId]);
    const plaintext = generateToken(this.prefix);
    const now = Math.floor(this.options.now());
    const previousExpiresAt = previousSecretExpiration(previousSecretExpiresIn, now, current.expiresAt);
    const change = { hash: this.options.hasher.hash(plaintext), hint: tokenHint(plaintext, this.prefix), previousExpiresAt };
    const record = await fromStore(() => this.options.store.roll(who.organizationId, tokenId, change));
    if (!record) throw new TokenNotFoundError([tokenId]);
    // This instance's cache must not keep answering for the old secret as if it were current.
    this.options.cache?.forget(secretHashes(current));
    const token = toTokenInfo(record, now);
    this.events.rolled(who, token, now, previousExpiresAt);
    return { plaintext, token };
  }

  /**
   * Renames a token and/or replaces its metadata (`null` clears it). The secret, scope and
   * permissions never change here.
   * @throws ValidationError, ForbiddenError (member), NameTakenError, TokenNotFoundError
   * @example await keyward.update(admin, token.id, { name: 'CI (old runner)', metadata: { owner: 'platform' } });
   */
  async update(actor: Actor, id: string, input: UpdateTokenInput): Promise<TokenInfo> {
    const who = this.manager(actor, 'update');
    const tokenId = parseInput(tokenIdSchema, id, 'id');
    const { name, metadata } = parseInput(updateTokenInputSchema, input);
    const change: UpdateChange = {};
    if (name !== undefined) Object.assign(change, { name, nameKey: tokenNameKey(name) });
    if (metadata !== undefined) change.metadata = metadata;
    const result = await fromStore(() => this.options.store.update(who.organizationId, tokenId, change));
    if (result === 'name_taken') throw new NameTakenError(name!);
    if (!result) throw new TokenNotFoundError([tokenId]);
    this.options.cache?.forget(secretHashes(result));
    const now = this.options.now();
    const token = toTokenInfo(result, now);
    const changed: Array<'name' | 'metadata'> = [];
    if (name !== undefined) changed.push('name');
    if (metadata !== undefined) changed.push('metadata');
    this.events.updated(who, token, now, changed);
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
    return {
      items: page.items.map((record) => toTokenInfo(record, now)),
      nextCursor: page.next ? encodeExpiringCursor(page.next) : null,
    };
  }

  /**
   * Deletes one token. Once this resolves, the token is refused everywhere the store is shared.
   * @throws TokenNotFoundError
   */
  async delete(actor: Actor, id: string): Promise<void> {
    const who = this.manager(actor, 'delete');
    const tokenId = parseInput(tokenIdSchema, id, 'id');
    const { missing } = await this.deleteIds(who, [tokenId], 'deleted');
    if (missing.length > 0) throw new TokenNotFoundError(missing);
  }

  /**
   * Deletes up to 1000 tokens in one atomic store step. An id that is already gone (another admin
   * deleted it a moment earlier), unknown or of another organization does not stop the others:
   * it is listed in `notFound`. Only the tokens actually deleted emit `token.deleted`.
   * @throws ValidationError (0 or more than 1000 ids)
   */
  async deleteMany(actor: Actor, ids: readonly string[]): Promise<BulkDeleteResult> {
    const who = this.manager(actor, 'delete');
    const tokenIds = parseInput(tokenIdsSchema, ids, 'ids');
    const { deleted, missing } = await this.deleteIds(who, tokenIds, 'bulk_deleted');
    return { deleted: deleted.length, notFound: missing };
  }

  private async deleteIds(actor: Actor, ids: string[], reason: DeletionReason): Promise<DeleteManyResult> {
    const result = checkDeleteManyResult(await fromStore(() => this.options.store.deleteMany(actor.organizationId, ids)));
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
    const deleted = await fromStore(() => this.options.store.deleteByProject(id));
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
    const deleted = await fromStore(() => this.options.store.deleteExpired(this.options.now() - olderThanMs));
    this.deleted(deleted, null, 'expired_pruned');
    return { deleted: deleted.length };
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

  /** Writes pending last-used updates now. */
  flush(): Promise<void> {
    return this.lastUsed.flush().catch((error: unknown) => Promise.reject(toStoreError(error)));
  }

  /** Flushes pending last-used updates and closes the store. Further calls throw ClosedError. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.lastUsed.stop();
    try {
      await this.flush();
    } finally {
      this.closed = true;
      await this.options.cache?.close();
      await this.options.store.close?.();
    }
  }
}

/** Every hash a record can be found by: its current secret and, after a roll, its previous one. */
function secretHashes(record: TokenRecord): string[] {
  return record.previous ? [record.hash, record.previous.hash] : [record.hash];
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
