// The shared tables call a server by URL: here, that URL is answered in process. Global fetch and
// (through the node-http shim) node:http's request() hand a `new Request()` to the current handler.

/** The origin the tables are told the server listens on; nothing ever listens there. */
export const ORIGIN = 'http://keyward.test';

let handler: ((request: Request) => Promise<Response>) | undefined;

/** Serves ORIGIN with `next` until the returned close() runs. */
export function serve(next: (request: Request) => Promise<Response>): Served {
  handler = next;
  return { url: ORIGIN, request: async (input, init) => next(aimed(ORIGIN, input, init)), close: async () => void (handler = undefined) };
}

/** What the tables' StartServer returns (the test kit's RunningServer). */
export interface Served {
  url: string;
  request(input: string | Request, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** A request for `origin`: a path, or a Request whose path and query are kept. */
function aimed(origin: string, input: string | Request, init?: RequestInit): Request {
  if (typeof input === 'string') return new Request(origin + input, init);
  const { pathname, search } = new URL(input.url);
  return new Request(origin + pathname + search, { method: input.method, headers: input.headers, body: input.body, duplex: 'half', ...init } as RequestInit);
}

/** Answers a request for ORIGIN, as a server listening there would. */
export function dispatch(request: Request): Promise<Response> {
  if (!handler) return Promise.reject(new TypeError(`nothing serves ${ORIGIN}`));
  return handler(request);
}

const realFetch = globalThis.fetch.bind(globalThis);

/** Points global fetch at the handler for ORIGIN. */
export function installFetch(): void {
  globalThis.fetch = ((input: Request | string | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    return request.url.startsWith(`${ORIGIN}/`) ? dispatch(request) : realFetch(input, init);
  }) as typeof fetch;
}

interface BunLike {
  serve(options: { hostname: string; port: number; fetch: (request: Request) => Promise<Response> }): { port: number; stop(force: boolean): void };
}
interface DenoLike {
  serve(options: { hostname: string; port: number; onListen(): void }, handler: (request: Request) => Promise<Response>): { addr: { port: number }; shutdown(): Promise<void> };
}

/**
 * Serves `next` over real HTTP with the runtime's own server (`Bun.serve`, `Deno.serve`) on a free
 * loopback port: the tables then go through the runtime's HTTP stack, Request parsing included.
 */
export async function serveOverHttp(next: (request: Request) => Promise<Response>): Promise<Served> {
  const { Bun, Deno } = globalThis as { Bun?: BunLike; Deno?: DenoLike };
  if (Bun) {
    const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: (request) => next(request) });
    const url = `http://127.0.0.1:${server.port}`;
    return { url, request: (input, init) => realFetch(aimed(url, input, init)), close: async () => server.stop(true) };
  }
  if (Deno) {
    const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, (request) => next(request));
    const url = `http://127.0.0.1:${server.addr.port}`;
    return { url, request: (input, init) => realFetch(aimed(url, input, init)), close: () => server.shutdown() };
  }
  throw new Error('this runtime has no Bun.serve or Deno.serve');
}
