// workerd ties every socket to the request that opened it. The stores that hold sockets
// (@keyward/postgres, @keyward/redis) import this file by path and bundle it, as @keyward/d1 bundles
// @keyward/sqlite's rows: it is no part of core's API, and core itself never loads it.

/**
 * Whether this code runs in Cloudflare's workerd (Workers, `wrangler dev`, Miniflare): the same
 * check node-postgres makes to open its connections with `cloudflare:sockets`.
 *
 * @example if (inWorkerd()) console.log('sockets belong to the request that opened them');
 */
export function inWorkerd(): boolean {
  const { navigator } = globalThis as { navigator?: { userAgent?: unknown } };
  return navigator?.userAgent === 'Cloudflare-Workers';
}

// A socket's I/O from a later request gets no answer (node-postgres waits until its query_timeout,
// ioredis until its commandTimeout, or workerd cancels the request as hung). An AbortSignal is bound
// to its request the same way, but reading it from another request throws at once: one signal per
// resource, made when a store first uses the resource, tells one kept across requests apart before
// any I/O is sent on it.
const firstRequest = new WeakMap<object, AbortSignal>();

/**
 * What workerd throws when `resource` (a pool, a client) was first used by another request than
 * the current one, as `{ cause }` for the caller's own error; `undefined` on the resource's first
 * use and in the request of that first use. Call it in workerd only (elsewhere nothing is bound).
 *
 * @example const other = usedByAnotherRequest(pool); if (other) throw new ConfigurationError('pool …', other);
 */
export function usedByAnotherRequest(resource: object): { cause: unknown } | undefined {
  const signal = firstRequest.get(resource);
  if (signal === undefined) {
    firstRequest.set(resource, new AbortController().signal);
    return undefined;
  }
  try {
    void signal.aborted;
    return undefined;
  } catch (error) {
    return { cause: error };
  }
}
