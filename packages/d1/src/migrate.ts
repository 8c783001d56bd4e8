import { ConfigurationError } from '@keyward/core';
import type { D1QueryableLike } from './d1-types.js';
import { d1SchemaStatements, migrationFileName, SCHEMA_VERSION, versionTable } from './schema.js';

/**
 * The version recorded in `<prefix>schema_version`, or 0 when the tables were never created.
 *
 * @example await schemaVersion(env.DB, 'keyward_') // 3
 */
export async function schemaVersion(db: D1QueryableLike, prefix: string): Promise<number> {
  // Two calls: SQL cannot name a table that may not exist, so sqlite_master is asked first.
  const exists = await db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?1`).bind(versionTable(prefix)).all<{ n: number }>();
  if ((exists.results[0]?.n ?? 0) === 0) return 0;
  const { results } = await db.prepare(`SELECT MAX(version) AS n FROM ${versionTable(prefix)}`).all<{ n: number | null }>();
  return results[0]?.n ?? 0;
}

/**
 * Brings the tables under `prefix` up to `SCHEMA_VERSION` in one batch (one transaction: every
 * migration step applies, or none). Two isolates starting at once both try; D1 runs the batches
 * one after the other, the second fails on a table that now exists, and the version read again
 * says the work is done.
 *
 * @example await migrate(env.DB, 'keyward_') // 3
 */
export async function migrate(db: D1QueryableLike, prefix: string): Promise<number> {
  const current = checked(await schemaVersion(db, prefix), prefix);
  if (current === SCHEMA_VERSION) return SCHEMA_VERSION;
  const statements = d1SchemaStatements(prefix, current, String(Date.now())).flat();
  try {
    await db.batch(statements.map((sql) => db.prepare(sql)));
  } catch (error) {
    if (checked(await schemaVersion(db, prefix), prefix) === SCHEMA_VERSION) return SCHEMA_VERSION;
    throw error;
  }
  return SCHEMA_VERSION;
}

/**
 * With `migrate: false`: refuses tables that are not at `SCHEMA_VERSION`, naming the files to apply.
 *
 * @example await assertCurrent(env.DB, 'keyward_') // throws ConfigurationError before `wrangler d1 migrations apply`
 */
export async function assertCurrent(db: D1QueryableLike, prefix: string): Promise<void> {
  const version = checked(await schemaVersion(db, prefix), prefix);
  if (version === SCHEMA_VERSION) return;
  const missing = Array.from({ length: SCHEMA_VERSION - version }, (_, i) => migrationFileName(version + i + 1));
  const how =
    prefix === 'keyward_'
      ? `apply node_modules/@keyward/d1/migrations (${missing.join(', ')}) with \`wrangler d1 migrations apply <DATABASE>\` (migrations_dir pointing there, or copied into yours)`
      : `the migration files are written for the prefix keyward_; with tablePrefix "${prefix}", let the store migrate (migrate: true)`;
  throw new ConfigurationError(`d1Store: the tables with tablePrefix "${prefix}" are at schema version ${version}, not ${SCHEMA_VERSION}, and migrate is false: ${how}`);
}

function checked(version: number, prefix: string): number {
  if (version > SCHEMA_VERSION) {
    throw new ConfigurationError(
      `d1Store: the tables with tablePrefix "${prefix}" are at schema version ${version}, newer than this @keyward/d1 (${SCHEMA_VERSION}); upgrade @keyward/d1`,
    );
  }
  return version;
}
