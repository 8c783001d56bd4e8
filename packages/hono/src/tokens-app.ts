import {
  BODY_RESPONSES,
  MAX_JSON_BODY_BYTES,
  OPENAPI_PATH,
  createManagementApi,
  fetchManagementHeaders,
  jsonBodyDisposition,
  parseJsonBody,
  type JsonBodyResult,
  type ManagementApiOptions,
} from '@keyward/core/http';
import { Hono, type Context, type Env, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { send } from './send.js';

/** Options of `tokensApp()`: `getActor(c)` returns the signed-in actor from the host's session, or null. */
export type TokensAppOptions<E extends Env = Env> = ManagementApiOptions<Context<E>>;

const NO_BODY: JsonBodyResult = Object.freeze({ ok: true, value: undefined });

/**
 * Whether the request says itself that it has a body. On @hono/node-server (a Node request in
 * `c.env.incoming`) every POST gets a body stream, so the headers decide, exactly as in Express.
 * Elsewhere the fetch Request is all there is: `app.request()`, `new Request(url, { body })` and
 * fetch runtimes send bodies without Content-Length, and `body !== null` is the truth.
 */
function fetchHasBody(c: Context): boolean | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  // Without a body stream the headers still decide: Bun.serve hands `Content-Length: 0` over with body null.
  return incoming === undefined && c.req.raw.body !== null ? true : undefined;
}

async function readJson(c: Context): Promise<JsonBodyResult> {
  const disposition = jsonBodyDisposition({
    hasBody: fetchHasBody(c),
    contentType: c.req.header('content-type'),
    contentEncoding: c.req.header('content-encoding'),
    contentLength: c.req.header('content-length'),
    transferEncoding: c.req.header('transfer-encoding'),
  });
  if (disposition === 'none') return NO_BODY;
  if (disposition !== 'parse') return { ok: false, response: disposition };
  let text: string;
  try {
    text = await c.req.text();
  } catch (error) {
    // A streamed body (no Content-Length) that outgrows bodyLimit fails while it is read. Hono
    // 4.1 lets that error escape to the app's error handler (a 500); answer the 413 here.
    if ((error as { name?: unknown } | null)?.name === 'BodyLimitError') return { ok: false, response: BODY_RESPONSES.tooLarge };
    throw error;
  }
  return parseJsonBody(text);
}

/**
 * The token management API as a Hono app: `GET/POST /tokens`, `GET /tokens/expiration-preview`,
 * `GET /tokens/permissions`, `GET/PATCH/DELETE /tokens/:id`, `POST /tokens/:id/roll`, `POST /tokens/bulk-delete`, `GET /tokens/audit`, `GET /tokens/usage`, `GET /tokens/:id/usage`, and its OpenAPI description at
 * `GET /tokens/openapi.json` (no actor needed: it holds no data). Mount it where your settings live.
 * Options are checked here, once: bad ones throw ConfigurationError.
 * @example
 * app.route('/settings', tokensApp({ keyward, getActor: (c) => c.get('session')?.actor ?? null }));
 */
export function tokensApp<E extends Env = Env>(options: TokensAppOptions<E>): Hono<E> {
  const api = createManagementApi(options, 'tokensApp');
  const limit = bodyLimit({ maxSize: MAX_JSON_BODY_BYTES, onError: (c) => send(c, BODY_RESPONSES.tooLarge) });
  const app = new Hono<E>();
  // Before `/tokens/:id`, which would take it for an id. `servers` is where this app is mounted.
  app.get(OPENAPI_PATH, (c) => send(c, api.openApi(c.req.path.slice(0, -OPENAPI_PATH.length))));
  for (const route of api.routes) {
    const handler = async (c: Context<E>) => {
      let body: unknown;
      if (route.body) {
        const read = await readJson(c);
        if (!read.ok) return send(c, read.response);
        body = read.value;
      }
      return send(c, await api.handle(route, c, { body, query: c.req.queries(), params: c.req.param(), headers: fetchManagementHeaders(c.req.raw), client: { userAgent: c.req.header('user-agent') } }));
    };
    if (route.method === 'GET') {
      app.on(route.method, route.path, handler);
      continue;
    }
    // A change from another site, or one a form could send, is refused before its body is read.
    const admitted: MiddlewareHandler<E> = async (c, next) => {
      const refused = api.admit(route, fetchManagementHeaders(c.req.raw));
      if (refused !== undefined) return send(c, refused);
      await next();
    };
    if (route.body) app.on(route.method, route.path, admitted, limit, handler);
    else app.on(route.method, route.path, admitted, handler);
  }
  return app;
}
