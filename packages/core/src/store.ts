import type { Role, TokenScope } from './scope.js';

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

  // ── Contract v3: limits. keyward always sends them to insert(); a store that implements
  // `LimitsStore` keeps them and returns each of them from every read (absent and null alike mean
  // "none"). A store without that part may leave them out: keyward then reads the token as enabled
  // and without limits, and refuses to set any (ConfigurationError at startup, ValidationError per field).

  /** false while the token is paused: it is kept (id, name, secret, history) but refused. Absent: true. */
  enabled?: boolean;
  /** Requests allowed per window, or null for none. Counted by the store's rate limiter, not here. */
  rateLimit?: RateLimit | null;
  /**
   * Usage credits left (a count of request points, ≥ 0), or null when the token has none (unlimited).
   * Only `spend()` takes them off, atomically; `update()` sets them.
   */
  remaining?: number | null;
  /** How `remaining` is set back, or null: never. Meaningful only while `remaining` is not null. */
  refill?: Refill | null;
  /** Epoch ms of the last refill (or of when credits were set): the refill clock's anchor. Null without a refill. */
  refilledAt?: number | null;
}

/** A per-token rate limit: at most `limit` points per `window` (a fixed window, counted per token id). */
export interface RateLimit {
  /** Points per window, a positive integer. */
  limit: number;
  /** Window length in ms: a whole number of seconds, ≥ 1000. */
  window: number;
}

/**
 * A credit refill: every `interval` ms after `refilledAt`, `remaining` is set back to `amount`
 * (not added to: unused credits do not pile up).
 */
export interface Refill {
  /** What `remaining` becomes at each refill, a positive integer. */
  amount: number;
  /** ms between refills: 1, 7 or 30 days (86 400 000 × n). */
  interval: number;
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

/**
 * What `update()` changes; absent fields stay as they are. `name` and `nameKey` come together.
 * The limit fields (`enabled` and after it) only reach a store that implements `LimitsStore`.
 */
export interface UpdateChange {
  name?: string;
  nameKey?: string;
  /** null clears it. */
  metadata?: Record<string, unknown> | null;
  /** false pauses the token, true resumes it. */
  enabled?: boolean;
  /** null removes the rate limit. */
  rateLimit?: RateLimit | null;
  /** Sets the credits outright (null: unlimited). Replaces whatever concurrent spends left. */
  remaining?: number | null;
  /** null removes the refill. */
  refill?: Refill | null;
  /** The new refill anchor (epoch ms); sent with `remaining` or `refill` whenever either changes. */
  refilledAt?: number | null;
}

/**
 * What `spend()` answers. `remaining` and `refilledAt` are the token's values after the call (a
 * refill that fell due is applied first, and kept even when the spend is refused).
 * - `{ ok: true, remaining: number }`: `cost` credits were taken off.
 * - `{ ok: true, remaining: null }`: the token has no credits (unlimited); nothing was written.
 * - `{ ok: false }`: fewer than `cost` credits were left; none were taken.
 * - `null`: no such token (nothing written).
 */
export type SpendResult =
  | { ok: true; remaining: number | null; refilledAt: number | null }
  | { ok: false; remaining: number; refilledAt: number | null }
  | null;

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

// ── Contract v3: audit trail ──

/** Who did it: a signed-in user, or keyward itself (pruning, a project revoked, a leak report). */
export type AuditActor = { type: 'user'; userId: string; role: Role } | { type: 'system' };

/** What happened to the token. */
export type AuditAction =
  | 'created'
  /** Renamed, metadata, permissions or limits changed (`changes` says which). */
  | 'updated'
  /** An update whose only change was `enabled: false` / `enabled: true`. */
  | 'paused'
  | 'resumed'
  | 'rolled'
  | 'deleted'
  | 'bulk_deleted'
  | 'project_revoked'
  | 'expired_pruned'
  | 'leaked';

/**
 * What keyward hands a write method so that the store records the action in the same atomic step
 * (same SQL transaction, same Redis script, same synchronous step in memory): either the action
 * and all of its entries are stored, or neither is. The store makes one `AuditEntry` per token the
 * action actually touched (none when it touched none: a refused insert, an unknown id), filling
 * `tokenId`, `organizationId` and `tokenName` from the record as it was just before the action
 * (for `insert`, the new record). Never holds a secret or a hash.
 */
export interface AuditDraft {
  /** Unique per action (`aud_` + random). Each entry's id is `${draft.id}:${tokenId}`. */
  id: string;
  /** Epoch ms. */
  at: number;
  actor: AuditActor;
  action: AuditAction;
  /**
   * What changed, as plain JSON, or null: for `updated`/`paused`/`resumed` the new value of each
   * changed field (`metadata` as its list of keys), for `created` the token's settings, for
   * `rolled` `{ previousSecretExpiresAt }`, for `leaked` `{ url, source, revoked, secret }` (`secret`:
   * `current` or `previous`, the one reported). Stored as it is.
   */
  changes: Record<string, unknown> | null;
  /** The client's IP address when the adapter knows it, else null. */
  ip: string | null;
  /** The client's User-Agent when the adapter knows it (at most 512 characters), else null. */
  userAgent: string | null;
}

/** One stored audit entry: the draft, made concrete for one token. */
export interface AuditEntry extends AuditDraft {
  organizationId: string;
  tokenId: string;
  /** The token's name just before the action (for `created`: its name). */
  tokenName: string;
}

/** Position after which a page of `auditLog` starts: the last entry of the previous page. */
export interface AuditCursor {
  at: number;
  id: string;
}

export interface AuditPage {
  items: AuditEntry[];
  /** Position to pass as `after` for the next page, or null when this is the last page. */
  next: AuditCursor | null;
}

/**
 * The id of the entry a store makes from `draft` for one token.
 * @example auditEntryId({ id: 'aud_1', ... }, 'tok_9') // 'aud_1:tok_9'
 */
export function auditEntryId(draft: Pick<AuditDraft, 'id'>, tokenId: string): string {
  return `${draft.id}:${tokenId}`;
}

// ── Contract v3: usage counts ──

/** The verification refusals that are counted per token (the ones where the token was found). */
export type UsageRefusalCode = 'DISABLED' | 'EXPIRED' | 'SCOPE_DENIED' | 'PERMISSION_DENIED' | 'RATE_LIMITED' | 'USAGE_EXHAUSTED';

/** Every refusal code counted in usage, in the order verification checks them. */
export const USAGE_REFUSAL_CODES: readonly UsageRefusalCode[] = Object.freeze(['DISABLED', 'EXPIRED', 'SCOPE_DENIED', 'PERMISSION_DENIED', 'RATE_LIMITED', 'USAGE_EXHAUSTED']);

/** Counts of one token on one UTC day, as keyward sends them to `addUsage` (increments, not totals). */
export interface UsageCount {
  tokenId: string;
  organizationId: string;
  /** UTC calendar day, `YYYY-MM-DD`. */
  day: string;
  /** Accepted requests. */
  accepted: number;
  /** Refused requests by code; a code that did not occur may be absent. */
  refused: Partial<Record<UsageRefusalCode, number>>;
}

/** One UTC day of counts, as `readUsage` answers (all codes present, 0 when none). */
export interface UsageDay {
  /** `YYYY-MM-DD`. */
  day: string;
  accepted: number;
  refused: Record<UsageRefusalCode, number>;
}

/** What keyward tells the store with each batch of usage counts. */
export interface AddUsageOptions {
  /**
   * How many days keyward keeps the counts (its `usage.retentionDays`): `pruneHistory()` deletes
   * older days. A store may let a day's counts expire on their own some time after that (Redis: a
   * TTL on each day's hash), as a backstop for organizations nobody prunes; never before it.
   */
  retentionDays?: number | undefined;
}

/**
 * Daily usage counts, the optional part of a store that records them; usually the token store
 * itself (`memoryStore()`, `sqliteStore()` implement both). Counts are never secret: only ids, days
 * and numbers. keyward batches them off the request path (one `addUsage` per flush interval).
 * @example
 * const keyward = createKeyward({ store, usage: { retentionDays: 90 } }); // store implements UsageStore
 */
export interface UsageStore {
  /**
   * Adds each count to the row (`tokenId`, `day`), creating it at 0 first. Must be an atomic
   * increment per row: two processes adding to one row at once lose and double nothing (a SQL
   * `INSERT … ON CONFLICT DO UPDATE SET accepted = accepted + excluded.accepted`, Redis `HINCRBY`).
   * The whole batch should be one transaction or script where the store allows. Counts for tokens
   * that no longer exist are still kept (the organization's total includes them).
   */
  addUsage(counts: readonly UsageCount[], options?: AddUsageOptions): Promise<void>;
  /**
   * The counts of `organizationId` for each day in [`fromDay`, `toDay`] (`YYYY-MM-DD`, inclusive)
   * that has any, oldest first: of one token, or with `tokenId: null` summed over every token of
   * the organization (deleted ones included). Days without counts may be left out.
   */
  readUsage(organizationId: string, options: { tokenId: string | null; fromDay: string; toDay: string }): Promise<UsageDay[]>;
  /** Deletes every row whose day is before `beforeDay` (`YYYY-MM-DD`); returns how many rows. */
  pruneUsage(beforeDay: string): Promise<number>;
}

/**
 * The rate-limiter-flexible options keyward asks a store's limiter for. `duration` is in seconds
 * (a whole number, ≥ 1), as rate-limiter-flexible counts it; `keyPrefix` already names the limit
 * (`keyward:rl:<points>:<duration>`): a store adds its own prefix in front, never replaces it.
 */
export interface RateLimiterOptions {
  keyPrefix: string;
  points: number;
  duration: number;
}

/**
 * What keyward uses of a rate-limiter-flexible limiter (`RateLimiterMemory`, `RateLimiterRedis`,
 * `RateLimiterSQLite`, `RateLimiterPostgres` all fit). `consume` resolves when the points fit in
 * the window, rejects with the limiter's result object (not an Error) when they do not, and
 * rejects with an Error when its backend failed.
 */
export interface RateLimiterLike {
  consume(key: string, points: number): Promise<RateLimiterAnswer>;
  /**
   * `consume`, answered in the same step, for a limiter that counts in this process (the memory
   * store's `RateLimiterMemory`): returns what `consume` resolves with and throws what it rejects
   * with (the result object when over the limit, an Error when it failed). Optional: keyward
   * prefers it when present, so a synchronous store's limited verification needs no microtask.
   */
  consumeSync?(key: string, points: number): RateLimiterAnswer;
  /** Gives points back (a request counted, then refused for another reason). Optional. */
  reward?(key: string, points: number): Promise<unknown>;
}

/** The fields keyward reads of rate-limiter-flexible's `RateLimiterRes`. */
export interface RateLimiterAnswer {
  /** Points left in this window (0 when refused). */
  remainingPoints: number;
  /** ms until the window resets. */
  msBeforeNext: number;
  /** Points consumed in this window, this request included. */
  consumedPoints: number;
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
 * Contract v3 grows by capability: this interface is the token part; `LimitsStore`,
 * `RateLimiterStore`, `AuditStore` and `UsageStore` are the optional parts a store adds
 * (`FullTokenStore` is all of them). keyward refuses at startup, by name, a feature the store
 * cannot carry (`ConfigurationError`). The write methods take an optional `audit` draft: a store
 * that implements `AuditStore` must store its entries in the same atomic step as the write (see
 * `AuditDraft`); a store without it ignores the argument.
 *
 * Every store must pass `describeTokenStore` from `@keyward/store-tests`, which checks each part
 * the store implements; and every store upgrades the data of an earlier version in place.
 */
export interface TokenStore {
  /**
   * Inserts a new record. Must be atomic with the uniqueness check on
   * (`organizationId`, `nameKey`): of two concurrent inserts with the same key, exactly one
   * succeeds and the other resolves `'name_taken'` without writing anything (no audit entry either).
   * After it resolves `'ok'`, `findByHash(record.hash)` returns the record on every instance.
   * A record whose `id` already exists (in any organization) must be refused by rejecting, never
   * overwrite the other record nor resolve `'name_taken'`: ids are generated, so this is a bug.
   */
  insert(record: TokenRecord, audit?: AuditDraft): Promise<'ok' | 'name_taken'>;

  /**
   * The record whose `hash` or `previous.hash` equals `hash`, or null. This is the verification
   * hot path: one indexed lookup (one round trip for a network store). Expired and paused records,
   * and previous secrets past their `expiresAt` that the store still keeps, are returned as they
   * are. The result may be an object the store keeps (the memory store does, to avoid a copy per
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
   * Expired and paused tokens are included.
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
   * With `audit`, one entry per deleted token, in the same step (none when nothing is deleted).
   */
  deleteMany(organizationId: string, ids: readonly string[], audit?: AuditDraft): Promise<DeleteManyResult>;

  /** Deletes every token scoped to this project (any organization); returns the deleted records. With `audit`, one entry per deleted token. */
  deleteByProject(projectId: string, audit?: AuditDraft): Promise<TokenRecord[]>;

  /**
   * Deletes every token whose `expiresAt` is not null and ≤ `expiredBefore` (epoch ms);
   * returns the deleted records. With `audit`, one entry per deleted token.
   */
  deleteExpired(expiredBefore: number, audit?: AuditDraft): Promise<TokenRecord[]>;

  /**
   * Records uses. Monotonic: a record's `lastUsedAt` becomes max(current, update); an older
   * value never overwrites a newer one. Updates for tokens that no longer exist are ignored.
   * Never touches the limit fields (a concurrent `spend` or pause must not be undone).
   */
  touch(updates: readonly LastUsedUpdate[]): Promise<void>;

  /**
   * Replaces the secret of the token `id` of `organizationId` (a roll), atomically: `hash` and
   * `hint` become the new ones; the current secret becomes `previous` (until
   * `change.previousExpiresAt`) or, when that is null, stops verifying; an earlier `previous`
   * secret stops verifying either way. Everything else (id, name, scope, permissions, metadata,
   * expiry, last used, limits and credits) stays. Resolves the updated record, or null when there
   * is no such token (nothing written). Once it resolves, on every instance: `findByHash(change.hash)`
   * and `findByHash(old current hash)` (while kept as previous) return the updated record, and
   * `findByHash` of each secret that stopped returns null. A store with an invalidation channel
   * announces the old current hash and the dropped previous hash in the same atomic step.
   * With `audit`, one entry in the same step.
   */
  roll(organizationId: string, id: string, change: RollChange, audit?: AuditDraft): Promise<TokenRecord | null>;

  /**
   * Changes the fields `change` holds: rename, metadata and (a `LimitsStore`) pause/resume, rate
   * limit, credits and refill. Atomic with the uniqueness check on (`organizationId`, `nameKey`), as
   * `insert` (a token keeping its own name key is not a clash). Resolves the updated record,
   * `'name_taken'` (nothing written), or null when there is no such token. A store with an
   * invalidation channel announces the token's hashes in the same step, so that a pause reaches
   * every cache exactly as a delete does. With `audit`, one entry in the same step.
   */
  update(organizationId: string, id: string, change: UpdateChange, audit?: AuditDraft): Promise<TokenRecord | 'name_taken' | null>;

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

/**
 * The limits part of contract v3: the store keeps `enabled`, `rateLimit`, `remaining`, `refill`
 * and `refilledAt` on every record (insert, update, and every read return them) and counts credits
 * down. Needed for pause, credits and (with `RateLimiterStore`) rate limits.
 */
export interface LimitsStore {
  /**
   * Takes `cost` (a positive integer) credits off the token `id` of `organizationId`, atomically,
   * never below zero. One atomic step (a conditional `UPDATE … WHERE remaining >= cost RETURNING`,
   * one Lua script, one synchronous step) does all of this, so that N concurrent spends against C
   * credits accept exactly min(N, C / cost) on every instance together:
   * 1. refill: when `refill` is set and `now` ≥ `refilledAt + refill.interval`, `remaining` becomes
   *    `refill.amount` and `refilledAt` advances by the whole intervals that passed
   *    (`refilledAt + floor((now - refilledAt) / interval) × interval`);
   * 2. spend: when `remaining` ≥ `cost`, `remaining` -= `cost` and it answers `ok: true`; otherwise
   *    nothing more is written and it answers `ok: false` with what is left.
   * A token without credits (`remaining` null) answers `{ ok: true, remaining: null }` and writes
   * nothing; an unknown id (or another organization's) answers null. Paused or expired tokens are
   * not refused here: keyward checks those before spending. `now` is epoch ms.
   * May answer synchronously (memory, SQLite), like `findByHash`.
   */
  spend(organizationId: string, id: string, cost: number, now: number): MaybePromise<SpendResult>;
}

/**
 * Rate limits' counters: a rate-limiter-flexible limiter on the store's own client, so that every
 * process sharing the store shares the counts (memory: `RateLimiterMemory`; SQLite:
 * `RateLimiterSQLite` on the same database; PostgreSQL: `RateLimiterPostgres` on the same pool;
 * Redis: `RateLimiterRedis` on the same client, Cluster included).
 */
export interface RateLimiterStore {
  /**
   * A limiter with these options (keyward makes one per distinct limit and window, and keys each
   * token by its id). Called rarely, never per request; must not do I/O before the first `consume`.
   */
  rateLimiter(options: RateLimiterOptions): RateLimiterLike;
}

/**
 * The audit part of contract v3: the write methods store the `audit` draft's entries in their own
 * atomic step, and the trail can be read and pruned.
 */
export interface AuditStore {
  /**
   * One page of the organization's entries (of one token when `tokenId` is set), newest first:
   * `at` descending, then `id` descending. `after` is the last entry of the previous page; `limit`
   * a positive integer (keyward asks for at most 100). Seek, never skip: a page costs about the
   * same at any depth. Entries outlive their token (a deleted token's trail stays until pruned).
   */
  auditLog(organizationId: string, options: { tokenId?: string | undefined; limit: number; after?: AuditCursor | undefined }): Promise<AuditPage>;
  /** Deletes every entry (of every organization) with `at` < `before` (epoch ms); returns how many. */
  pruneAudit(before: number): Promise<number>;
}

/** A store with every part of contract v3, as `memoryStore()` is. */
export type FullTokenStore = TokenStore & LimitsStore & RateLimiterStore & AuditStore & UsageStore;
