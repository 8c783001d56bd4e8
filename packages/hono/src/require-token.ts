import type { TokenInfo } from '@keyward/core';
import { authenticate, createGuard, incomingHeaderValue, type AuthenticateResult, type GuardOptions, type IncomingHeaders } from '@keyward/core/http';
import type { Context, MiddlewareHandler, Next } from 'hono';
import { send } from './send.js';

// No global `ContextVariableMap` augmentation: it would type `c.get('apiToken')` on every route,
// guarded or not. The variable is typed through the middleware's Env, so only routes that run
// requireToken() see it.

/** The variables `requireToken()` adds to the context of the routes it guards. */
export type ApiTokenEnv = { Variables: { apiToken: TokenInfo } };

/** The variables `requireToken({ optional: true })` adds: the token is undefined when the request carried no credentials. */
export type OptionalApiTokenEnv = { Variables: { apiToken: TokenInfo | undefined } };

/**
 * The Node request behind `c` on @hono/node-server (its `env.incoming`), or undefined elsewhere.
 * Reading headers there skips building a fetch `Headers` object for the whole request, which
 * costs more than verifying the token; the joining rules are the same as `c.req.header()`'s.
 */
function nodeRequest(c: Context): IncomingHeaders | undefined {
  const incoming = (c.env as { incoming?: Partial<IncomingHeaders> } | undefined)?.incoming;
  return incoming !== undefined && typeof incoming.headers === 'object' && incoming.headers !== null && Array.isArray(incoming.rawHeaders)
    ? (incoming as IncomingHeaders)
    : undefined;
}

/**
 * Options of `requireToken()`. `project` and `organization` read ids from the route, e.g.
 * `(c) => c.req.param('projectId')`.
 */
export type RequireTokenOptions = GuardOptions<Context>;

/**
 * A middleware that lets a request through only with a valid API token for the route, and
 * exposes it as `c.get('apiToken')`, typed on the routes it guards (and only there). Options are checked here, once: bad ones throw ConfigurationError.
 * Refusals are RFC 9457 problems with a `WWW-Authenticate` challenge; a store outage answers 503.
 * With `optional: true`, a request without credentials goes on and `c.get('apiToken')` is typed
 * `TokenInfo | undefined`; `onRefusal`, `refusalContext` and `formatRefusal` observe and reshape refusals.
 * @example
 * app.get('/projects/:projectId/builds', requireToken({ keyward, project: (c) => c.req.param('projectId') }), (c) =>
 *   c.json({ by: c.get('apiToken').name }),
 * );
 * @example
 * app.get('/feed', requireToken({ keyward, optional: true }), (c) => c.json({ signedIn: c.get('apiToken') !== undefined }));
 */
export function requireToken(options: RequireTokenOptions & { optional: true }): MiddlewareHandler<OptionalApiTokenEnv>;
/**
 * A required guard: `c.get('apiToken')` is a `TokenInfo` on the routes it guards.
 * @example
 * app.get('/builds', requireToken({ keyward }), (c) => c.json({ by: c.get('apiToken').name }));
 */
export function requireToken(options: RequireTokenOptions & { optional?: false | undefined }): MiddlewareHandler<ApiTokenEnv>;
/**
 * Options whose `optional` is only known as a boolean: the token is typed possibly undefined.
 * @example
 * app.get('/feed', requireToken({ keyward, optional: process.env.PUBLIC_FEED === '1' }), (c) => c.json({ id: c.get('apiToken')?.id }));
 */
export function requireToken(options: RequireTokenOptions): MiddlewareHandler<OptionalApiTokenEnv>;
/**
 * The implementation behind the typed signatures above.
 * @example
 * const guard = requireToken({ keyward, project: (c) => c.req.param('projectId') });
 */
export function requireToken(options: RequireTokenOptions): MiddlewareHandler<OptionalApiTokenEnv> | MiddlewareHandler<ApiTokenEnv> {
  const guard = createGuard<Context>(options, 'requireToken');
  const { keyward, header } = guard;
  const proceed = (c: Context<OptionalApiTokenEnv>, next: Next, result: AuthenticateResult<boolean>): Promise<Response | void> => {
    if (!result.ok) return Promise.resolve(send(c, result.response));
    // An optional guard without credentials sets nothing: c.get('apiToken') is undefined.
    if (result.token !== undefined) c.set('apiToken', result.token);
    // A token with a rate limit or credits: RateLimit fields on the answer, so clients can pace themselves.
    if (result.headers !== undefined) for (const [name, value] of Object.entries(result.headers)) c.header(name, value);
    return next();
  };
  // Not async, and next()'s promise is handed back rather than awaited: on a synchronous store
  // (memory, SQLite) the request reaches the handler without waiting for a microtask.
  return function requireToken(c: Context<OptionalApiTokenEnv>, next: Next) {
    const incoming = nodeRequest(c);
    const credentials = incoming
      ? { authorization: incomingHeaderValue(incoming, 'authorization'), apiKey: header === undefined ? undefined : incomingHeaderValue(incoming, header) }
      : { authorization: c.req.header('authorization'), apiKey: header === undefined ? undefined : c.req.header(header) };
    const result = authenticate(keyward, credentials, guard.target(c), guard, c);
    return result instanceof Promise ? result.then((answer) => proceed(c, next, answer)) : proceed(c, next, result);
  };
}
