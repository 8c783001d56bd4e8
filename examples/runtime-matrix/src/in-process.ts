// The shared tables call a server by URL: here, that URL is answered in process. Global fetch and
// (through the node-http shim) node:http's request() hand a `new Request()` to the current handler.

/** The origin the tables are told the server listens on; nothing ever listens there. */
export const ORIGIN = 'http://keyward.test';

let handler: ((request: Request) => Promise<Response>) | undefined;

/** Serves ORIGIN with `next` until the returned close() runs. */
export function serve(next: (request: Request) => Promise<Response>): { url: string; close(): Promise<void> } {
  handler = next;
  return { url: ORIGIN, close: async () => void (handler = undefined) };
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
