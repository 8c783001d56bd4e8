import type { PoolClient } from 'pg';

const ignore = () => {};

/**
 * Keeps an 'error' listener on a connection checked out of a pool until the returned function is
 * called, right after `client.release(…)`. pg-pool listens for a connection's errors only while it
 * is idle in the pool, and node-postgres emits a lost connection as an 'error' event (besides
 * rejecting the query in flight): with no listener, that event kills the process. The rejected
 * query is what the store acts on, so the event itself is ignored here.
 *
 * @example
 * const client = await pool.connect();
 * const letGo = holdErrors(client);
 * try { await client.query('BEGIN'); … } finally { client.release(failure); letGo(); }
 */
export function holdErrors(client: PoolClient): () => void {
  client.on('error', ignore);
  return () => void client.off('error', ignore);
}
