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

export type DeleteManyResult =
  | { ok: true; deleted: TokenRecord[] }
  | { ok: false; missing: string[] };

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
   * The record whose `hash` equals `hash`, or null. This is the verification hot path: one
   * indexed lookup (one round trip for a network store). Expired records are returned as they are.
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
   * Deletes all of `ids` (distinct, ≤ 1000) from `organizationId`, or none of them. Must be atomic:
   * if any id is not a token of that organization, nothing is deleted and `missing` lists those ids.
   * Once it resolves, `findByHash` returns null for every deleted token on every instance.
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

  /** Releases resources the store owns. Does not close clients the caller passed in. */
  close?(): Promise<void>;
}
