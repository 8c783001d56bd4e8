import type { RouteTarget } from '../policy.js';
import type { MalformedReason } from './credentials.js';
import type { RefusalCode } from './problem-codes.js';
import type { HttpResponse, HttpStatus } from './response.js';

/**
 * A request a route guard refused, as `onRefusal` and `formatRefusal` see it. Never holds the
 * plaintext token: at most its display hint (`kw_4fT0`, the 24 bits every token list shows).
 */
export interface Refusal {
  readonly code: RefusalCode;
  readonly status: HttpStatus;
  /** Why the credentials were unreadable, for `INVALID_REQUEST`. */
  readonly reason?: MalformedReason | undefined;
  /** The token's display hint, once the credentials held a well-formed token (not for `INVALID_REQUEST`). */
  readonly tokenHint?: string | undefined;
  /** The token's id, when verification found the token and its answer carries the id. */
  readonly tokenId?: string | undefined;
  /** What the route belongs to, or null when its id could not be read (a misconfigured route). */
  readonly target: RouteTarget | null;
  /** What the guard's `refusalContext(request)` returned (e.g. the client IP); undefined without one. */
  readonly context: unknown;
  /** The answer the guard gives unless `formatRefusal` changes it. */
  readonly response: HttpResponse;
}

/**
 * What `formatRefusal` returns: laid over the guard's own answer. An omitted `status` keeps the
 * refusal's; `headers` are merged over the guard's (so `WWW-Authenticate`, `Retry-After` and
 * `Cache-Control: no-store` stay unless replaced); a `body` (even `undefined`, for none) replaces
 * the problem body and, unless `headers` set one, its Content-Type becomes `application/json`.
 */
export interface RefusalAnswer {
  /** A 4xx or 5xx status: a refusal stays a refusal. */
  status?: HttpStatus | undefined;
  headers?: Readonly<Record<string, string>> | undefined;
  /** Sent as JSON; `undefined` sends no body. */
  body?: unknown;
}

/** The refusal options of a route guard, validated by `createGuard()`. */
export interface RefusalHooks {
  /** Told about every refusal; must not throw (a throw goes to onError and changes nothing). */
  readonly onRefusal?: ((refusal: Refusal) => void) | undefined;
  /** Replaces the answer to a refusal; a throw or an unusable answer goes to onError and the guard's own answer is sent. */
  readonly formatRefusal?: ((refusal: Refusal) => RefusalAnswer) | undefined;
  /** Reads the host's context for a refusal from the framework's request; called only on refusals. */
  readonly refusalContext?: ((request: never) => unknown) | undefined;
  readonly onError?: ((error: unknown) => void) | undefined;
}

/** What authenticate knows about a refused request, besides the answer. */
export interface RefusalFacts {
  reason?: MalformedReason | undefined;
  tokenHint?: string | undefined;
  tokenId?: string | undefined;
}

function report(onError: ((error: unknown) => void) | undefined, error: unknown): void {
  try {
    onError?.(error);
  } catch {
    // A broken error hook must not turn a refusal into an exception either.
  }
}

// What every server accepts in a header: writing anything else would throw inside the framework.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

function isStatus(value: unknown): value is HttpStatus {
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599;
}

/** The host's answer over the guard's, or why it cannot be sent (reported to onError). */
function overlay(response: HttpResponse, answer: RefusalAnswer): HttpResponse | string {
  if (answer === null || typeof answer !== 'object') return 'formatRefusal must return an object { status?, headers?, body? }';
  const status = answer.status ?? response.status;
  if (!isStatus(status)) return `formatRefusal returned status ${JSON.stringify(answer.status)}; a refusal answers with a 4xx or 5xx status`;
  const headers: Record<string, string> = { ...response.headers };
  const hasBody = 'body' in answer;
  if (hasBody) {
    if (answer.body === undefined) delete headers['content-type'];
    else headers['content-type'] = 'application/json';
  }
  if (answer.headers !== undefined) {
    if (answer.headers === null || typeof answer.headers !== 'object') return 'formatRefusal returned headers that are not an object';
    for (const name of Object.keys(answer.headers)) {
      const value = answer.headers[name];
      if (!HEADER_NAME.test(name)) return `formatRefusal returned ${JSON.stringify(name)}, which is not an HTTP header name`;
      if (typeof value !== 'string' || !HEADER_VALUE.test(value)) {
        return `formatRefusal returned header ${JSON.stringify(name)} with a value that is not a string without control characters`;
      }
      headers[name.toLowerCase()] = value;
    }
  }
  if (hasBody) {
    if (answer.body !== undefined && JSON.stringify(answer.body) === undefined) return 'formatRefusal returned a body JSON cannot write';
    return { status, headers, body: answer.body };
  }
  return { status, headers, body: response.body };
}

/**
 * Builds the refusal, tells `onRefusal` and lets `formatRefusal` answer. Only called on a refused
 * request of a guard that has one of the hooks, so a guard without them pays nothing. Never throws:
 * a hook's throw or an unusable answer goes to onError and the guard's own answer is sent.
 * @example
 * const response = refusalResponse(guardResponses('api').missing, { onRefusal: console.log }, {}, {}, req);
 */
export function refusalResponse(response: HttpResponse, hooks: RefusalHooks, facts: RefusalFacts, target: RouteTarget | null, request: unknown): HttpResponse {
  let context: unknown;
  if (hooks.refusalContext !== undefined) {
    try {
      context = hooks.refusalContext(request as never);
    } catch (error) {
      report(hooks.onError, error);
    }
  }
  const body = response.body as { code?: unknown } | undefined;
  const refusal: Refusal = Object.freeze({
    code: (body?.code ?? 'INTERNAL_ERROR') as RefusalCode,
    status: response.status,
    reason: facts.reason,
    tokenHint: facts.tokenHint,
    tokenId: facts.tokenId,
    target,
    context,
    response,
  });
  if (hooks.onRefusal !== undefined) {
    try {
      hooks.onRefusal(refusal);
    } catch (error) {
      report(hooks.onError, error);
    }
  }
  if (hooks.formatRefusal === undefined) return response;
  try {
    const answer = overlay(response, hooks.formatRefusal(refusal));
    if (typeof answer !== 'string') return answer;
    report(hooks.onError, new TypeError(answer));
  } catch (error) {
    report(hooks.onError, error);
  }
  return response;
}
