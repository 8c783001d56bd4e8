// Slow clients. A client that sends its request headers one byte at a time holds a connection
// (and a file descriptor) for as long as the server lets it: with Node's defaults (headersTimeout
// 60 s, checked every 30 s) 200 of them were all still connected after 75 s. Every example server
// sets `headersTimeout` / `requestTimeout` (examples/shared/server-timeouts.ts): each such
// connection must be closed by the server, and the server must keep answering others meanwhile.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { SERVER_TIMEOUTS } from '../../examples/shared/server-timeouts.js';
import { startBetterAuth, startDashboard, startExpressApi, startUiFrameworks, type Cleanups, type Spawned } from './support/examples.js';
import { call } from '@keyward/test-kit/net';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const CLIENTS = 200;
const BYTE_EVERY_MS = 2_000;
/** How long each client keeps trickling before it gives up by itself: far past the server's limit. */
const CLIENT_BUDGET_MS = 45_000;

interface SlowClient {
  /** When the server closed the connection (ms after it opened), or null if the client gave up first. */
  closedAfterMs: number | null;
  /** The first line the server answered, e.g. `HTTP/1.1 408 Request Timeout`. */
  statusLine: string;
}

/** One connection that starts a request and then sends one header byte every BYTE_EVERY_MS, never finishing. */
function slowClient(port: number): Promise<SlowClient> {
  return new Promise((resolve) => {
    const opened = Date.now();
    let answer = '';
    let done = false;
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '));
    const trickle = setInterval(() => socket.writable && socket.write('a'), BYTE_EVERY_MS);
    const finish = (closedAfterMs: number | null) => {
      if (done) return;
      done = true;
      clearInterval(trickle);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ closedAfterMs, statusLine: answer.split('\r\n')[0] ?? '' });
    };
    const giveUp = setTimeout(() => finish(null), CLIENT_BUDGET_MS);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => finish(Date.now() - opened));
    socket.on('close', () => finish(Date.now() - opened));
  });
}

describe('slow clients', () => {
  for (const [name, start, probe] of [
    ['examples/dashboard (Hono, SQLite)', (c: Cleanups) => startDashboard(c), '/settings/tokens'],
    ['examples/express-api (Express, Redis)', (c: Cleanups) => startExpressApi(c), '/v1/usage'],
    ['examples/better-auth (Hono, better-auth)', (c: Cleanups) => startBetterAuth(c), '/api/projects/proj_1/builds'],
    ['examples/ui-frameworks (Hono, pages)', (c: Cleanups) => startUiFrameworks(c), '/plain'],
  ] as const) {
    test(`${name}: ${CLIENTS} connections sending one header byte every ${BYTE_EVERY_MS / 1000} s are all closed by the server (headersTimeout ${SERVER_TIMEOUTS.headersTimeout / 1000} s), and it keeps answering meanwhile`, async () => {
      const server: Spawned = await start(cleanups);
      const clients = Array.from({ length: CLIENTS }, () => slowClient(server.port));
      // While they trickle, an ordinary request is answered.
      const meanwhile = await call(server.port, 'GET', probe);
      const results = await Promise.all(clients);

      const closed = results.filter((r) => r.closedAfterMs !== null).map((r) => r.closedAfterMs!).sort((a, b) => a - b);
      const statusLines = new Map<string, number>();
      for (const r of results) statusLines.set(r.statusLine || '(no answer)', (statusLines.get(r.statusLine || '(no answer)') ?? 0) + 1);
      console.log(
        `[slow-clients] ${name}: ${closed.length}/${CLIENTS} closed by the server (first after ${closed[0]} ms, last after ${closed.at(-1)} ms; ` +
          `the clients would have gone on for ${CLIENT_BUDGET_MS} ms), answers ${JSON.stringify(Object.fromEntries(statusLines))}; a request meanwhile: ${meanwhile.status}`,
      );

      expect(closed).toHaveLength(CLIENTS);
      expect(meanwhile.status).toBeLessThan(500);
    }, 90_000);
  }
});
