import { ConfigurationError } from '@keyward/core';
import type BetterSqlite3 from 'better-sqlite3';

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
 * @example MIGRATIONS.map((m) => m.version) // [1]
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
];

/**
 * The schema version this package writes and expects.
 *
 * @example
 * sqliteStore({ db });
 * db.prepare('SELECT MAX(version) FROM keyward_schema_version').pluck().get() === SCHEMA_VERSION; // true
 */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * The version recorded in `<prefix>schema_version`, or 0 when the store was never set up there.
 *
 * @example schemaVersion(db, 'keyward_') // 1
 */
export function schemaVersion(db: BetterSqlite3.Database, prefix: string): number {
  const table = `${prefix}schema_version`;
  const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).pluck().get(table);
  if (exists === undefined) return 0;
  const version = db.prepare(`SELECT MAX(version) FROM ${table}`).pluck().safeIntegers(false).get();
  return typeof version === 'number' ? version : 0;
}

/**
 * Brings the tables under `prefix` up to `SCHEMA_VERSION`; returns that version. Safe to call from
 * several processes at once: the work happens under `BEGIN IMMEDIATE` (one writer at a time) and the
 * version is read again once the lock is held, so a migration another process just applied is skipped.
 *
 * @example migrate(db, 'keyward_') // 1
 */
export function migrate(db: BetterSqlite3.Database, prefix: string, now: () => number = Date.now): number {
  // The common case, an up-to-date schema, takes no write lock, so read-only handles work too.
  if (checked(schemaVersion(db, prefix), prefix) === SCHEMA_VERSION) return SCHEMA_VERSION;
  const apply = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS ${prefix}schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT`);
    const current = checked(schemaVersion(db, prefix), prefix);
    const record = db.prepare(`INSERT INTO ${prefix}schema_version (version, applied_at) VALUES (?, ?)`);
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.up(prefix));
      record.run(migration.version, now());
    }
  });
  apply.immediate();
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
