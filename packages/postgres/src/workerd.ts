import { ConfigurationError } from '@keyward/core';
import type { Pool } from 'pg';
import { inWorkerd, usedByAnotherRequest } from '../../core/src/workerd-requests.js';

export { inWorkerd };

/** Where the docs explain how to use the store from a Worker. */
export const WORKERS_DOCS = 'docs/stores.md#postgresql-from-cloudflare-workers';

/**
 * In workerd, throws a ConfigurationError when `pool` was first used by another request than the
 * current one (its connections belong to that request and would never answer here). On a pool's
 * first use, and in the request that first used it, does nothing. Call it in workerd only.
 *
 * @throws ConfigurationError naming the `pool` option when the pool outlived its request
 * @example assertPoolOfThisRequest(pool, 'postgresStore'); // before each query, in workerd only
 */
export function assertPoolOfThisRequest(pool: Pool, caller: string): void {
  const other = usedByAnotherRequest(pool);
  if (other === undefined) return;
  throw new ConfigurationError(
    `${caller}: pool was first used by another request. In Cloudflare Workers a connection belongs to the request that opened it, and a query sent on it from a later request never gets an answer. Create the pool (e.g. new Pool({ connectionString: env.HYPERDRIVE.connectionString, max: 5 })), the store and keyward in each request, and end them in ctx.waitUntil(): see ${WORKERS_DOCS}`,
    other,
  );
}
