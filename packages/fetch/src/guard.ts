import type { TokenInfo } from '@keyward/core';
import { authenticate, createGuard, type AuthenticateResult, type GuardOptions } from '@keyward/core/http';
import { toResponse } from './respond.js';

/** Route parameters as routers hand them over (Next.js `params`, React Router `params`…). */
export type RouteParams = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Reads an id for the route from the request and its route parameters, e.g.
 * `(request, params) => params.projectId`. Anything but a non-empty string is refused (403).
 */
export type FetchIdReader<P> = (request: Request, params: P) => string | readonly string[] | null | undefined;

/** Options of `createFetchGuard()`: those of every `requireToken()`, with readers that take `(request, params)`. */
export interface FetchGuardOptions<P = RouteParams> extends Omit<GuardOptions<unknown>, 'project' | 'organization'> {
  /** The project the route belongs to, e.g. `(request, params) => params.projectId`. */
  project?: FetchIdReader<P> | undefined;
  /** The organization the route belongs to. Project tokens are refused on organization routes. */
  organization?: FetchIdReader<P> | undefined;
}

/** Either the verified token, or the refusal to return as is. */
export type FetchGuardResult = { ok: true; token: TokenInfo } | { ok: false; response: Response };

/** A route handler as Next.js, Bun.serve, Deno.serve and Workers call it: the request, then one context argument. */
export type FetchHandler<C> = (request: Request, context: C) => Promise<Response>;

/** The guard `createFetchGuard()` returns. */
export interface FetchGuard<P = RouteParams> {
  /**
   * Checks the request's token for the route. Never rejects for a client's or a store's fault:
   * refusals (400, 401, 403, and 500 or 503 when the store fails) come back as `{ ok: false, response }`.
   */
  (request: Request, params?: P): Promise<FetchGuardResult>;
  /**
   * Wraps a handler so it only runs with a verified token. Route parameters are read from
   * `context.params` (awaited when it is a promise, as in Next.js 15+).
   */
  withToken<C = { params?: P | Promise<P> }>(
    handler: (request: Request, token: TokenInfo, context: C) => Response | Promise<Response>,
  ): FetchHandler<C>;
}

interface FetchCtx<P> {
  request: Request;
  params: P;
}

const NO_PARAMS = Object.freeze({});

/** A reader of `(request, params)` as createGuard's one-argument reader; anything else goes on to be refused there. */
function adapt<P>(reader: FetchIdReader<P> | undefined): GuardOptions<FetchCtx<P>>['project'] {
  if (typeof reader !== 'function') return reader;
  return (ctx) => reader(ctx.request, ctx.params);
}

async function paramsOf<P>(context: unknown): Promise<P | undefined> {
  const params = (context as { params?: unknown } | null | undefined)?.params;
  return (await params) as P | undefined;
}

/**
 * A route guard for any fetch-standard server: Next.js route handlers, React Router / Remix
 * loaders, SvelteKit endpoints, `Bun.serve`, `Deno.serve`, Cloudflare Workers. Options are checked
 * here, once: bad ones throw ConfigurationError. Answers exactly as `@keyward/express` and
 * `@keyward/hono` do (RFC 9457 problems, `WWW-Authenticate` challenges, 503 when the store is down).
 * @example
 * const guard = createFetchGuard({ keyward, project: (_request, params) => params.projectId });
 * export const GET = guard.withToken(async (request, token) => Response.json({ calledBy: token.name }));
 * @example
 * const result = await guard(request, { projectId: 'proj_1' });
 * if (!result.ok) return result.response;
 */
export function createFetchGuard<P = RouteParams>(options: FetchGuardOptions<P>): FetchGuard<P> {
  const adapted =
    options && typeof options === 'object'
      ? { ...options, project: adapt(options.project), organization: adapt(options.organization) }
      : (options as never);
  const guard = createGuard<FetchCtx<P>>(adapted, 'createFetchGuard');
  const { keyward, header } = guard;
  const conclude = (result: AuthenticateResult): FetchGuardResult => (result.ok ? result : { ok: false, response: toResponse(result.response) });

  async function fetchGuard(request: Request, params?: P): Promise<FetchGuardResult> {
    if (typeof request?.headers?.get !== 'function') throw new TypeError('createFetchGuard(): the guard takes a fetch Request as its first argument');
    const credentials = {
      // Headers joins a repeated header with ", ", which the parser refuses as several credentials.
      authorization: request.headers.get('authorization'),
      apiKey: header === undefined ? undefined : request.headers.get(header),
    };
    return conclude(await authenticate(keyward, credentials, guard.target({ request, params: params ?? (NO_PARAMS as P) }), guard));
  }

  return Object.assign(fetchGuard, {
    withToken<C>(handler: (request: Request, token: TokenInfo, context: C) => Response | Promise<Response>): FetchHandler<C> {
      if (typeof handler !== 'function') throw new TypeError('withToken(handler): handler must be a function (request, token, context) => Response');
      return async function withToken(request: Request, context: C): Promise<Response> {
        const result = await fetchGuard(request, await paramsOf<P>(context));
        return result.ok ? handler(request, result.token, context) : result.response;
      };
    },
  });
}
