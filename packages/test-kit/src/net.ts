// Loopback networking for the test suites: free ports, waiting, listening apps, and HTTP calls.
import { once } from 'node:events';
import { Agent, request as httpRequest, type Server } from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';

/** A port nothing listens on right now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Polls `probe` every 25 ms until it returns true; bounded, so a broken setup fails instead of hanging. */
export async function waitUntil(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await Promise.resolve().then(probe).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Listening {
  port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 on a port the OS picks. `close()` drops keep-alive connections too. */
export async function listen(server: Server): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

const agent = new Agent({ keepAlive: true, maxSockets: 32 });

/**
 * One HTTP request to 127.0.0.1:`port`. `body` is sent as JSON. Rejects only on network errors.
 * @example const { status, json } = await call(port, 'POST', '/settings/tokens', { body: { name: 'CI' }, headers: { 'x-actor': 'owner_a' } });
 */
export function call(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<HttpAnswer> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Sends raw request bytes on a fresh connection and returns the status of the answer, or 0 when
 * the server closed the connection without one. Lets tests send header bytes that Node's HTTP
 * client refuses to send (NUL, non-Latin-1, 1 MB values…).
 */
export function rawStatus(port: number, request: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let head = '';
    let settled = false;
    const finish = (status: number) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(status);
    };
    socket.setTimeout(15_000, () => finish(0));
    // The server may answer (e.g. 431) and close while a large request is still being written.
    socket.on('error', () => finish(statusOf(head)));
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n')) finish(statusOf(head));
    });
    socket.on('close', () => finish(statusOf(head)));
    socket.on('connect', () => socket.end(request));
  });
}

function statusOf(head: string): number {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  return match ? Number(match[1]) : 0;
}
