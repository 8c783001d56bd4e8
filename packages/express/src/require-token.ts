import type { TokenInfo } from '@keyward/core';
import { authenticate, createGuard, type AuthenticateResult, type GuardOptions } from '@keyward/core/http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { headerValue } from './headers.js';
import { send } from './send.js';

declare global {
  // Express's own extension point: augmenting it types `req.apiToken` on every Request.
  namespace Express {
    interface Request {
      /**
       * The verified API token, set by `requireToken()`. Optional because Express cannot know
       * which middleware ran before a handler, and unset after `requireToken({ optional: true })`
       * on a request without credentials; `getApiToken(req)` returns it non-optional.
       */
      apiToken?: TokenInfo;
    }
  }
}

/**
 * Options of `requireToken()`. `project` and `organization` read ids from the route, e.g.
 * `(req) => req.params.projectId`.
 */
export type RequireTokenOptions = GuardOptions<Request>;

/**
 * A middleware that lets a request through only with a valid API token for the route, and
 * exposes it as `req.apiToken`. Options are checked here, once: bad ones throw ConfigurationError.
 * Refusals are RFC 9457 problems with a `WWW-Authenticate` challenge; a store outage answers 503.
 * `optional: true` lets a request without credentials through with `req.apiToken` unset;
 * `onRefusal`, `refusalContext` and `formatRefusal` observe and reshape refusals.
 * @example
 * app.get('/projects/:projectId/builds', requireToken({ keyward, project: (req) => req.params.projectId }), (req, res) => {
 *   res.json({ by: getApiToken(req).name });
 * });
 */
export function requireToken(options: RequireTokenOptions): RequestHandler {
  const guard = createGuard<Request>(options, 'requireToken');
  const { keyward, header } = guard;
  const proceed = (req: Request, res: Response, next: NextFunction, result: AuthenticateResult<boolean>): void => {
    if (!result.ok) return send(res, result.response);
    // An optional guard without credentials passes no token: req.apiToken stays unset.
    if (result.token !== undefined) req.apiToken = result.token;
    // A token with a rate limit or credits: RateLimit fields on the answer, so clients can pace themselves.
    if (result.headers !== undefined) res.set(result.headers);
    next();
  };
  // Not async: on a synchronous store (memory, SQLite) the request goes on without waiting a microtask.
  // authenticate() never rejects, so the promise branch needs no catch of its own.
  return function requireToken(req: Request, res: Response, next: NextFunction): void | Promise<void> {
    const credentials = {
      authorization: headerValue(req, 'authorization'),
      apiKey: header === undefined ? undefined : headerValue(req, header),
    };
    const result = authenticate(keyward, credentials, guard.target(req), guard, req);
    if (result instanceof Promise) return result.then((answer) => proceed(req, res, next, answer));
    proceed(req, res, next, result);
  };
}

/**
 * The API token `requireToken()` verified for this request, typed non-optional.
 * Throws when the route has no `requireToken()` before it: that is a wiring bug, not a client error.
 * @example
 * app.get('/me', requireToken({ keyward }), (req, res) => res.json({ token: getApiToken(req).name }));
 */
export function getApiToken(req: Request): TokenInfo {
  if (req.apiToken === undefined) {
    throw new Error('getApiToken(req): this request has no API token; mount requireToken() before this handler');
  }
  return req.apiToken;
}
