import { deepFreeze } from '../deep-freeze.js';
import type { ProblemCode } from './problem-codes.js';

/** Every status keyward's HTTP helpers answer with; a union so framework glue needs no casts. */
export type HttpStatus = 200 | 201 | 204 | 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 501 | 503;

/**
 * A framework-free HTTP answer. Glue code writes `status`, every header as given, and
 * `JSON.stringify(body)` unless `body` is undefined (then no body at all, e.g. 204).
 */
export interface HttpResponse {
  readonly status: HttpStatus;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/**
 * An RFC 9457 problem. `type` is `about:blank`, so `title` is the status phrase; `code` is the
 * stable UPPER_SNAKE value clients branch on, `detail` is for humans.
 */
export interface ProblemDetails {
  type: 'about:blank';
  title: string;
  status: HttpStatus;
  code: ProblemCode;
  detail: string;
  [extension: string]: unknown;
}

/**
 * The headers of every keyward answer. Token answers are about secrets and per client: no cache
 * may keep any of them (`no-store`). And each says exactly what it is: no browser may guess
 * another type from the body (`nosniff`), e.g. run a problem whose detail echoes input as a script.
 */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });

/** Content-Type of every refusal and error (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
/** Content-Type of successful management answers. */
export const JSON_CONTENT_TYPE = 'application/json';

const TITLES: Record<HttpStatus, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/**
 * Builds a problem response. Extra headers are merged over the problem Content-Type and `nosniff`.
 * @example
 * problemResponse(404, 'TOKEN_NOT_FOUND', 'no token with id "tok_1"', { ids: ['tok_1'] })
 */
export function problemResponse(
  status: HttpStatus,
  code: ProblemCode,
  detail: string,
  extensions?: Record<string, unknown>,
  headers?: Record<string, string>,
): HttpResponse {
  const body: ProblemDetails = { type: 'about:blank', title: TITLES[status], status, code, detail, ...extensions };
  return { status, headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'x-content-type-options': 'nosniff', ...headers }, body };
}

/**
 * Freezes a response and everything in it, for responses built once and shared by every request.
 * @example const denied = frozenResponse(problemResponse(403, 'FORBIDDEN', 'no'));
 */
export function frozenResponse(response: HttpResponse): HttpResponse {
  return deepFreeze(response);
}

/**
 * The body as it goes on the wire, or null for a response without one.
 * @example responseText({ status: 204, headers: {} }) // null
 */
export function responseText(response: HttpResponse): string | null {
  return response.body === undefined ? null : JSON.stringify(response.body);
}
