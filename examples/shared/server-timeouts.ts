// How long the examples' HTTP servers wait for a slow client. Node's defaults let a client hold a
// connection (and its file descriptor) for a long time without ever finishing its request:
// `headersTimeout` 60 s, `requestTimeout` 300 s, both enforced only by a sweep every 30 s
// (`connectionsCheckingInterval`), so 200 clients sending one header byte every 2 s all still
// held their connection after 75 s.
import type { ServerOptions } from 'node:http';

/**
 * Options for `http.createServer()` (or `serve({ serverOptions })` from `@hono/node-server`):
 * a client has 10 s to send its request line and headers (`headersTimeout`) and 30 s for the
 * whole request, body included (`requestTimeout`); a connection past either is answered 408 and
 * closed by a sweep that runs every second (`connectionsCheckingInterval`), so within 11 s and
 * 31 s. Keep-alive connections idle between requests close after Node's `keepAliveTimeout` (5 s).
 *
 * @example
 * createServer(SERVER_TIMEOUTS, app).listen(3000);
 * serve({ fetch: app.fetch, port: 3000, serverOptions: SERVER_TIMEOUTS });
 */
export const SERVER_TIMEOUTS = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  connectionsCheckingInterval: 1_000,
} as const satisfies ServerOptions;
