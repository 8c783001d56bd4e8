import { ConfigurationError } from '@keyward/core';
import type { SqliteDriver } from './driver.js';

/**
 * One step of the schema. Migrations are append-only: a released one is never edited, a change
 * is a new version.
 *
 * @example
 * const addColumn: Migration = { version: 2, up: (p) => `ALTER TABLE ${p}tokens ADD COLUMN note TEXT` };
 */
export interface Migration {
  version: number;
  /** SQL creating or changing the tables whose names start with `prefix`. */
  up: (prefix: string) => string;
}

/**
 * Every migration, oldest first.
 *
 * @example MIGRATIONS.map((m) => m.version) // [1, 2]
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    // STRICT so a non-integer instant or a stray type is refused instead of silently stored.
    // The CHECK keeps scope_kind and project_id from disagreeing.
    up: (p) => `
      CREATE TABLE ${p}tokens (
        id              TEXT    NOT NULL PRIMARY KEY,
        organization_id TEXT    NOT NULL,
        name            TEXT    NOT NULL,
        name_key        TEXT    NOT NULL,
        scope_kind      TEXT    NOT NULL CHECK (scope_kind IN ('organization', 'project')),
        project_id      TEXT,
        hash            TEXT    NOT NULL,
        hint            TEXT    NOT NULL,
        created_at      INTEGER NOT NULL,
        created_by      TEXT    NOT NULL,
        expires_at      INTEGER,
        last_used_at    INTEGER,
        CHECK ((scope_kind = 'project') = (project_id IS NOT NULL))
      ) STRICT;
      CREATE UNIQUE INDEX ${p}tokens_hash ON ${p}tokens (hash);
      CREATE UNIQUE INDEX ${p}tokens_org_name_key ON ${p}tokens (organization_id, name_key);
      CREATE INDEX ${p}tokens_org_created ON ${p}tokens (organization_id, created_at DESC, id DESC);
      CREATE INDEX ${p}tokens_project ON ${p}tokens (project_id) WHERE project_id IS NOT NULL;
      CREATE INDEX ${p}tokens_expires ON ${p}tokens (expires_at) WHERE expires_at IS NOT NULL;
    `,
  },
  {
    version: 2,
    // The v2 TokenStore contract: permissions, metadata and the previous secret of a roll. Columns
    // are added, not the table rebuilt: a v1 file upgrades in place in milliseconds, whatever its
    // size, and processes still running v1 code keep working on it (their statements name only v1
    // columns, and every new column may be NULL).
    // ALTER TABLE cannot add a table CHECK, so the "three previous_* columns are null together"
    // rule sits on the last of them; SQLite checks a column's CHECK against the whole row.
    // JSON columns are checked for shape: a store bug or a hand edit is refused on write instead
    // of surfacing as a parse error on the verification path.
    //
    // findByHash is `hash = ? OR previous_hash = ?`: two unique index lookups (MULTI-INDEX OR),
    // the second on a partial index that holds only the few rolled tokens. The triggers keep a
    // hash unique across both columns, which two indexes cannot do alone: otherwise one secret
    // could match two tokens.
    //
    // listExpiring orders by (expires_at, id) and seeks past a row-value cursor; tokens_expires
    // holds (expires_at, rowid), so ties would need a sort and the cursor could only bound the
    // range by expires_at. tokens_expiring replaces it (deleteExpired uses it just as well).
    up: (p) => `
      ALTER TABLE ${p}tokens ADD COLUMN permissions TEXT
        CHECK (permissions IS NULL OR CASE WHEN json_valid(permissions) THEN json_type(permissions) = 'array' ELSE 0 END);
      ALTER TABLE ${p}tokens ADD COLUMN metadata TEXT
        CHECK (metadata IS NULL OR CASE WHEN json_valid(metadata) THEN json_type(metadata) = 'object' ELSE 0 END);
      ALTER TABLE ${p}tokens ADD COLUMN previous_hash TEXT CHECK (previous_hash <> hash);
      ALTER TABLE ${p}tokens ADD COLUMN previous_hint TEXT;
      ALTER TABLE ${p}tokens ADD COLUMN previous_expires_at INTEGER
        CHECK ((previous_hash IS NULL) = (previous_hint IS NULL) AND (previous_hash IS NULL) = (previous_expires_at IS NULL));
      CREATE UNIQUE INDEX ${p}tokens_previous_hash ON ${p}tokens (previous_hash) WHERE previous_hash IS NOT NULL;
      DROP INDEX ${p}tokens_expires;
      CREATE INDEX ${p}tokens_expiring ON ${p}tokens (expires_at, id) WHERE expires_at IS NOT NULL;
      CREATE TRIGGER ${p}tokens_hashes_unique_insert BEFORE INSERT ON ${p}tokens
        WHEN EXISTS (SELECT 1 FROM ${p}tokens WHERE previous_hash = NEW.hash)
          OR EXISTS (SELECT 1 FROM ${p}tokens WHERE hash = NEW.previous_hash)
      BEGIN
        SELECT RAISE(ABORT, 'UNIQUE constraint failed: ${p}tokens hash and previous_hash share one namespace');
      END;
      CREATE TRIGGER ${p}tokens_hashes_unique_update BEFORE UPDATE OF hash, previous_hash ON ${p}tokens
        WHEN EXISTS (SELECT 1 FROM ${p}tokens WHERE previous_hash = NEW.hash AND id <> NEW.id)
          OR EXISTS (SELECT 1 FROM ${p}tokens WHERE hash = NEW.previous_hash AND id <> NEW.id)
      BEGIN
        SELECT RAISE(ABORT, 'UNIQUE constraint failed: ${p}tokens hash and previous_hash share one namespace');
      END;
    `,
  },
  {
    version: 3,
    // Store contract v3: limits on the token row, the audit trail, daily usage counts, and the
    // table of rate-limiter-flexible's RateLimiterSQLite. Added in place like v2: every new column
    // has a default (enabled) or may be NULL (no limit), so a v2 file upgrades in milliseconds and
    // v2 code still running on it keeps working (its rows read as enabled and unlimited).
    // A CHECK keeps each pair (limit, window) and (amount, interval) null together, and credits
    // never below zero: a spend that would go negative fails instead of being stored.
    up: (p) => `
      ALTER TABLE ${p}tokens ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1));
      ALTER TABLE ${p}tokens ADD COLUMN rate_limit INTEGER CHECK (rate_limit > 0);
      ALTER TABLE ${p}tokens ADD COLUMN rate_window INTEGER CHECK ((rate_limit IS NULL) = (rate_window IS NULL) AND rate_window > 0);
      ALTER TABLE ${p}tokens ADD COLUMN remaining INTEGER CHECK (remaining >= 0);
      ALTER TABLE ${p}tokens ADD COLUMN refill_amount INTEGER CHECK (refill_amount > 0);
      ALTER TABLE ${p}tokens ADD COLUMN refill_interval INTEGER CHECK ((refill_amount IS NULL) = (refill_interval IS NULL) AND refill_interval > 0);
      ALTER TABLE ${p}tokens ADD COLUMN refilled_at INTEGER;
      CREATE TABLE ${p}audit (
        id              TEXT    NOT NULL PRIMARY KEY,
        organization_id TEXT    NOT NULL,
        at              INTEGER NOT NULL,
        actor           TEXT    NOT NULL CHECK (json_valid(actor)),
        action          TEXT    NOT NULL,
        token_id        TEXT    NOT NULL,
        token_name      TEXT    NOT NULL,
        changes         TEXT    CHECK (changes IS NULL OR json_valid(changes)),
        ip              TEXT,
        user_agent      TEXT
      ) STRICT;
      CREATE INDEX ${p}audit_org ON ${p}audit (organization_id, at DESC, id DESC);
      CREATE INDEX ${p}audit_token ON ${p}audit (organization_id, token_id, at DESC, id DESC);
      CREATE INDEX ${p}audit_at ON ${p}audit (at);
      CREATE TABLE ${p}usage (
        token_id          TEXT    NOT NULL,
        day               TEXT    NOT NULL,
        organization_id   TEXT    NOT NULL,
        accepted          INTEGER NOT NULL DEFAULT 0,
        disabled          INTEGER NOT NULL DEFAULT 0,
        expired           INTEGER NOT NULL DEFAULT 0,
        scope_denied      INTEGER NOT NULL DEFAULT 0,
        permission_denied INTEGER NOT NULL DEFAULT 0,
        rate_limited      INTEGER NOT NULL DEFAULT 0,
        usage_exhausted   INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (token_id, day)
      ) STRICT;
      CREATE INDEX ${p}usage_org_day ON ${p}usage (organization_id, day);
      CREATE INDEX ${p}usage_day ON ${p}usage (day);
      CREATE TABLE ${p}rate_limits (key TEXT PRIMARY KEY, points INTEGER NOT NULL DEFAULT 0, expire INTEGER);
    `,
  },
];

/**
 * The schema version this package writes and expects.
 *
 * @example
 * sqliteStore({ db });
 * db.prepare('SELECT MAX(version) AS v FROM keyward_schema_version').get().v === SCHEMA_VERSION; // true
 */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * The version recorded in `<prefix>schema_version`, or 0 when the store was never set up there.
 *
 * @example schemaVersion(driver, 'keyward_') // 3
 */
export function schemaVersion(driver: SqliteDriver, prefix: string): number {
  const table = `${prefix}schema_version`;
  const exists = driver.prepare<[string]>(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table);
  if (exists === undefined) return 0;
  const row = driver.prepare<[], { version: unknown }>(`SELECT MAX(version) AS version FROM ${table}`).get();
  return typeof row?.version === 'number' ? row.version : 0;
}

/**
 * Brings the tables under `prefix` up to `SCHEMA_VERSION`; returns that version. Safe to call from
 * several processes at once: the work happens under `BEGIN IMMEDIATE` (one writer at a time) and the
 * version is read again once the lock is held, so a migration another process just applied is skipped.
 *
 * @example migrate(driver, 'keyward_') // 3
 */
export function migrate(driver: SqliteDriver, prefix: string, now: () => number = Date.now): number {
  // The common case, an up-to-date schema, takes no write lock, so read-only handles work too.
  if (checked(schemaVersion(driver, prefix), prefix) === SCHEMA_VERSION) return SCHEMA_VERSION;
  driver.immediate(() => {
    driver.exec(`CREATE TABLE IF NOT EXISTS ${prefix}schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT`);
    const current = checked(schemaVersion(driver, prefix), prefix);
    const record = driver.prepare<[number, number]>(`INSERT INTO ${prefix}schema_version (version, applied_at) VALUES (?, ?)`);
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      driver.exec(migration.up(prefix));
      record.run(migration.version, now());
    }
  });
  return SCHEMA_VERSION;
}

function checked(version: number, prefix: string): number {
  if (version > SCHEMA_VERSION) {
    throw new ConfigurationError(
      `sqliteStore: the tables with tablePrefix "${prefix}" are at schema version ${version}, newer than this @keyward/sqlite (${SCHEMA_VERSION}); upgrade @keyward/sqlite`,
    );
  }
  return version;
}
