import { ConfigurationError } from '@keyward/core';
import type { Client, Notification, PoolClient } from 'pg';
import { names } from './names.js';
import { resolveLocation } from './options.js';

/**
 * What one notification on the channel says: these hashes were deleted, or (after a TRUNCATE of
 * the tokens table) every token may be gone.
 */
export type TokenInvalidation = { kind: 'hashes'; hashes: string[] } | { kind: 'all' };

/**
 * The NOTIFY channel the store's tables publish deletions on: `<tablePrefix>tokens_deleted`
 * (`keyward_tokens_deleted` by default). Every statement that deletes tokens, the store's or anyone
 * else's, notifies it in its own transaction (a trigger does it), so the notification arrives exactly
 * when the delete commits and never for one rolled back. The payload is the deleted tokens' hashes
 * separated by single spaces, split over several notifications when it would exceed 8000 bytes;
 * `*` after a TRUNCATE. Stores in other schemas with the same prefix share the channel: a listener
 * may then hear hashes it never saw, which is harmless.
 *
 * @throws ConfigurationError for a bad `tablePrefix`
 * @example postgresInvalidationChannel() // 'keyward_tokens_deleted'
 */
export function postgresInvalidationChannel(options: { tablePrefix?: string } = {}): string {
  return names(resolveLocation('postgresInvalidationChannel', options)).channel;
}

/**
 * The meaning of one payload from the channel.
 *
 * @example parseInvalidation('h1 h2') // { kind: 'hashes', hashes: ['h1', 'h2'] }
 */
export function parseInvalidation(payload: string): TokenInvalidation {
  return payload === '*' ? { kind: 'all' } : { kind: 'hashes', hashes: payload.split(' ').filter((hash) => hash !== '') };
}

/** Options of `postgresInvalidations`. */
export interface PostgresInvalidationsOptions {
  /**
   * A connected client dedicated to listening (a `pg.Client`, or a `PoolClient` kept out of the
   * pool for as long as you listen): LISTEN belongs to one connection.
   */
  client: Client | PoolClient;
  /** The store's `tablePrefix`. Default `keyward_`. */
  tablePrefix?: string;
  /** Called once per notification, in commit order. */
  onInvalidation: (invalidation: TokenInvalidation) => void;
}

/**
 * Listens on the store's invalidation channel. This is the feed only: it does not reconnect, and a
 * notification sent while the connection was down is lost, so a cache built on it must treat a lost
 * connection as "everything may be stale" (watch the client's `error` and `end` events).
 *
 * @returns a function that stops listening (UNLISTEN) and leaves the client connected
 * @example
 * const client = new pg.Client({ connectionString });
 * await client.connect();
 * const stop = await postgresInvalidations({ client, onInvalidation: (i) => cache.forget(i) });
 */
export async function postgresInvalidations(options: PostgresInvalidationsOptions): Promise<() => Promise<void>> {
  const { client, onInvalidation } = options ?? ({} as PostgresInvalidationsOptions);
  if (!client || typeof client.query !== 'function' || typeof client.on !== 'function') {
    throw new ConfigurationError('postgresInvalidations: client must be a connected node-postgres Client');
  }
  if (typeof onInvalidation !== 'function') {
    throw new ConfigurationError('postgresInvalidations: onInvalidation must be a function');
  }
  const channel = postgresInvalidationChannel({ ...(options.tablePrefix === undefined ? {} : { tablePrefix: options.tablePrefix }) });
  const listener = (message: Notification) => {
    if (message.channel === channel) onInvalidation(parseInvalidation(message.payload ?? ''));
  };
  client.on('notification', listener);
  try {
    await client.query(`LISTEN "${channel}"`);
  } catch (error) {
    client.off('notification', listener);
    throw error;
  }
  return async () => {
    client.off('notification', listener);
    await client.query(`UNLISTEN "${channel}"`);
  };
}
