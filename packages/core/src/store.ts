import type { TokenScope } from './scope.js';

/**
 * A token as stored. Never holds the plaintext: only its hash and a short display hint.
 * All instants are whole epoch milliseconds; ids are ASCII (so byte order and string order agree).
 */
export interface TokenRecord {
  /** Public id, e.g. `tok_V1StGXR8Z5jdHi6BmyT2a`. */
  id: string;
  organizationId: string;
  /** Display name, trimmed and NFC-normalized. */
  name: string;
  /** Case-folded name; unique per organization. */
  nameKey: string;
  scope: TokenScope;
  /** base64url SHA-256 (or HMAC-SHA-256) of the plaintext token. Unique. */
  hash: string;
  /** Prefix and the first secret characters, e.g. `kw_4fT0`, for display. */
  hint: string;
  /** Epoch ms; any safe integer (an imported or test record may predate 1970). */
  createdAt: number;
  /** userId of the actor who created it. */
  createdBy: string;
  /** Epoch ms, or null for a token that never expires. */
  expiresAt: number | null;
  /** Epoch ms of the latest recorded use, or null if never used. */
  lastUsedAt: number | null;
  /**
   * Permission names this token was granted (distinct, sorted), or null when the host declared no
   * permission catalog when the token was created. Stores keep it as it is; keyward checks it.
   */
  permissions: string[] | null;
  /** The host's own JSON object (at most 4 KB as JSON), or null. Stores keep it as it is. */
  metadata: Record<string, unknown> | null;
  /**
   * The secret replaced by the last `roll()`, while it still verifies; null otherwise. A store may
   * drop it once `expiresAt` has passed (keyward refuses it from then on either way).
   */
  previous: PreviousSecret | null;
}

/** A rolled-away secret that keeps verifying until `expiresAt`. */
export interface PreviousSecret {
  /** Hash of the old plaintext, like `TokenRecord.hash`. Unique among every `hash` and `previous.hash`. */
  hash: string;
  /** Display hint of the old plaintext. */
  hint: string;
  /** Epoch ms from which the old secret is refused. */
  expiresAt: number;
}

/** What `roll()` changes: the new secret, and until when the current one keeps verifying. */
export interface RollChange {
  /** Hash of the new plaintext. */
  hash: string;
  /** Display hint of the new plaintext. */
  hint: string;
  /**
   * Epoch ms until which the current secret keeps verifying (it becomes `previous`), or null: it
   * stops at once. Any earlier `previous` secret stops at once either way.
   */
  previousExpiresAt: number | null;
}

/** What `update()` changes; absent fields stay as they are. `name` and `nameKey` come together. */
export interface UpdateChange {
  name?: string;
  nameKey?: string;
  /** null clears it. */
  metadata?: Record<string, unknown> | null;
}

/** Position after which a page of `listExpiring` starts: the last item of the previous page. */
export interface ExpiringCursor {
  expiresAt: number;
  id: string;
}

export interface ExpiringPage {
  items: TokenRecord[];
  /** Position to pass as `after` for the next page, or null when this is the last page. */
  next: ExpiringCursor | null;
}

/** Position after which a page of `list` starts: the last item of the previous page. */
export interface ListCursor {
  createdAt: number;
  id: string;
}

export interface ListPage {
  items: TokenRecord[];
  /** Position to pass as `after` for the next page, or null when this is the last page. */
  next: ListCursor | null;
}

/** One coalesced "last used" update. */
export interface LastUsedUpdate {
  id: string;
  organizationId: string;
  /** Epoch ms. */
  lastUsedAt: number;
}

/**
 * What `deleteMany` answers: every id it was asked for is in exactly one of the two lists.
 * @example { deleted: [record], missing: ['tok_gone'] }
 */
export interface DeleteManyResult {
  /** The records this call deleted (each with the secrets it had), in any order. */
  deleted: TokenRecord[];
  /**
   * The ids this call did not delete, in the order asked: unknown, of another organization (the
   * two look the same, so existence does not leak), or deleted a moment earlier by another call.
   */
  missing: string[];
}

/** A value, or a promise of it: synchronous stores (memory, SQLite) skip a microtask on the hot path. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Where keyward keeps tokens. Stores hold no policy: names arrive normalized, ids generated,
 * permissions checked.
 *
 * Failing closed is the one obligation every method shares: never answer `null`, an empty page
 * or "missing" when the store could not look. A store that could not reach its data (connection
 * refused or reset, timeout, busy, read-only, disk full…) throws `StoreUnavailableError` (HTTP 503,
 * "retry later"); the store classifies these, since it knows its driver's errors. Anything else it
 * throws is taken for a bug and reported as `StoreFailedError` (code `STORE_FAILED`, HTTP 500).
 * Either way the request is refused.
 *
 * Every store must pass `describeTokenStore` from `@keyward/store-tests`.
 */
export interface TokenStore {
  /**
   * Inserts a new record. Must be atomic with the uniqueness check on
   * (`organizationId`, `nameKey`): of two concurrent inserts with the same key, exactly one
   * succeeds and the other resolves `'name_taken'` without writing anything.
   * After it resolves `'ok'`, `findByHash(record.hash)` returns the record on every instance.
   * A record whose `id` already exists (in any organization) must be refused by rejecting, never
   * overwrite the other record nor resolve `'name_taken'`: ids are generated, so this is a bug.
   */
  insert(record: TokenRecord): Promise<'ok' | 'name_taken'>;

  /**
   * The record whose `hash` or `previous.hash` equals `hash`, or null. This is the verification
   * hot path: one indexed lookup (one round trip for a network store). Expired records, and
   * previous secrets past their `expiresAt` that the store still keeps, are returned as they are.
   * The result may be an object the store keeps (the memory store does, to avoid a copy per
   * request): callers must treat it as read-only. Every other method returns copies.
   */
  findByHash(hash: string): MaybePromise<TokenRecord | null>;

  /** The record with this id in this organization, or null (also when the id belongs to another organization). */
  get(organizationId: string, id: string): Promise<TokenRecord | null>;

  /**
   * One page of an organization's tokens, newest first: ordered by `createdAt` descending, then
   * `id` descending. `after` is the last item of the previous page (only items strictly after it
   * come back); `limit` is a positive integer (keyward asks for at most 100). A page must cost about
   * the same at any depth: seek to `after`, never skip over the items before it.
   * Expired tokens are included.
   */
  list(organizationId: string, options: { limit: number; after?: ListCursor | undefined }): Promise<ListPage>;

  /**
   * Deletes those of `ids` (distinct, ≤ 1000) that are tokens of `organizationId`, in one atomic
   * step, and lists the others in `missing`: an id that is unknown, of another organization, or
   * already deleted (by another admin a moment earlier) never stops the rest from being deleted.
   * Of overlapping calls, each token is reported `deleted` by exactly one; the others list it
   * `missing`, as if they had run just after. An empty `ids` deletes nothing.
   * Once it resolves, `findByHash` returns null for every deleted token on every instance, for its
   * current and its previous secret alike (the same holds for every deleting method below).
   */
  deleteMany(organizationId: string, ids: readonly string[]): Promise<DeleteManyResult>;

  /** Deletes every token scoped to this project (any organization); returns the deleted records. */
  deleteByProject(projectId: string): Promise<TokenRecord[]>;

  /**
   * Deletes every token whose `expiresAt` is not null and ≤ `expiredBefore` (epoch ms);
   * returns the deleted records.
   */
  deleteExpired(expiredBefore: number): Promise<TokenRecord[]>;

  /**
   * Records uses. Monotonic: a record's `lastUsedAt` becomes max(current, update); an older
   * value never overwrites a newer one. Updates for tokens that no longer exist are ignored.
   */
  touch(updates: readonly LastUsedUpdate[]): Promise<void>;

  /**
   * Replaces the secret of the token `id` of `organizationId` (a roll), atomically: `hash` and
   * `hint` become the new ones; the current secret becomes `previous` (until
   * `change.previousExpiresAt`) or, when that is null, stops verifying; an earlier `previous`
   * secret stops verifying either way. Everything else (id, name, scope, permissions, metadata,
   * expiry, last used) stays. Resolves the updated record, or null when there is no such token
   * (nothing written). Once it resolves, on every instance: `findByHash(change.hash)` and
   * `findByHash(old current hash)` (while kept as previous) return the updated record, and
   * `findByHash` of each secret that stopped returns null. A store with an invalidation channel
   * announces the old current hash and the dropped previous hash in the same atomic step.
   */
  roll(organizationId: string, id: string, change: RollChange): Promise<TokenRecord | null>;

  /**
   * Renames the token and/or replaces its metadata. Atomic with the uniqueness check on
   * (`organizationId`, `nameKey`), as `insert` (a token keeping its own name key is not a clash).
   * Resolves the updated record, `'name_taken'` (nothing written), or null when there is no such
   * token. A store with an invalidation channel announces the token's hashes in the same step.
   */
  update(organizationId: string, id: string, change: UpdateChange): Promise<TokenRecord | 'name_taken' | null>;

  /**
   * One page of the tokens of every organization whose `expiresAt` is in
   * (`expiresAfter`, `expiresBy`] (epoch ms), soonest first: ordered by `expiresAt` ascending,
   * then `id` ascending (ids are unique across organizations). `after` is the last item of the
   * previous page; `limit` is a positive integer (keyward asks for at most 100). Like `list`, a
   * page must cost about the same at any depth.
   */
  listExpiring(options: { expiresAfter: number; expiresBy: number; limit: number; after?: ExpiringCursor | undefined }): Promise<ExpiringPage>;

  /** Releases resources the store owns. Does not close clients the caller passed in. */
  close?(): Promise<void>;
}
