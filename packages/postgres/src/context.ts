import type { Pool } from 'pg';
import type { Location } from './options.js';
import type { Statements } from './statements.js';

/**
 * What every part of the store shares: the caller's pool, the location's statements, and `run`,
 * which sets the store up on first use (migration or schema check), then runs one operation (one
 * statement or one transaction) under `guard`: outages become StoreUnavailableError,
 * serialization failures and deadlocks are run again.
 *
 * @example const rows = await context.run('auditLog', () => context.pool.query(text, values));
 */
export interface StoreContext {
  pool: Pool;
  location: Location;
  sql: Statements;
  run<T>(operation: string, work: () => Promise<T>): Promise<T>;
}
