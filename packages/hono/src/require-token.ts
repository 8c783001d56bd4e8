import type { TokenInfo } from '@keyward/core';
import { authenticate, createGuard, incomingHeaderValue, type AuthenticateResult, type GuardOptions, type IncomingHeaders } from '@keyward/core/http';
import type { Context, MiddlewareHandler, Next } from 'hono';
import { send } from './send.js';

// No global `ContextVariableMap` augmentation: it would type `c.get('apiToken')` on every route,
// guarded or not. The variable is typed through the middleware's Env, so only routes that run
// requireToken() see it.

/** The variables `requireToken()` adds to the context of the routes it guards. */
export type ApiTokenEnv = { Variables: { apiToken: TokenInfo } };

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
 * @example
 * app.get('/projects/:projectId/builds', requireToken({ keyward, project: (c) => c.req.param('projectId') }), (c) =>
 *   c.json({ by: c.get('apiToken').name }),
 * );
 */
export function requireToken(options: RequireTokenOptions): MiddlewareHandler<ApiTokenEnv> {
  const guard = createGuard<Context>(options, 'requireToken');
  const { keyward, header } = guard;
  const proceed = (c: Context<ApiTokenEnv>, next: Next, result: AuthenticateResult): Promise<Response | void> => {
    if (!result.ok) return Promise.resolve(send(c, result.response));
    c.set('apiToken', result.token);
    return next();
  };
  // Not async, and next()'s promise is handed back rather than awaited: on a synchronous store
  // (memory, SQLite) the request reaches the handler without waiting for a microtask.
  return function requireToken(c, next) {
    const incoming = nodeRequest(c);
    const credentials = incoming
      ? { authorization: incomingHeaderValue(incoming, 'authorization'), apiKey: header === undefined ? undefined : incomingHeaderValue(incoming, header) }
      : { authorization: c.req.header('authorization'), apiKey: header === undefined ? undefined : c.req.header(header) };
    const result = authenticate(keyward, credentials, guard.target(c), guard);
    return result instanceof Promise ? result.then((answer) => proceed(c, next, answer)) : proceed(c, next, result);
  };
}
