import { BODY_RESPONSES, MAX_JSON_BODY_BYTES, createManagementApi, jsonBodyDisposition, parseJsonBody, type JsonBodyResult, type ManagementApiOptions } from '@keyward/core/http';
import { Hono, type Context, type Env } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { send } from './send.js';

/** Options of `tokensApp()`: `getActor(c)` returns the signed-in actor from the host's session, or null. */
export type TokensAppOptions<E extends Env = Env> = ManagementApiOptions<Context<E>>;

const NO_BODY: JsonBodyResult = Object.freeze({ ok: true, value: undefined });

async function readJson(c: Context): Promise<JsonBodyResult> {
  const contentLength = c.req.header('content-length');
  const transferEncoding = c.req.header('transfer-encoding');
  // Fetch runtimes (Workers, Bun, Deno, HTTP/2) may hand over a body with neither header: the
  // body stream is the framing there. An empty one is no body, as on HTTP/1.1 without headers.
  const streamed = contentLength === undefined && transferEncoding === undefined && c.req.raw.body !== null;
  const disposition = jsonBodyDisposition({
    contentType: c.req.header('content-type'),
    contentEncoding: c.req.header('content-encoding'),
    contentLength,
    transferEncoding: streamed ? 'chunked' : transferEncoding,
  });
  if (disposition === 'none') return NO_BODY;
  if (disposition !== 'parse') return { ok: false, response: disposition };
  const text = await c.req.text();
  return streamed && text === '' ? NO_BODY : parseJsonBody(text);
}

/**
 * The token management API as a Hono app: `GET/POST /tokens`, `GET /tokens/expiration-preview`,
 * `GET/DELETE /tokens/:id`, `POST /tokens/bulk-delete`. Mount it where your settings live.
 * Options are checked here, once: bad ones throw ConfigurationError.
 * @example
 * app.route('/settings', tokensApp({ keyward, getActor: (c) => c.get('session')?.actor ?? null }));
 */
export function tokensApp<E extends Env = Env>(options: TokensAppOptions<E>): Hono<E> {
  const api = createManagementApi(options, 'tokensApp');
  const limit = bodyLimit({ maxSize: MAX_JSON_BODY_BYTES, onError: (c) => send(c, BODY_RESPONSES.tooLarge) });
  const app = new Hono<E>();
  for (const route of api.routes) {
    const handler = async (c: Context<E>) => {
      let body: unknown;
      if (route.body) {
        const read = await readJson(c);
        if (!read.ok) return send(c, read.response);
        body = read.value;
      }
      return send(c, await api.handle(route, c, { body, query: c.req.queries(), params: c.req.param() }));
    };
    if (route.body) app.on(route.method, route.path, limit, handler);
    else app.on(route.method, route.path, handler);
  }
  return app;
}
