import { ConfigurationError } from '@keyward/core';
import { inWorkerd, usedByAnotherRequest } from '../../core/src/workerd-requests.js';

export { inWorkerd };

/** Where the docs explain how to use the store from a Worker. */
export const WORKERS_DOCS = 'docs/stores.md#redis-from-cloudflare-workers';

/**
 * In workerd, throws a ConfigurationError when `client` was first used by another request than
 * the current one (its connection belongs to that request and would never answer here). On a
 * client's first use, and in the request that first used it, does nothing. Call it in workerd only.
 *
 * @throws ConfigurationError naming the `client` option when the client outlived its request
 * @example assertClientOfThisRequest(client, 'redisStore'); // before each command, in workerd only
 */
export function assertClientOfThisRequest(client: object, caller: string): void {
  const other = usedByAnotherRequest(client);
  if (other === undefined) return;
  throw new ConfigurationError(
    `${caller}: client was first used by another request. In Cloudflare Workers a connection belongs to the request that opened it, and a command sent on it from a later request never gets an answer. Create the client (e.g. new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 1000 })), the store and keyward in each request, and quit the client in ctx.waitUntil(): see ${WORKERS_DOCS}`,
    other,
  );
}
