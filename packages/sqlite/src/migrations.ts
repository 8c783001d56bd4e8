import { ConfigurationError } from '@keyward/core';
import type { SqliteDriver } from './driver.js';
import { MIGRATIONS } from './schema.js';

export { MIGRATIONS, type Migration } from './schema.js';

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
