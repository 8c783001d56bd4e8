// Runs the shared tables with `new Request()` handed straight to the handler, no socket in between:
// global fetch is pointed at the handler for the test server's origin. The one row fetch cannot
// send (a header on two lines, over node:http) still reaches the same handler over real HTTP.
import { getRequestListener } from '@hono/node-server';
import { createServer } from 'node:http';
import { listen, type StartServer, type TestAppSetup } from '@keyward/test-kit/http';

export function inProcess(build: (setup: TestAppSetup) => (request: Request) => Promise<Response>, served: { count: number }): StartServer {
  return async (setup) => {
    const handler = build(setup);
    const server = await listen(createServer(getRequestListener(handler)));
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input, init) => {
      const request = new Request(input, init);
      if (!request.url.startsWith(`${server.url}/`)) return realFetch(input, init);
      served.count++;
      return handler(request);
    };
    return {
      url: server.url,
      request: async (input, init) => handler(typeof input === 'string' ? new Request(server.url + input, init) : new Request(input, init)),
      close: async () => {
        globalThis.fetch = realFetch;
        await server.close();
      },
    };
  };
}
