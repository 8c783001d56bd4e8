import type { TokenInfo } from '@keyward/core';
import { authenticate, createGuard, incomingHeaderValue, type AuthenticateResult, type GuardOptions } from '@keyward/core/http';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { send } from './send.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The verified API token, set by the `requireToken()` hook. Possibly undefined: Fastify
     * cannot tell which hooks ran before a handler, and `requireToken({ optional: true })` lets
     * requests without credentials through; `getApiToken(request)` returns it non-optional.
     */
    apiToken?: TokenInfo | undefined;
  }
}

/**
 * Options of `requireToken()`. `project` and `organization` read ids from the route, e.g.
 * `(request) => (request.params as { projectId: string }).projectId`.
 */
export type RequireTokenOptions = GuardOptions<FastifyRequest>;

/** A hook usable as `onRequest` (cheapest: before the body is read) or `preHandler`. */
export type RequireTokenHook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;

/**
 * A hook that lets a request through only with a valid API token for the route, and exposes it
 * as `request.apiToken`. Options are checked here, once: bad ones throw ConfigurationError.
 * Refusals are RFC 9457 problems with a `WWW-Authenticate` challenge; a store outage answers 503.
 * Route parameters are already parsed in `onRequest`, so that is the hook to use.
 * `optional: true` lets a request without credentials through with `request.apiToken` unset;
 * `onRefusal`, `refusalContext` and `formatRefusal` observe and reshape refusals.
 * @example
 * app.get('/projects/:projectId/builds', {
 *   onRequest: requireToken({ keyward, project: (request) => (request.params as { projectId: string }).projectId }),
 * }, async (request) => ({ by: getApiToken(request).name }));
 */
export function requireToken(options: RequireTokenOptions): RequireTokenHook {
  const guard = createGuard<FastifyRequest>(options, 'requireToken');
  const { keyward, header } = guard;
  const proceed = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, result: AuthenticateResult<boolean>): void => {
    // A hook that answers must not call done(): Fastify would run the handler as well.
    if (!result.ok) {
      send(reply, result.response);
      return;
    }
    // An optional guard without credentials passes no token: request.apiToken stays unset.
    if (result.token !== undefined) request.apiToken = result.token;
    // A token with a rate limit or credits: RateLimit fields on the answer, so clients can pace themselves.
    if (result.headers !== undefined) reply.headers(result.headers);
    done();
  };
  // Callback style, not async: on a synchronous store (memory, SQLite) the request goes on without a microtask.
  return function requireToken(request, reply, done) {
    // From the raw request, so a header repeated on two lines is seen as two credentials (refused).
    const credentials = {
      authorization: incomingHeaderValue(request.raw, 'authorization'),
      apiKey: header === undefined ? undefined : incomingHeaderValue(request.raw, header),
    };
    const result = authenticate(keyward, credentials, guard.target(request), guard, request);
    if (result instanceof Promise) void result.then((answer) => proceed(request, reply, done, answer));
    else proceed(request, reply, done, result);
  };
}

/**
 * The API token `requireToken()` verified for this request, typed non-optional.
 * Throws when the route has no `requireToken()` hook: that is a wiring bug, not a client error.
 * @example
 * app.get('/me', { onRequest: requireToken({ keyward }) }, async (request) => ({ token: getApiToken(request).name }));
 */
export function getApiToken(request: FastifyRequest): TokenInfo {
  if (request.apiToken === undefined || request.apiToken === null) {
    throw new Error('getApiToken(request): this request has no API token; add requireToken() as an onRequest or preHandler hook of this route');
  }
  return request.apiToken;
}
