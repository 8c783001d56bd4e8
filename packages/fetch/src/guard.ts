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
export interface FetchGuardOptions<P = RouteParams> extends Omit<GuardOptions<unknown>, 'project' | 'organization' | 'refusalContext'> {
  /** The project the route belongs to, e.g. `(request, params) => params.projectId`. */
  project?: FetchIdReader<P> | undefined;
  /** The organization the route belongs to. Project tokens are refused on organization routes. */
  organization?: FetchIdReader<P> | undefined;
  /** The host's own data about a refused request, e.g. `(request) => request.headers.get('cf-connecting-ip')`. Called only on refusals. */
  refusalContext?: ((request: Request, params: P) => unknown) | undefined;
}

/** The token a guard hands on: possibly undefined only for `optional: true` guards. */
export type FetchGuardToken<Optional extends boolean = false> = Optional extends true ? TokenInfo | undefined : TokenInfo;

/**
 * Either the verified token (undefined after an optional guard let a request without credentials
 * through), with `headers` for the answer when the token has a rate limit or credits
 * (`RateLimit-Policy`, `RateLimit`; `withToken` sets them itself), or the refusal to return as is.
 */
export type FetchGuardResult<Optional extends boolean = false> =
  | { ok: true; token: FetchGuardToken<Optional>; headers?: Readonly<Record<string, string>> }
  | { ok: false; response: Response };

/** A route handler as Next.js, Bun.serve, Deno.serve and Workers call it: the request, then one context argument. */
export type FetchHandler<C> = (request: Request, context: C) => Promise<Response>;

/** The guard `createFetchGuard()` returns. */
export interface FetchGuard<P = RouteParams, Optional extends boolean = false> {
  /**
   * Checks the request's token for the route. Never rejects for a client's or a store's fault:
   * refusals (400, 401, 403, and 500 or 503 when the store fails) come back as `{ ok: false, response }`.
   */
  (request: Request, params?: P): Promise<FetchGuardResult<Optional>>;
  /**
   * Wraps a handler so it only runs with a verified token. Route parameters are read from
   * `context.params` (awaited when it is a promise, as in Next.js 15+).
   */
  withToken<C = { params?: P | Promise<P> }>(
    handler: (request: Request, token: FetchGuardToken<Optional>, context: C) => Response | Promise<Response>,
  ): FetchHandler<C>;
}

interface FetchCtx<P> {
  request: Request;
  params: P;
}

const NO_PARAMS = Object.freeze({});

/** The handler's response with the guard's headers added (unless the handler set them); a copy when its headers are immutable. */
function withHeaders(response: Response, headers: Readonly<Record<string, string>>): Response {
  let target = response;
  for (const [name, value] of Object.entries(headers)) {
    if (target.headers.has(name)) continue;
    try {
      target.headers.set(name, value);
    } catch {
      // A Response from fetch() has immutable headers: answer with a copy that can take them.
      target = new Response(target.body, target);
      target.headers.set(name, value);
    }
  }
  return target;
}

/** A reader of `(request, params)` as createGuard's one-argument reader; anything else goes on to be refused there. */
function adapt<P, R>(reader: ((request: Request, params: P) => R) | undefined): ((ctx: FetchCtx<P>) => R) | undefined {
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
 * @example
 * // optional: no credentials → the handler runs with token undefined; bad ones are still refused.
 * export const GET = createFetchGuard({ keyward, optional: true }).withToken(async (request, token) => Response.json({ signedIn: token !== undefined }));
 */
export function createFetchGuard<P = RouteParams, Optional extends boolean = false>(
  options: FetchGuardOptions<P> & { optional?: Optional | undefined },
): FetchGuard<P, Optional> {
  const adapted =
    options && typeof options === 'object'
      ? {
          ...options,
          project: adapt(options.project),
          organization: adapt(options.organization),
          refusalContext: adapt(options.refusalContext),
        }
      : (options as never);
  const guard = createGuard<FetchCtx<P>>(adapted, 'createFetchGuard');
  const { keyward, header } = guard;
  const conclude = (result: AuthenticateResult<boolean>): FetchGuardResult<Optional> =>
    result.ok ? (result as FetchGuardResult<Optional>) : { ok: false, response: toResponse(result.response) };

  async function fetchGuard(request: Request, params?: P): Promise<FetchGuardResult<Optional>> {
    if (typeof request?.headers?.get !== 'function') throw new TypeError('createFetchGuard(): the guard takes a fetch Request as its first argument');
    const credentials = {
      // Headers joins a repeated header with ", ", which the parser refuses as several credentials.
      authorization: request.headers.get('authorization'),
      apiKey: header === undefined ? undefined : request.headers.get(header),
    };
    const ctx: FetchCtx<P> = { request, params: params ?? (NO_PARAMS as P) };
    return conclude(await authenticate(keyward, credentials, guard.target(ctx), guard, ctx));
  }

  return Object.assign(fetchGuard, {
    withToken<C>(handler: (request: Request, token: FetchGuardToken<Optional>, context: C) => Response | Promise<Response>): FetchHandler<C> {
      if (typeof handler !== 'function') throw new TypeError('withToken(handler): handler must be a function (request, token, context) => Response');
      return async function withToken(request: Request, context: C): Promise<Response> {
        const result = await fetchGuard(request, await paramsOf<P>(context));
        if (!result.ok) return result.response;
        const response = await handler(request, result.token, context);
        return result.headers === undefined ? response : withHeaders(response, result.headers);
      };
    },
  });
}
