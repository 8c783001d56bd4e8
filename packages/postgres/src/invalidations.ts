import { randomBytes } from 'node:crypto';
import { ConfigurationError, type InvalidationChannel } from '@keyward/core';
import type { Client, Notification, Pool, PoolClient } from 'pg';
import { names } from './names.js';
import { resolveLocation } from './options.js';

/**
 * What one notification on the channel says: these hashes were deleted; every token may be gone
 * (after a TRUNCATE of the tokens table); or nothing (a `postgresInvalidations` heartbeat).
 */
export type TokenInvalidation = { kind: 'hashes'; hashes: string[] } | { kind: 'all' } | { kind: 'heartbeat' };

/**
 * The NOTIFY channel the store's tables publish deletions on: `<tablePrefix>tokens_deleted`
 * (`keyward_tokens_deleted` by default). Every statement that deletes tokens, the store's or anyone
 * else's, notifies it in its own transaction (a trigger does it), so the notification arrives exactly
 * when the delete commits and never for one rolled back. The payload is the deleted tokens' hashes
 * separated by single spaces, split over several notifications when it would exceed 8000 bytes;
 * `*` after a TRUNCATE; `~…` for a heartbeat of `postgresInvalidations` (no deletion). Stores in other schemas with the same prefix share the channel: a listener
 * may then hear hashes it never saw, which is harmless.
 *
 * @throws ConfigurationError for a bad `tablePrefix`
 * @example postgresInvalidationChannel() // 'keyward_tokens_deleted'
 */
export function postgresInvalidationChannel(options: { tablePrefix?: string } = {}): string {
  return names(resolveLocation('postgresInvalidationChannel', options)).channel;
}

// Heartbeats travel on the same channel, marked by a character no base64url hash contains.
const HEARTBEAT = '~';

/**
 * The meaning of one payload from the channel.
 *
 * @example parseInvalidation('h1 h2') // { kind: 'hashes', hashes: ['h1', 'h2'] }
 */
export function parseInvalidation(payload: string): TokenInvalidation {
  if (payload === '*') return { kind: 'all' };
  if (payload.startsWith(HEARTBEAT)) return { kind: 'heartbeat' };
  return { kind: 'hashes', hashes: payload.split(' ').filter((hash) => hash !== '') };
}

/** Options of `postgresInvalidations`: a pool (recommended) or one connected client. */
export type PostgresInvalidationsOptions = ({ pool: Pool; client?: undefined } | { client: Client | PoolClient; pool?: undefined }) & {
  /** The store's `tablePrefix`. Default `keyward_`. */
  tablePrefix?: string;
};

/**
 * The store's invalidation channel for core's opt-in lookup cache:
 * `createKeyward({ store, cache: { channel: postgresInvalidations({ pool }) } })`.
 *
 * It LISTENs on `postgresInvalidationChannel()` on a connection of its own and turns each
 * notification into `invalidate(hashes)` (`invalidate(null)` after a TRUNCATE). Heartbeats are
 * NOTIFYs sent on that same connection: PostgreSQL delivers notifications in commit order, so a
 * heartbeat that comes back proves every deletion committed before it was sent has been
 * delivered. The feed starts trusted only once LISTEN is in place (`lost()` is signalled then,
 * so nothing cached before counts), and a connection that fails or ends signals `lost()`.
 * With `pool`, a fresh connection is taken from the pool (and kept out of it) and taken again
 * after a failure; with `client`, the client is the caller's and a failure ends the feed.
 *
 * @throws ConfigurationError for a bad `pool`, `client` or `tablePrefix`
 * @example
 * const keyward = createKeyward({
 *   store: postgresStore({ pool }),
 *   resolveProject,
 *   cache: { channel: postgresInvalidations({ pool }), maxStalenessMs: 1000 },
 * });
 */
export function postgresInvalidations(options: PostgresInvalidationsOptions): InvalidationChannel {
  if (!options || typeof options !== 'object') {
    throw new ConfigurationError('postgresInvalidations(options): options must be an object such as { pool }');
  }
  const { pool, client } = options;
  if ((pool === undefined) === (client === undefined)) {
    throw new ConfigurationError('postgresInvalidations: pass exactly one of pool (a node-postgres Pool) or client (a connected node-postgres Client)');
  }
  if (pool !== undefined && (pool === null || typeof pool.connect !== 'function' || typeof pool.query !== 'function')) {
    throw new ConfigurationError('postgresInvalidations: pool must be a node-postgres Pool');
  }
  if (client !== undefined && (client === null || typeof client.query !== 'function' || typeof client.on !== 'function')) {
    throw new ConfigurationError('postgresInvalidations: client must be a connected node-postgres Client');
  }
  const channel = postgresInvalidationChannel(options.tablePrefix === undefined ? {} : { tablePrefix: options.tablePrefix });

  return {
    subscribe(listener, { heartbeatMs, onError }) {
      const instance = randomBytes(6).toString('base64url');
      let closed = false;
      let current: { client: Client | PoolClient; detach: () => void; timer: ReturnType<typeof setInterval> | undefined } | undefined;
      let retry: ReturnType<typeof setTimeout> | undefined;

      const onNotification = (message: Notification) => {
        if (message.channel !== channel) return;
        const payload = message.payload ?? '';
        if (payload.startsWith(HEARTBEAT)) {
          const [id, sentAt] = payload.slice(1).split(':');
          if (id === instance) listener.proven(Number(sentAt));
          return;
        }
        const invalidation = parseInvalidation(payload);
        if (invalidation.kind === 'hashes') listener.invalidate(invalidation.hashes);
        else if (invalidation.kind === 'all') listener.invalidate(null);
      };

      const drop = (connection: Client | PoolClient, error?: Error) => {
        if (current?.client !== connection) return;
        clearInterval(current.timer);
        current.detach();
        current = undefined;
        listener.lost();
        if (pool) {
          (connection as PoolClient).release(error ?? new Error('invalidation feed dropped'));
          if (!closed) retry = setTimeout(start, heartbeatMs);
        }
      };

      async function start(): Promise<void> {
        retry = undefined;
        let connection: Client | PoolClient;
        try {
          connection = pool ? await pool.connect() : client!;
        } catch (error) {
          onError(error);
          if (!closed) retry = setTimeout(start, heartbeatMs);
          return;
        }
        if (closed) {
          if (pool) (connection as PoolClient).release();
          return;
        }
        const onFailure = (error: Error) => drop(connection, error);
        const onEnd = () => drop(connection, new Error('connection ended'));
        connection.on('notification', onNotification);
        connection.on('error', onFailure);
        connection.on('end', onEnd);
        current = {
          client: connection,
          timer: undefined,
          detach: () => {
            connection.off('notification', onNotification);
            connection.off('error', onFailure);
            connection.off('end', onEnd);
          },
        };
        try {
          await connection.query(`LISTEN "${channel}"`);
        } catch (error) {
          onError(error);
          drop(connection, error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (current?.client !== connection) return;
        // Anything cached before LISTEN took effect may have missed a deletion: start from nothing.
        listener.lost();
        // One heartbeat in flight at a time: on a connection that went silent without closing, beats
        // would otherwise pile up in the client's queue for as long as the silence lasts.
        let beating = false;
        const beat = () => {
          if (beating) return;
          beating = true;
          const sentAt = performance.now();
          connection.query('SELECT pg_notify($1, $2)', [channel, `${HEARTBEAT}${instance}:${sentAt}`]).then(
            () => {
              beating = false;
            },
            (error: unknown) => {
              beating = false;
              onError(error);
            },
          );
        };
        current.timer = setInterval(beat, heartbeatMs);
        beat();
      }

      void start();
      return {
        async close() {
          closed = true;
          clearTimeout(retry);
          const active = current;
          if (!active) return;
          clearInterval(active.timer);
          active.detach();
          current = undefined;
          await active.client.query(`UNLISTEN "${channel}"`).catch(() => {});
          if (pool) (active.client as PoolClient).release();
        },
      };
    },
  };
}
