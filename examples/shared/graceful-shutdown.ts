// Graceful shutdown for the examples' HTTP servers (examples/dashboard, express-api, better-auth,
// ui-frameworks): stop accepting connections, let requests in flight finish, close keep-alive
// connections without cutting off a request already on its way, then flush and exit 0.
//
// Start a server with `node --import tsx file.ts` (the examples' start scripts do), not with the
// `tsx file.ts` command: tsx runs the file in a child process, relays SIGTERM/SIGINT to it, and
// SIGKILLs the child when it has not acknowledged the relayed signal within 30 ms — which a busy
// machine misses, and then nothing drains or flushes.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

export interface GracefulShutdownOptions {
  /** Runs once no connection is left: flush pending work and release resources (e.g. `keyward.close()`). */
  close: () => Promise<void> | void;
  /** How long requests in flight get before the remaining connections are dropped, in ms. Default 10 000. */
  graceMs?: number;
  /** How long `close` may take before the process exits 1 anyway, in ms. Default 10 000. */
  closeTimeoutMs?: number;
  /** How long a connection must have been idle before it is closed, in ms. Default 250. */
  idleMs?: number;
  /** Default `['SIGTERM', 'SIGINT']`. */
  signals?: NodeJS.Signals[];
  /** Default `console.log`. */
  log?: (message: string) => void;
}

/**
 * On the first of `signals`: answer every request from then on with `Connection: close`, stop
 * accepting connections, close each keep-alive connection once it has been idle for `idleMs`,
 * drop whatever is left after `graceMs`, run `close`, and exit 0 (1 if `close` failed or took
 * longer than `closeTimeoutMs`).
 *
 * Idle connections are not closed at once (as `server.close()` does on Node 19+): a client may
 * have sent its next request on one a moment ago, and closing the socket under that request
 * resets it. A request that arrives is answered, with `Connection: close`, so the client opens
 * no further requests on that connection.
 *
 * @example
 * const server = app.listen(3000);
 * closeOnSignals(server, { close: () => keyward.close() });
 */
export function closeOnSignals(server: Server, options: GracefulShutdownOptions): void {
  const graceMs = options.graceMs ?? 10_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  const idleMs = options.idleMs ?? 250;
  const log = options.log ?? console.log;
  let stopping = false;
  /** Each open connection: how many requests it is serving, and since when it has served none. */
  const connections = new Map<Socket, { active: number; idleSince: number }>();
  /** Answers not finished yet, so the ones still without headers can say `Connection: close` too. */
  const answering = new Set<ServerResponse>();

  server.on('connection', (socket: Socket) => {
    connections.set(socket, { active: 0, idleSince: Date.now() });
    socket.once('close', () => connections.delete(socket));
  });
  // Prepended, so it runs before the app's handler can send the headers.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const state = connections.get(req.socket);
    if (state) state.active++;
    if (stopping) res.setHeader('Connection', 'close');
    answering.add(res);
    res.once('close', () => {
      answering.delete(res);
      if (!state) return;
      state.active--;
      state.idleSince = Date.now();
    });
  });

  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    log(`${signal}: flushing and closing`);
    for (const res of answering) if (!res.headersSent) res.setHeader('Connection', 'close');
    // Stop listening. net.Server's own close, not http.Server's, which also drops idle keep-alive
    // connections at once (see above); the callback runs once every connection has closed.
    const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
    const sweep = setInterval(() => {
      const now = Date.now();
      for (const [socket, state] of connections) if (state.active === 0 && now - state.idleSince >= idleMs) socket.destroy();
    }, Math.max(10, idleMs / 5));
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    await closed;
    clearInterval(sweep);
    clearTimeout(deadline);
    // A store that cannot be reached must not keep the process from ever exiting.
    const stuck = setTimeout(() => {
      console.error(`shutdown: close did not finish within ${closeTimeoutMs} ms`);
      process.exit(1);
    }, closeTimeoutMs);
    try {
      await options.close();
    } catch (error) {
      console.error('shutdown: close failed', error);
      process.exit(1);
    }
    clearTimeout(stuck);
    log('closed');
    process.exit(0);
  }

  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) process.on(signal, () => void shutdown(signal));
}
