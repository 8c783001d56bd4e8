import { ConfigurationError } from '@keyward/core';
import type { Pool, PoolClient } from 'pg';
import { holdErrors } from './checked-out.js';
import { names } from './names.js';
import { DEFAULT_SCHEMA, DEFAULT_TABLE_PREFIX, type Location } from './options.js';
import { MIGRATIONS, SCHEMA_VERSION, migrationFileName, migrationSql, migrationsTableSql } from './schema-sql.js';

// First key of the two-key advisory lock ("kw"); the second is a hash of the location, so stores at
// different locations migrate independently.
const LOCK_CLASS = 0x6b77;

/**
 * The version recorded in `<prefix>schema_migrations`, or 0 when the store was never set up there.
 *
 * @example await schemaVersion(pool, { schema: 'public', tablePrefix: 'keyward_' }) // 1
 */
export async function schemaVersion(db: Pool | PoolClient, location: Location): Promise<number> {
  const n = names(location);
  const { rows } = await db.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [n.migrations]);
  if (!rows[0]!.exists) return 0;
  const result = await db.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${n.migrations}`);
  return checked(result.rows[0]!.version ?? 0, location);
}

/**
 * Brings the tables at `location` up to `SCHEMA_VERSION`. Safe when several processes start at
 * once: the work runs in one transaction under a transaction-scoped advisory lock, and the version
 * is read again once the lock is held, so a migration another process just applied is skipped.
 * An up-to-date schema costs two reads and takes no lock, and needs no CREATE privilege.
 *
 * @throws ConfigurationError when the tables are at a newer version than this package
 * @example await migrate(pool, { schema: 'public', tablePrefix: 'keyward_' });
 */
export async function migrate(pool: Pool, location: Location): Promise<void> {
  if ((await schemaVersion(pool, location)) === SCHEMA_VERSION) return;
  const n = names(location);
  const client = await pool.connect();
  const letGo = holdErrors(client);
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, `${location.schema}.${location.tablePrefix}`]);
      await client.query(migrationsTableSql(n, location.schema));
      const current = await schemaVersion(client, location);
      // Each migration's text records its own version (see migrationSql).
      for (const migration of MIGRATIONS) if (migration.version > current) await client.query(migrationSql(migration, location));
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    }
  } finally {
    // A connection that could not even roll back is dropped rather than returned to the pool.
    client.release(broken);
    letGo();
  }
}

/**
 * For a host that applies the schema itself (`migrate: false`): throws unless the tables are at
 * `SCHEMA_VERSION`, naming what to apply. Without it, the first request would fail with
 * `relation "…tokens" does not exist` (or a missing column) as a 500, far from the cause.
 *
 * @throws ConfigurationError when migrations are missing, or the tables are newer than this package
 * @example await assertSchemaCurrent(pool, { schema: 'public', tablePrefix: 'keyward_' });
 */
export async function assertSchemaCurrent(db: Pool | PoolClient, location: Location): Promise<void> {
  const version = await schemaVersion(db, location);
  if (version === SCHEMA_VERSION) return;
  const missing = MIGRATIONS.filter((migration) => migration.version > version).map((migration) => `@keyward/postgres/sql/${migrationFileName(migration)}`);
  const found = version === 0 ? 'has no keyward tables' : `is at schema version ${version} of ${SCHEMA_VERSION}`;
  const where = `schema "${location.schema}" with tablePrefix "${location.tablePrefix}"`;
  // The shipped files name public.keyward_*; any other location gets the same text from postgresSchemaSql().
  const shipped = location.schema === DEFAULT_SCHEMA && location.tablePrefix === DEFAULT_TABLE_PREFIX;
  const apply = shipped
    ? `apply ${missing.join(', ')} in that order, each in one transaction`
    : `apply postgresSchemaSql({ schema: "${location.schema}", tablePrefix: "${location.tablePrefix}", afterVersion: ${version} }) in one transaction (the shipped ${missing.join(', ')} are written for schema "public" and tablePrefix "keyward_")`;
  throw new ConfigurationError(`postgresStore: migrate is false and ${where} ${found}: ${apply}, or pass migrate: true to let the store apply them`);
}

/**
 * What the store does before its first query: refuses a standby (verification must read the
 * primary: a replica's lag would let a token deleted on the primary through), then migrates, or,
 * when the host manages the schema itself, checks that it is current. Runs once per store.
 *
 * @throws ConfigurationError when the pool reaches a standby, migrations are missing, or the tables are newer than this package
 * @example await prepare(pool, { schema: 'public', tablePrefix: 'keyward_' }, true);
 */
export async function prepare(pool: Pool, location: Location, migrating: boolean): Promise<void> {
  const { rows } = await pool.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
  if (rows[0]!.standby) {
    throw new ConfigurationError(
      'postgresStore: pool connects to a standby (read replica); pass a pool on the primary. Verification must read the primary: a replica lags, so a token deleted on the primary would still be accepted there.',
    );
  }
  await (migrating ? migrate(pool, location) : assertSchemaCurrent(pool, location));
}

function checked(version: number, location: Location): number {
  if (version > SCHEMA_VERSION) {
    throw new ConfigurationError(
      `postgresStore: the tables in schema "${location.schema}" with tablePrefix "${location.tablePrefix}" are at schema version ${version}, newer than this @keyward/postgres (${SCHEMA_VERSION}); upgrade @keyward/postgres`,
    );
  }
  return version;
}
