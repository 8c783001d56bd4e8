import { ConfigurationError } from '../errors.js';
import type { Keyward } from '../keyward.js';
import type { Actor } from '../scope.js';
import type { MaybePromise } from '../store.js';
import { admit, resolveCrossSite, type CrossSiteOptions, type ManagementHeaders } from './cross-site.js';
import { errorResponse } from './management-errors.js';
import { createOpenApiDocument, openApiResponse, type OpenApiOptions } from './openapi.js';
import {
  handleBulkDeleteTokens,
  handleCreateToken,
  handleDeleteToken,
  handleGetToken,
  handleListPermissions,
  handleListTokens,
  handlePreviewExpiration,
  handleRollToken,
  handleUpdateToken,
  type ManagementHandler,
  type ManagementRequest,
} from './management-handlers.js';
import { handleAuditLog, handleOrganizationUsage, handleTokenUsage } from './history-handlers.js';
import type { HttpResponse } from './response.js';

export interface ManagementRoute {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to where the host mounts the API; `:id` is a path parameter in both Express and Hono. */
  readonly path: string;
  /** Whether the route reads a JSON body. Every POST, PATCH and DELETE is a change, body or not: see `admit`. */
  readonly body: boolean;
  readonly handler: ManagementHandler;
}

/**
 * The management API, in the order frameworks must register it: the static
 * `/tokens/expiration-preview`, `/tokens/permissions`, `/tokens/audit` and `/tokens/usage` come
 * before `/tokens/:id`, which would otherwise swallow them.
 */
export const MANAGEMENT_ROUTES: readonly ManagementRoute[] = Object.freeze([
  { method: 'GET', path: '/tokens', body: false, handler: handleListTokens },
  { method: 'POST', path: '/tokens', body: true, handler: handleCreateToken },
  { method: 'GET', path: '/tokens/expiration-preview', body: false, handler: handlePreviewExpiration },
  { method: 'GET', path: '/tokens/permissions', body: false, handler: handleListPermissions },
  { method: 'POST', path: '/tokens/bulk-delete', body: true, handler: handleBulkDeleteTokens },
  { method: 'GET', path: '/tokens/audit', body: false, handler: handleAuditLog },
  { method: 'GET', path: '/tokens/usage', body: false, handler: handleOrganizationUsage },
  { method: 'GET', path: '/tokens/:id', body: false, handler: handleGetToken },
  { method: 'PATCH', path: '/tokens/:id', body: true, handler: handleUpdateToken },
  { method: 'DELETE', path: '/tokens/:id', body: false, handler: handleDeleteToken },
  // An empty body is fine here: it rolls with the default grace (`now`).
  { method: 'POST', path: '/tokens/:id/roll', body: true, handler: handleRollToken },
  { method: 'GET', path: '/tokens/:id/usage', body: false, handler: handleTokenUsage },
].map((route) => Object.freeze(route as ManagementRoute)));

/** Options of `tokensRouter()` / `tokensApp()`; `Req` is the framework's request or context type. */
export interface ManagementApiOptions<Req> extends CrossSiteOptions {
  /** The token service, from `createKeyward()`. */
  keyward: Keyward;
  /** Who is signed in, from the host's own session auth; null when nobody is (401). */
  getActor: (request: Req) => MaybePromise<Actor | null | undefined>;
  /** Told about server-side failures (500, 503) the client only sees as a generic problem. Default: console.error. */
  onError?: ((error: unknown) => void) | undefined;
  /**
   * What `GET …/tokens/openapi.json` says besides the routes: how clients authenticate (your
   * session cookie, a bearer token… as `securitySchemes`, put on every operation) and its title.
   */
  openApi?: Omit<OpenApiOptions, 'basePath'> | undefined;
}

/** What the framework glue extracts from a request, besides the request itself for `getActor`. */
export interface ManagementRequestParts extends Omit<ManagementRequest, 'actor'> {
  /** The headers that say where the request came from and what it carries; `handle` refuses a change without them. */
  headers: ManagementHeaders;
}

export interface ManagementApi<Req> {
  readonly routes: readonly ManagementRoute[];
  /** The answer to `GET …/tokens/openapi.json` for the API mounted at `basePath`, with the host's `openApi` options. */
  openApi(basePath: string): HttpResponse;
  /**
   * The refusal of a change a browser could have sent from another site (403 `CROSS_SITE_REQUEST`,
   * 415 `UNSUPPORTED_MEDIA_TYPE`), or undefined. `handle` checks it too; glue calls it first so
   * a refused request's body is never read.
   */
  admit(route: ManagementRoute, headers: ManagementHeaders): HttpResponse | undefined;
  /** Checks `admit`, resolves the actor and runs the route. Never rejects. */
  handle(route: ManagementRoute, request: Req, parts: ManagementRequestParts): Promise<HttpResponse>;
}

function defaultOnError(error: unknown): void {
  console.error('[keyward] token management request failed:', error);
}

/**
 * Validates the management API's options once, so each framework only has to mount
 * `routes` and pass each request to `handle`.
 * @example
 * const api = createManagementApi<Request>({ keyward, getActor: (req) => req.session.actor }, 'tokensRouter');
 * const headers = (req) => ({ contentType: req.get('content-type'), origin: req.get('origin'), secFetchSite: req.get('sec-fetch-site'), host: req.host });
 * for (const route of api.routes) router[route.method.toLowerCase()](route.path, async (req, res) => send(res, await api.handle(route, req, { body: req.body, query: req.query, params: req.params, headers: headers(req) })));
 */
export function createManagementApi<Req>(options: ManagementApiOptions<Req>, caller = 'tokensRouter'): ManagementApi<Req> {
  const fail = (message: string) => new ConfigurationError(`${caller}(options): ${message}`);
  if (!options || typeof options !== 'object') throw fail('options must be an object');
  const { keyward, getActor, onError = defaultOnError } = options;
  if (!keyward || typeof keyward.create !== 'function') throw fail('keyward must be the service returned by createKeyward()');
  if (typeof getActor !== 'function') throw fail('getActor must be a function (request) => { userId, organizationId, role } | null');
  if (typeof onError !== 'function') throw fail('onError must be a function');
  const { openApi = {} } = options;
  if (openApi === null || typeof openApi !== 'object') throw fail('openApi must be an object such as { securitySchemes }');
  try {
    // Built once here, so a bad scheme is refused at startup rather than on the first GET.
    createOpenApiDocument(openApi);
  } catch (error) {
    throw fail(`openApi: ${(error as Error).message.replace(/^createOpenApiDocument\(options\): /, '')}`);
  }

  const policy = resolveCrossSite(options, caller);
  const check = (route: ManagementRoute, headers: ManagementHeaders | undefined) => admit(route.method, headers, policy);

  return Object.freeze({
    routes: MANAGEMENT_ROUTES,
    openApi: (basePath: string) => openApiResponse(basePath, openApi),
    admit: check,
    async handle(route: ManagementRoute, request: Req, parts: ManagementRequestParts): Promise<HttpResponse> {
      // Here as well as in the glue: no adapter can run a change without the check.
      const refused = check(route, parts.headers);
      if (refused !== undefined) return refused;
      let actor: Actor | null | undefined;
      try {
        actor = await getActor(request);
      } catch (error) {
        return errorResponse(error, onError);
      }
      return route.handler(keyward, { ...parts, actor }, onError);
    },
  });
}
