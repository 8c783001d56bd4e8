import { ConfigurationError } from '@keyward/core';
import type { Pool } from 'pg';

/**
 * Whether this code runs in Cloudflare's workerd (Workers, `wrangler dev`, Miniflare): the same
 * check node-postgres makes to open its connections with `cloudflare:sockets`.
 *
 * @example if (inWorkerd()) console.log('node-postgres connects through cloudflare:sockets');
 */
export function inWorkerd(): boolean {
  const { navigator } = globalThis as { navigator?: { userAgent?: unknown } };
  return navigator?.userAgent === 'Cloudflare-Workers';
}

/** Where the docs explain how to use the store from a Worker. */
export const WORKERS_DOCS = 'docs/stores.md#postgresql-from-cloudflare-workers';

// workerd ties every socket to the request that opened it: a query that a later request sends on
// such a connection gets no answer (it hangs until the pool's query_timeout, or until workerd
// cancels the request as hung). An AbortSignal is bound the same way, but reading it from
// another request throws at once: one signal per pool, made when the store first uses the pool,
// tells a pool kept across requests apart before any query is sent on it.
const firstRequest = new WeakMap<Pool, AbortSignal>();

/**
 * In workerd, throws a ConfigurationError when `pool` was first used by another request than the
 * current one (its connections belong to that request and would never answer here). Elsewhere,
 * and on a pool's first use, does nothing.
 *
 * @throws ConfigurationError naming the `pool` option when the pool outlived its request
 * @example assertPoolOfThisRequest(pool, 'postgresStore'); // before each query, in workerd only
 */
export function assertPoolOfThisRequest(pool: Pool, caller: string): void {
  const signal = firstRequest.get(pool);
  if (signal === undefined) {
    firstRequest.set(pool, new AbortController().signal);
    return;
  }
  try {
    void signal.aborted;
  } catch (error) {
    throw new ConfigurationError(
      `${caller}: pool was first used by another request. In Cloudflare Workers a connection belongs to the request that opened it, and a query sent on it from a later request never gets an answer. Create the pool (e.g. new Pool({ connectionString: env.HYPERDRIVE.connectionString, max: 5 })), the store and keyward in each request, and end them in ctx.waitUntil(): see ${WORKERS_DOCS}`,
      { cause: error },
    );
  }
}
