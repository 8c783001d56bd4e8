import { ConfigurationError, type Actor, type MaybePromise } from '@keyward/core';
import {
  BODY_RESPONSES,
  NO_STORE_HEADERS,
  OPENAPI_PATH,
  PROBLEM_CONTENT_TYPE,
  createManagementApi,
  fetchManagementHeaders,
  problemResponse,
  type ManagementApiOptions,
} from '@keyward/core/http';
import { matchRoute } from './match-route.js';
import { readJsonBody } from './read-body.js';
import { toResponse } from './respond.js';

/** The actor's reader: the request, and the parameters of `basePath` (e.g. `{ orgId }` for `/orgs/:orgId/settings`). */
export type FetchActorReader = (request: Request, params: Readonly<Record<string, string>>) => MaybePromise<Actor | null | undefined>;

/** Options of `createFetchManagement()`: `getActor(request, params)` returns the signed-in actor from the host's session, or null. */
export interface FetchManagementOptions extends Omit<ManagementApiOptions<Request>, 'getActor'> {
  /** Who is signed in, from the host's own session auth; null when nobody is (401). */
  getActor: FetchActorReader;
  /**
   * Where the API is mounted, e.g. `/api/settings` for a Next.js catch-all route at
   * `app/api/settings/[...path]/route.ts`. Segments starting with `:` are parameters handed to
   * `getActor`, e.g. `/orgs/:orgId/settings`. Default `''`: the routes sit at the URL's root.
   */
  basePath?: string | undefined;
}

const BASE_PATH = /^(\/[^/?#]+)*$/;

interface Mounted {
  request: Request;
  params: Readonly<Record<string, string>>;
}

/** The parameters of `base` (split in segments) at the start of `path`, and the rest of the path; null when `path` is not under it. */
function matchBase(base: readonly string[], path: string): { params: Record<string, string>; rest: string } | null {
  const segments = path.split('/');
  if (segments.length < base.length) return null;
  const params: Record<string, string> = {};
  for (let i = 1; i < base.length; i++) {
    const want = base[i]!;
    const got = segments[i]!;
    if (!want.startsWith(':')) {
      if (want !== got) return null;
      continue;
    }
    if (got === '') return null;
    try {
      params[want.slice(1)] = decodeURIComponent(got);
    } catch {
      return null;
    }
  }
  return { params, rest: `/${segments.slice(base.length).join('/')}` };
}

function notFound(): Response {
  return toResponse(problemResponse(404, 'NOT_FOUND', 'No token management route matches this path.', undefined, NO_STORE_HEADERS));
}

function methodNotAllowed(allow: string): Response {
  // 405 is not one of core's statuses: only routing, which core leaves to frameworks, answers it.
  const body = { type: 'about:blank', title: 'Method Not Allowed', status: 405, code: 'METHOD_NOT_ALLOWED', detail: `This route answers ${allow}.` };
  return new Response(JSON.stringify(body), { status: 405, headers: { 'content-type': PROBLEM_CONTENT_TYPE, allow, ...NO_STORE_HEADERS } });
}

function queryOf(url: URL): Record<string, string[]> {
  // Every value as a list, as Hono's c.req.queries() gives them; core takes a one-element list as that value.
  const query: Record<string, string[]> = {};
  for (const name of new Set(url.searchParams.keys())) query[name] = url.searchParams.getAll(name);
  return query;
}

/**
 * The token management API as one fetch handler: `GET/POST /tokens`, `GET /tokens/expiration-preview`,
 * `GET /tokens/permissions`, `GET/PATCH/DELETE /tokens/:id`, `POST /tokens/:id/roll`, `POST /tokens/bulk-delete`, `GET /tokens/audit`, `GET /tokens/usage`, `GET /tokens/:id/usage` and `GET /tokens/openapi.json`, under `basePath`. It reads its own JSON
 * bodies (UTF-8, uncompressed, at most 128 KiB, Content-Length not needed). Options are checked
 * here, once: bad ones throw ConfigurationError. Other paths answer 404, other methods 405; HEAD
 * answers as GET without the body.
 * @example
 * // app/api/settings/[...path]/route.ts (Next.js App Router): export it for every method the API answers.
 * const handle = createFetchManagement({ keyward, basePath: '/api/settings', getActor: (request) => sessionActor(request) });
 * export { handle as DELETE, handle as GET, handle as PATCH, handle as POST };
 */
export function createFetchManagement(options: FetchManagementOptions): (request: Request) => Promise<Response> {
  // getActor is checked by createManagementApi; only a function is adapted, anything else is refused there.
  const getActor = options?.getActor;
  const api = createManagementApi<Mounted>(
    { ...options, getActor: typeof getActor === 'function' ? (mounted: Mounted) => getActor(mounted.request, mounted.params) : (getActor as never) },
    'createFetchManagement',
  );
  const rawBase = options.basePath ?? '';
  if (typeof rawBase !== 'string' || !BASE_PATH.test(rawBase.replace(/\/$/, ''))) {
    throw new ConfigurationError(`createFetchManagement(options): basePath must be a path such as "/api/settings", got ${JSON.stringify(rawBase)}`);
  }
  const base = rawBase.replace(/\/$/, '').split('/');

  return async function keywardManagement(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const mounted = matchBase(base, url.pathname);
    if (mounted === null) return notFound();
    // HEAD is GET without the body, as Express, Hono and Fastify answer it.
    const head = request.method === 'HEAD';
    if (mounted.rest === OPENAPI_PATH && (head || request.method === 'GET')) {
      // The API's own description, as Hono and Express serve it: no actor needed, it holds no data.
      const document = toResponse(api.openApi(url.pathname.slice(0, -OPENAPI_PATH.length)));
      return head ? new Response(null, { status: document.status, headers: document.headers }) : document;
    }
    const match = matchRoute(api.routes, head ? 'GET' : request.method, mounted.rest);
    if (match.kind === 'not-found') return notFound();
    if (match.kind === 'method-not-allowed') return methodNotAllowed(match.allow);
    const headers = fetchManagementHeaders(request);
    // A change from another site, or one a form could send, is refused before its body is read.
    const refused = api.admit(match.route, headers);
    if (refused !== undefined) return toResponse(refused);
    let body: unknown;
    if (match.route.body) {
      let read;
      try {
        read = await readJsonBody(request);
      } catch {
        // The client went away or sent a broken stream: nothing was parsed, nothing is done.
        read = { ok: false as const, response: BODY_RESPONSES.invalidJson };
      }
      if (!read.ok) return toResponse(read.response);
      body = read.value;
    }
    // The client's IP is not part of a fetch Request: the audit trail gets the User-Agent only.
    const parts = { body, query: queryOf(url), params: match.params, headers, client: { userAgent: request.headers.get('user-agent') ?? undefined } };
    const response = toResponse(await api.handle(match.route, { request, params: mounted.params }, parts));
    return head ? new Response(null, { status: response.status, headers: response.headers }) : response;
  };
}
