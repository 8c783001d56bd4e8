import { ConfigurationError } from '@keyward/core';
import type { Pool } from 'pg';

/**
 * Options of `postgresStore`.
 *
 * @example
 * const options: PostgresStoreOptions = { pool: new Pool({ connectionString }), schema: 'auth' };
 */
export interface PostgresStoreOptions {
  /**
   * The caller's node-postgres Pool, on the primary. The store never ends it. Attach
   * `pool.on('error', …)`: node-postgres emits an idle connection's failure there, and an
   * unhandled `'error'` event ends the process.
   */
  pool: Pool;
  /** Schema holding the tables, `[A-Za-z_][A-Za-z0-9_]{0,62}`. Default `public`. Created if missing (when migrating). */
  schema?: string;
  /** Prefix of every table, index, function and trigger the store creates, `[A-Za-z_][A-Za-z0-9_]{0,30}`. Default `keyward_`. */
  tablePrefix?: string;
  /**
   * Whether the store applies its migrations on first use (default `true`). Pass `false` when the
   * host applies the SQL itself (`postgresSchemaSql()` or the package's `sql/*.sql` files).
   */
  migrate?: boolean;
}

/** Where the tables live: a schema and a table prefix, both checked identifiers. */
export interface Location {
  schema: string;
  tablePrefix: string;
}

/** The default `schema`. @example postgresStore({ pool, schema: DEFAULT_SCHEMA }) */
export const DEFAULT_SCHEMA = 'public';

/** The default `tablePrefix`. @example postgresStore({ pool, tablePrefix: DEFAULT_TABLE_PREFIX }) */
export const DEFAULT_TABLE_PREFIX = 'keyward_';

// Both are spliced into SQL as (quoted) identifiers, so they are limited to characters that never
// need escaping. The prefix leaves room for the longest suffix within PostgreSQL's 63-byte names.
const SCHEMA = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const TABLE_PREFIX = /^[A-Za-z_][A-Za-z0-9_]{0,30}$/;

/**
 * Checks `schema` and `tablePrefix` (defaults applied), naming the offending option.
 *
 * @example resolveLocation('postgresStore', {}) // { schema: 'public', tablePrefix: 'keyward_' }
 */
export function resolveLocation(caller: string, options: { schema?: string | undefined; tablePrefix?: string | undefined }): Location {
  const schema = options.schema === undefined ? DEFAULT_SCHEMA : options.schema;
  if (typeof schema !== 'string' || !SCHEMA.test(schema)) {
    throw new ConfigurationError(
      `${caller}: schema must match ${SCHEMA.source} (letters, digits, underscores; at most 63 characters), got ${JSON.stringify(schema)}`,
    );
  }
  const tablePrefix = options.tablePrefix === undefined ? DEFAULT_TABLE_PREFIX : options.tablePrefix;
  if (typeof tablePrefix !== 'string' || !TABLE_PREFIX.test(tablePrefix)) {
    throw new ConfigurationError(
      `${caller}: tablePrefix must match ${TABLE_PREFIX.source} (letters, digits, underscores; at most 31 characters), got ${JSON.stringify(tablePrefix)}`,
    );
  }
  return { schema, tablePrefix };
}

function isPool(value: unknown): value is Pool {
  const pool = value as Partial<Record<'query' | 'connect', unknown>> | null;
  return pool !== null && typeof pool === 'object' && typeof pool.query === 'function' && typeof pool.connect === 'function';
}

/**
 * Checks `postgresStore`'s options once, at construction, naming the offending option.
 *
 * @example
 * const { pool, schema, tablePrefix, migrate } = resolveOptions({ pool }); // schema 'public', migrate true
 */
export function resolveOptions(options: PostgresStoreOptions): Location & { pool: Pool; migrate: boolean } {
  if (!options || typeof options !== 'object') {
    throw new ConfigurationError('postgresStore(options): options must be an object such as { pool }');
  }
  // The pool itself, passed where its options belong, is the right value in the wrong place.
  if (isPool(options)) throw new ConfigurationError('postgresStore(options): pass the pool as { pool }: postgresStore({ pool })');
  const { pool } = options;
  if (!isPool(pool)) {
    throw new ConfigurationError('postgresStore: pool must be a node-postgres Pool, e.g. new Pool({ connectionString })');
  }
  const migrate = options.migrate ?? true;
  if (typeof migrate !== 'boolean') {
    throw new ConfigurationError(`postgresStore: migrate must be true or false, got ${JSON.stringify(migrate)}`);
  }
  return { pool, migrate, ...resolveLocation('postgresStore', options) };
}
