import { randomBytes } from 'node:crypto';
import { ConfigurationError, type InvalidationChannel } from '@keyward/core';
import type { Client, Notification, Pool, PoolClient } from 'pg';
import { names } from './names.js';
import { resolveLocation } from './options.js';
import { inWorkerd, WORKERS_DOCS } from './workerd.js';

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
 * How long a LISTEN connection may go without one of its heartbeats coming back before it is taken
 * as silent, ms: this many heartbeat intervals, and never less than `SILENT_AFTER_MIN_MS` (a
 * heartbeat is a round trip and a commit: a busy server must not look dead).
 */
const SILENT_AFTER_BEATS = 4;
const SILENT_AFTER_MIN_MS = 1000;

/**
 * The longest `close()` waits, ms: for `UNLISTEN` on a caller's client, or for the server's goodbye
 * on a pool's connection before its socket is dropped.
 *
 * @example await subscription.close() // resolves within CLOSE_TIMEOUT_MS, even on a silent connection
 */
export const CLOSE_TIMEOUT_MS = 1000;

/** The 'error' listener a connection keeps once the feed lets it go (failed, silent or closed): its later errors are noise, not a crash. */
const absorb = () => {};

/** The connection the feed listens on now. */
interface Listening {
  client: Client | PoolClient;
  /** Stops delivering; the connection's 'error' listener becomes `absorb`. */
  detach: () => void;
  timer: ReturnType<typeof setInterval> | undefined;
  /** LISTEN is in place: heartbeats may be sent. */
  listening: boolean;
  /** One heartbeat in flight at a time, or beats would pile up in a silent connection's queue. */
  beating: boolean;
  /** performance.now() when LISTEN was sent or a heartbeat last came back. */
  heardAt: number;
}

/**
 * node-postgres's `end()` waits for the server to close the socket, which a silent server never
 * does, and the open socket would keep the process alive: once `CLOSE_TIMEOUT_MS` has passed, drop
 * it (the socket is not in the typings, hence the guard).
 */
function dropSocketLater(connection: Client | PoolClient): void {
  const stream = (connection as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream;
  if (typeof stream?.destroy !== 'function') return;
  const timer = setTimeout(() => stream.destroy!(), CLOSE_TIMEOUT_MS);
  timer.unref();
  connection.once('end', () => clearTimeout(timer));
}

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
 * A connection that goes silent without failing (no heartbeat back for 4 heartbeat intervals, at
 * least 1 s) is reported once to `onError` and, with `pool`, replaced: the cache answers again as
 * soon as the new connection's heartbeats come back. `close()` never waits longer than
 * `CLOSE_TIMEOUT_MS`, and a connection the feed lets go always keeps an 'error' listener (a pool's
 * connection is ended, a caller's client is handed back once `UNLISTEN` has answered).
 *
 * It cannot run in Cloudflare Workers (workerd): LISTEN needs a connection that outlives the request
 * that opened it, and workerd delivers nothing that arrives on a request's socket once that request
 * has ended. There it throws at construction; leave `cache` off (verification is one indexed query).
 *
 * @throws ConfigurationError for a bad `pool`, `client` or `tablePrefix`, and in workerd
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
  if (inWorkerd()) {
    throw new ConfigurationError(
      `postgresInvalidations: cannot run in Cloudflare Workers, so the cache option of createKeyward cannot use it there. LISTEN needs a connection that outlives a request, and workerd ties every connection to the request that opened it: notifications sent after that request ends are never delivered. Leave cache off (each verification is one indexed query on the pool); see ${WORKERS_DOCS}`,
    );
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
      const silentAfterMs = Math.max(SILENT_AFTER_BEATS * heartbeatMs, SILENT_AFTER_MIN_MS);
      let closed = false;
      let current: Listening | undefined;
      let retry: ReturnType<typeof setTimeout> | undefined;
      // One report per silence: set when one is reported, cleared when a heartbeat comes back.
      let silenceReported = false;

      const report = (error: unknown) => {
        if (!closed) onError(error);
      };

      const schedule = () => {
        if (closed) return;
        retry = setTimeout(start, heartbeatMs);
        retry.unref?.();
      };

      /** Lets go of a pool's connection: the pool ends it instead of reusing it. */
      const discard = (connection: PoolClient, error: Error) => {
        connection.release(error);
        dropSocketLater(connection);
      };

      /** The connection failed, ended or went silent: nothing it delivered proves anything any more. */
      const drop = (active: Listening, error: Error) => {
        if (current !== active) return;
        current = undefined;
        clearInterval(active.timer);
        active.detach();
        listener.lost();
        if (pool) {
          discard(active.client as PoolClient, error);
          schedule();
        }
      };

      const beat = (active: Listening) => {
        if (active.beating) return;
        active.beating = true;
        const sentAt = performance.now();
        active.client.query('SELECT pg_notify($1, $2)', [channel, `${HEARTBEAT}${instance}:${sentAt}`]).then(
          () => {
            active.beating = false;
          },
          (error: unknown) => {
            active.beating = false;
            // A connection already let go fails its last heartbeat: that is not news.
            if (current === active) report(error);
          },
        );
      };

      const tick = (active: Listening) => {
        if (current !== active) return;
        if (performance.now() - active.heardAt < silentAfterMs) {
          if (active.listening) beat(active);
          return;
        }
        const silence = new Error(
          `postgres invalidations: no heartbeat came back on the LISTEN connection for ${silentAfterMs} ms` +
            (pool ? '; replacing the connection' : "; the caller's client is kept, the cache stays off until heartbeats come back"),
        );
        if (!silenceReported) {
          silenceReported = true;
          report(silence);
        }
        if (pool) drop(active, silence);
      };

      async function start(): Promise<void> {
        retry = undefined;
        let connection: Client | PoolClient;
        try {
          connection = pool ? await pool.connect() : client!;
        } catch (error) {
          report(error);
          schedule();
          return;
        }
        if (closed) {
          if (pool) discard(connection as PoolClient, new Error('invalidation feed closed'));
          return;
        }
        const active: Listening = { client: connection, detach: () => {}, timer: undefined, listening: false, beating: false, heardAt: performance.now() };
        const onNotification = (message: Notification) => {
          if (message.channel !== channel) return;
          const payload = message.payload ?? '';
          if (payload.startsWith(HEARTBEAT)) {
            const [id, sentAt] = payload.slice(1).split(':');
            if (id !== instance) return;
            active.heardAt = performance.now();
            silenceReported = false;
            listener.proven(Number(sentAt));
            return;
          }
          const invalidation = parseInvalidation(payload);
          if (invalidation.kind === 'hashes') listener.invalidate(invalidation.hashes);
          else if (invalidation.kind === 'all') listener.invalidate(null);
        };
        const onFailure = (error: Error) => drop(active, error);
        const onEnd = () => drop(active, new Error('connection ended'));
        connection.on('notification', onNotification);
        connection.on('error', onFailure);
        connection.on('end', onEnd);
        active.detach = () => {
          // The absorber goes on before the feed's listener comes off: pg throws an 'error' it
          // emits with no listener, and a failing connection emits more than one.
          connection.on('error', absorb);
          connection.off('notification', onNotification);
          connection.off('error', onFailure);
          connection.off('end', onEnd);
        };
        current = active;
        // Watched from now on: a LISTEN that never answers is silence too.
        active.timer = setInterval(() => tick(active), heartbeatMs);
        active.timer.unref?.();
        try {
          await connection.query(`LISTEN "${channel}"`);
        } catch (error) {
          if (current !== active) return;
          report(error);
          drop(active, error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (current !== active) return;
        active.listening = true;
        // Anything cached before LISTEN took effect may have missed a deletion: start from nothing.
        listener.lost();
        beat(active);
      }

      void start();
      return {
        async close() {
          if (closed) return;
          closed = true;
          clearTimeout(retry);
          const active = current;
          current = undefined;
          if (!active) return;
          clearInterval(active.timer);
          active.detach();
          if (pool) return discard(active.client as PoolClient, new Error('invalidation feed closed'));
          // The caller's client stays open: stop listening on it, waiting no longer than the bound.
          const unlisten = active.client.query(`UNLISTEN "${channel}"`).then(
            () => true,
            () => false,
          );
          // Answered, the client is healthy and its errors are its owner's again; failed, it is dead
          // and keeps the absorber.
          void unlisten.then((answered) => {
            if (answered) active.client.off('error', absorb);
          });
          let timer: ReturnType<typeof setTimeout> | undefined;
          await Promise.race([unlisten, new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS)))]);
          clearTimeout(timer);
        },
      };
    },
  };
}
