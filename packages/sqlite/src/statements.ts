import type { SqliteDriver, Statement as DriverStatement, ValuesStatement } from './driver.js';
import { LOOKUP_COLUMNS, TOKEN_COLUMNS, type TokenRow } from './rows.js';

type Statement<P extends unknown[] | object, R = unknown> = DriverStatement<P extends unknown[] ? P : [P], R>;

/** Parameters of the `roll` statement; `previousExpiresAt` null drops the current secret at once. */
export interface RollParams {
  organizationId: string;
  id: string;
  hash: string;
  hint: string;
  previousExpiresAt: number | null;
}

/** Parameters of the `update` statement: each `set…` flag (1 or 0) says whether its field changes. */
export interface UpdateParams {
  organizationId: string;
  id: string;
  setName: 0 | 1;
  name: string | null;
  nameKey: string | null;
  setMetadata: 0 | 1;
  /** JSON text, or null to clear. */
  metadata: string | null;
  setEnabled: 0 | 1;
  enabled: 0 | 1 | null;
  setRateLimit: 0 | 1;
  rateLimit: number | null;
  rateWindow: number | null;
  setRemaining: 0 | 1;
  remaining: number | null;
  setRefill: 0 | 1;
  refillAmount: number | null;
  refillInterval: number | null;
  setRefilledAt: 0 | 1;
  refilledAt: number | null;
}

/** Parameters of the `spend` statements. */
export interface SpendParams {
  organizationId: string;
  id: string;
  cost: number;
  now: number;
}

/** What `spend` and `credits` read back. */
export interface CreditsRow {
  remaining: number | null;
  refill_amount: number | null;
  refill_interval: number | null;
  refilled_at: number | null;
}

/**
 * Every statement the store runs, prepared once.
 *
 * @example const row = prepareStatements(driver, 'keyward_').findByHash.get(hash, hash);
 */
export interface Statements {
  insert: Statement<unknown[]>;
  /** The verification lookup, on the current or the previous hash: raw rows of `LOOKUP_COLUMNS` (see `fromLookupRow`). */
  findByHash: ValuesStatement<[hash: string, previousHash: string]>;
  get: Statement<[organizationId: string, id: string], TokenRow>;
  listFirst: Statement<[organizationId: string, limit: number], TokenRow>;
  listAfter: Statement<[organizationId: string, createdAt: number, id: string, limit: number], TokenRow>;
  expiringFirst: Statement<[expiresAfter: number, expiresBy: number, limit: number], TokenRow>;
  expiringAfter: Statement<[expiresAt: number, id: string, expiresBy: number, limit: number], TokenRow>;
  deleteIds: Statement<[organizationId: string, idsJson: string], TokenRow>;
  deleteByProject: Statement<[projectId: string], TokenRow>;
  deleteExpired: Statement<[expiredBefore: number], TokenRow>;
  touch: Statement<{ id: string; organizationId: string; lastUsedAt: number }>;
  roll: Statement<RollParams, TokenRow>;
  update: Statement<UpdateParams, TokenRow>;
  /** Takes `cost` credits after applying a due refill, only when enough are left; no row: refused, unknown or unlimited. */
  spend: Statement<SpendParams, { remaining: number; refilled_at: number | null }>;
  /** The credit columns, to tell why `spend` matched no row. */
  credits: Statement<[organizationId: string, id: string], CreditsRow>;
  /** Writes a refill that fell due on a refused spend. */
  refill: Statement<{ organizationId: string; id: string; remaining: number; refilledAt: number }>;
}

/**
 * Prepares the store's statements against `<prefix>tokens`, which must already exist (run `migrate` first).
 *
 * @example
 * migrate(driver, 'keyward_');
 * const statements = prepareStatements(driver, 'keyward_');
 */
export function prepareStatements(driver: SqliteDriver, prefix: string): Statements {
  const table = `${prefix}tokens`;
  const columns = TOKEN_COLUMNS.join(', ');
  const newestFirst = 'ORDER BY created_at DESC, id DESC LIMIT ?';
  const soonestFirst = 'ORDER BY expires_at, id LIMIT ?';
  // Id lists travel as one JSON array, so a 1000-id delete is one statement with two parameters,
  // well under SQLite's variable limit and prepared once.
  const inIds = 'organization_id = ? AND id IN (SELECT value FROM json_each(?))';
  // A refill is due once a whole interval has passed since the last one (LimitsStore.spend).
  const due = 'refill_interval IS NOT NULL AND refilled_at IS NOT NULL AND @now >= refilled_at + refill_interval';
  // better-sqlite3 and node:sqlite bind a JS number as REAL: cast, so the division below is an integer one.
  const now = 'CAST(@now AS INTEGER)';

  const prepare = <P extends unknown[] | object, R = unknown>(sql: string) => driver.prepare(sql) as unknown as Statement<P, R>;

  return {
    insert: prepare(
      `INSERT INTO ${table} (${columns}) VALUES (${TOKEN_COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT (organization_id, name_key) DO NOTHING`,
    ),
    // Values, not a row object: building the object costs about a third of the lookup on
    // better-sqlite3. The OR is two unique-index lookups (MULTI-INDEX OR), not a scan;
    // migrations.test.ts checks the plan.
    findByHash: driver.prepareValues<[string, string]>(`SELECT ${LOOKUP_COLUMNS.join(', ')} FROM ${table} WHERE hash = ? OR previous_hash = ?`),
    get: prepare(`SELECT ${columns} FROM ${table} WHERE organization_id = ? AND id = ?`),
    listFirst: prepare(`SELECT ${columns} FROM ${table} WHERE organization_id = ? ${newestFirst}`),
    // A row value, not `created_at < ? OR (created_at = ? AND id < ?)`: SQLite bounds the index
    // range with it, so a page deep in a large organization costs what the first page costs
    // (with the OR form it walks the organization's index from the top to the cursor).
    listAfter: prepare(
      `SELECT ${columns} FROM ${table}
       WHERE organization_id = ? AND (created_at, id) < (?, ?) ${newestFirst}`,
    ),
    // Both are ranges on tokens_expiring (expires_at, id). The page after a cursor is bounded below
    // by the cursor's row value alone: with a second lower bound (expires_at > expiresAfter) SQLite
    // may pick that one for the range and filter the cursor, walking every earlier row. The caller
    // passes the cursor only when it lies inside the window, where it implies the other bound.
    expiringFirst: prepare(`SELECT ${columns} FROM ${table} WHERE expires_at > ? AND expires_at <= ? ${soonestFirst}`),
    expiringAfter: prepare(`SELECT ${columns} FROM ${table} WHERE (expires_at, id) > (?, ?) AND expires_at <= ? ${soonestFirst}`),
    deleteIds: prepare(`DELETE FROM ${table} WHERE ${inIds} RETURNING ${columns}`),
    deleteByProject: prepare(`DELETE FROM ${table} WHERE project_id = ? RETURNING ${columns}`),
    deleteExpired: prepare(`DELETE FROM ${table} WHERE expires_at IS NOT NULL AND expires_at <= ? RETURNING ${columns}`),
    // Monotonic by the WHERE clause: an older instant matches no row, and an unchanged row is not rewritten.
    touch: prepare(
      `UPDATE ${table} SET last_used_at = @lastUsedAt
       WHERE id = @id AND organization_id = @organizationId AND (last_used_at IS NULL OR last_used_at < @lastUsedAt)`,
    ),
    // One statement, so one atomic write: the right-hand sides read the row as it was, so the
    // current secret moves to previous_* (or is dropped with it when previousExpiresAt is null),
    // and whatever previous secret there was is overwritten, i.e. stops verifying.
    roll: prepare(
      `UPDATE ${table} SET
         hash = @hash,
         hint = @hint,
         previous_hash = IIF(@previousExpiresAt IS NULL, NULL, hash),
         previous_hint = IIF(@previousExpiresAt IS NULL, NULL, hint),
         previous_expires_at = @previousExpiresAt
       WHERE organization_id = @organizationId AND id = @id
       RETURNING ${columns}`,
    ),
    // The unique (organization_id, name_key) index decides a clash, atomically: it is the only
    // unique constraint these columns take part in, so SQLITE_CONSTRAINT_UNIQUE here means 'name_taken'.
    update: prepare(
      `UPDATE ${table} SET
         name = IIF(@setName, @name, name),
         name_key = IIF(@setName, @nameKey, name_key),
         metadata = IIF(@setMetadata, @metadata, metadata),
         enabled = IIF(@setEnabled, @enabled, enabled),
         rate_limit = IIF(@setRateLimit, @rateLimit, rate_limit),
         rate_window = IIF(@setRateLimit, @rateWindow, rate_window),
         remaining = IIF(@setRemaining, @remaining, remaining),
         refill_amount = IIF(@setRefill, @refillAmount, refill_amount),
         refill_interval = IIF(@setRefill, @refillInterval, refill_interval),
         refilled_at = IIF(@setRefilledAt, @refilledAt, refilled_at)
       WHERE organization_id = @organizationId AND id = @id
       RETURNING ${columns}`,
    ),
    // One statement: the refill that fell due and the conditional spend are one atomic write
    // (right-hand sides read the row as it was). Integer division anchors refills on whole intervals.
    spend: prepare(
      `UPDATE ${table} SET
         remaining = IIF(${due}, refill_amount, remaining) - @cost,
         refilled_at = IIF(${due}, refilled_at + ((${now} - refilled_at) / refill_interval) * refill_interval, refilled_at)
       WHERE organization_id = @organizationId AND id = @id AND remaining IS NOT NULL AND IIF(${due}, refill_amount, remaining) >= @cost
       RETURNING remaining, refilled_at`,
    ),
    credits: prepare(`SELECT remaining, refill_amount, refill_interval, refilled_at FROM ${table} WHERE organization_id = ? AND id = ?`),
    refill: prepare(`UPDATE ${table} SET remaining = @remaining, refilled_at = @refilledAt WHERE organization_id = @organizationId AND id = @id`),
  };
}
