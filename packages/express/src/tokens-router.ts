import {
  BODY_RESPONSES,
  MAX_JSON_BODY_BYTES,
  OPENAPI_PATH,
  createManagementApi,
  isJsonContentType,
  nodeManagementHeaders,
  type HttpResponse,
  type ManagementApiOptions,
  type ManagementHeaders,
  type ManagementRoute,
} from '@keyward/core/http';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Router } from 'express';
import { send } from './send.js';

/** Options of `tokensRouter()`: `getActor(req)` returns the signed-in actor from the host's session, or null. */
export type TokensRouterOptions = ManagementApiOptions<Request>;

/** body-parser's error types, mapped to the answers Hono gives for the same bodies. */
const BODY_ERRORS: Readonly<Record<string, HttpResponse>> = {
  'entity.parse.failed': BODY_RESPONSES.invalidJson,
  'entity.too.large': BODY_RESPONSES.tooLarge,
  'encoding.unsupported': BODY_RESPONSES.unsupportedMediaType,
  'charset.unsupported': BODY_RESPONSES.unsupportedMediaType,
};

const bodyErrors: ErrorRequestHandler = (error, _req, res, next) => {
  const type = (error as { type?: unknown } | null)?.type;
  const response = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
  if (response) send(res, response);
  else next(error);
};

function mount(router: Router, route: ManagementRoute, handlers: RequestHandler[]): void {
  if (route.method === 'GET') router.get(route.path, ...handlers);
  else if (route.method === 'POST') router.post(route.path, ...handlers);
  else if (route.method === 'PATCH') router.patch(route.path, ...handlers);
  else router.delete(route.path, ...handlers);
}

function headersOf(req: Request): ManagementHeaders {
  return nodeManagementHeaders(req, req.host);
}

/**
 * The token management API as an Express router: `GET/POST /tokens`, `GET /tokens/expiration-preview`,
 * `GET /tokens/permissions`, `GET/PATCH/DELETE /tokens/:id`, `POST /tokens/:id/roll`, `GET /tokens/audit`, `GET /tokens/usage`, `GET /tokens/:id/usage`,
 * `POST /tokens/bulk-delete`, and its OpenAPI description at
 * `GET /tokens/openapi.json` (no actor needed: it holds no data). It parses its own JSON bodies (UTF-8,
 * uncompressed, at most 128 KiB), so the host needs no body parser. Options are checked here, once.
 * @example
 * app.use('/settings', tokensRouter({ keyward, getActor: (req) => req.session?.actor ?? null }));
 * // Several organizations: getActor sees the parent route's params.
 * app.use('/orgs/:orgId/settings', tokensRouter({ keyward, getActor: (req) => actorIn(req.user, req.params.orgId) }));
 */
export function tokensRouter(options: TokensRouterOptions): Router {
  const api = createManagementApi(options, 'tokensRouter');
  // mergeParams: a host that mounts it under its own params (`/orgs/:orgId/settings`) reads them
  // in getActor through req.params, as Hono's app.route() allows.
  const router = express.Router({ mergeParams: true });
  // A body parser the host already ran wins: express.json() skips bodies that were read.
  const json = express.json({
    limit: MAX_JSON_BODY_BYTES,
    inflate: false,
    strict: true,
    type: (req) => isJsonContentType(req.headers['content-type']),
  });
  // Before `/tokens/:id`, which would take it for an id. `servers` is where this router is mounted.
  router.get(OPENAPI_PATH, (req, res) => send(res, api.openApi(req.baseUrl)));
  for (const route of api.routes) {
    const handle: RequestHandler = async (req, res) => {
      const body: unknown = route.body ? req.body : undefined;
      send(res, await api.handle(route, req, { body, query: req.query, params: req.params, headers: headersOf(req), client: { ip: req.ip, userAgent: req.get('user-agent') } }));
    };
    if (route.method === 'GET') {
      mount(router, route, [handle]);
      continue;
    }
    // A change from another site, or one a form could send, is refused before its body is read.
    const admitted: RequestHandler = (req, res, next) => {
      const refused = api.admit(route, headersOf(req));
      if (refused === undefined) next();
      else send(res, refused);
    };
    mount(router, route, route.body ? [admitted, json, handle] : [admitted, handle]);
  }
  router.use(bodyErrors);
  return router;
}
