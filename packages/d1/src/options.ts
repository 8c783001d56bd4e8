import { ConfigurationError } from '@keyward/core';
import type { D1DatabaseLike } from './d1-types.js';

/**
 * Options of `d1Store`.
 *
 * @example
 * const options: D1StoreOptions = { db: env.DB, migrate: false };
 */
export interface D1StoreOptions {
  /** The Worker's D1 binding (`env.DB`), not a session: the store picks where each query runs. */
  db: D1DatabaseLike;
  /**
   * Prefix of every table and index, `[A-Za-z_][A-Za-z0-9_]{0,30}`. Default `keyward_`, the prefix
   * of the files in the package's `migrations/` folder.
   */
  tablePrefix?: string;
  /**
   * `true` (default): the first call creates or upgrades the tables (one atomic batch).
   * `false`: you apply the package's `migrations/` with `wrangler d1 migrations apply`; the first
   * call refuses tables that are not current with a ConfigurationError naming the files.
   */
  migrate?: boolean;
}

/** The default `tablePrefix`. @example d1Store({ db: env.DB, tablePrefix: DEFAULT_TABLE_PREFIX }) */
export const DEFAULT_TABLE_PREFIX = 'keyward_';

// The prefix is spliced into SQL as an identifier, so it must never need quoting.
const TABLE_PREFIX = /^[A-Za-z_][A-Za-z0-9_]{0,30}$/;

/** The checked options. */
export interface ResolvedOptions {
  db: D1DatabaseLike;
  tablePrefix: string;
  migrate: boolean;
}

/**
 * Checks `d1Store`'s options once, at construction, naming the offending option.
 *
 * @example const { db, tablePrefix, migrate } = resolveOptions({ db: env.DB }); // 'keyward_', true
 */
export function resolveOptions(options: D1StoreOptions): ResolvedOptions {
  if (!options || typeof options !== 'object') throw new ConfigurationError('d1Store(options): options must be an object such as { db: env.DB }');
  const { db } = options;
  if (isQueryable(options) && !isQueryable(db)) throw new ConfigurationError('d1Store(options): pass the binding as { db }: d1Store({ db: env.DB })');
  if (!isQueryable(db)) throw new ConfigurationError('d1Store: db must be a D1 binding (env.DB, with prepare() and batch())');
  // A session has getBookmark() and no withSession(): one opened 'first-unconstrained' (or from an
  // old bookmark) reads replicas, where a token deleted a moment ago elsewhere may still be found.
  if (typeof (db as { getBookmark?: unknown }).getBookmark === 'function' && typeof db.withSession !== 'function') {
    throw new ConfigurationError('d1Store: db is a D1 session; pass the binding itself (env.DB): the store reads the primary so that a deleted token is refused everywhere at once');
  }
  const tablePrefix = options.tablePrefix ?? DEFAULT_TABLE_PREFIX;
  if (typeof tablePrefix !== 'string' || !TABLE_PREFIX.test(tablePrefix)) {
    throw new ConfigurationError(`d1Store: tablePrefix must match ${TABLE_PREFIX.source} (letters, digits, underscores; at most 31 characters), got ${JSON.stringify(tablePrefix)}`);
  }
  const migrate = options.migrate ?? true;
  if (typeof migrate !== 'boolean') throw new ConfigurationError(`d1Store: migrate must be true or false, got ${JSON.stringify(migrate)}`);
  return { db, tablePrefix, migrate };
}

function isQueryable(value: unknown): value is D1DatabaseLike {
  const db = value as Partial<Record<'prepare' | 'batch', unknown>> | null;
  return db !== null && typeof db === 'object' && typeof db.prepare === 'function' && typeof db.batch === 'function';
}
