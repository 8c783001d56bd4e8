import { ConfigurationError } from '../errors.js';
import type { LimitsState } from '../verify.js';
import { MAX_CREDENTIALS_LENGTH, type MalformedReason } from './credentials.js';
import { limitHeaders, retryAfter } from './limit-headers.js';
import { NO_STORE_HEADERS, frozenResponse, problemResponse, type HttpResponse } from './response.js';

/** The `WWW-Authenticate` realm when `requireToken()` is given none. */
export const DEFAULT_REALM = 'api';

/** Every refusal a route guard can answer, built once per guard and shared by its requests. */
export interface GuardResponses {
  /** 401, no `error` attribute (RFC 6750 §3.1: the client sent nothing to judge). */
  readonly missing: HttpResponse;
  /** 400 `invalid_request`, one per reason. */
  readonly malformed: Readonly<Record<MalformedReason, HttpResponse>>;
  /** 401 `invalid_token`: unknown, deleted or malformed token, deliberately indistinguishable. */
  readonly invalidToken: HttpResponse;
  /** 401 `invalid_token` with code TOKEN_EXPIRED, so clients can tell users to create a new one. */
  readonly expired: HttpResponse;
  /** 403 `insufficient_scope`: a real token, for another organization or project. */
  readonly insufficientScope: HttpResponse;
  /**
   * 403 `insufficient_scope` with `scope="<missing names>"` (RFC 6750 §3) and code
   * MISSING_PERMISSIONS: a token in scope that lacks permissions the route requires.
   */
  missingPermissions(missing: readonly string[]): HttpResponse;
  /** 401 `invalid_token` with code TOKEN_DISABLED: a paused token, kept but refused until resumed. */
  readonly disabled: HttpResponse;
  /**
   * 429 for a token over its rate limit (RATE_LIMITED) or out of credits (USAGE_EXHAUSTED), with
   * `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers-10) and `Retry-After`
   * when a wait helps (`retryAfterMs`; for credits only when a refill is due). Built per request:
   * the numbers change every time.
   */
  tooManyRequests(code: 'RATE_LIMITED' | 'USAGE_EXHAUSTED', limits: LimitsState | undefined, retryAfterMs: number | undefined): HttpResponse;
}

// RFC 7230 §3.2.6 qdtext without obs-text (which senders must not generate): tab, space and
// visible ASCII except `"` and `\`. Anything else breaks the header's syntax, or cannot be written
// at all (Node throws ERR_INVALID_CHAR beyond Latin-1, on every refusal, long after startup).
const QDTEXT = /^[\t\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const TOO_MANY_DETAIL = {
  RATE_LIMITED: 'The API token has made too many requests; retry after the time in Retry-After.',
  USAGE_EXHAUSTED: 'The API token has used up its credits.',
} as const;

/**
 * Throws ConfigurationError unless `realm` can sit inside a quoted-string as is.
 * @example assertValidRealm('api') // ok
 */
export function assertValidRealm(realm: unknown): asserts realm is string {
  if (typeof realm !== 'string' || realm.length > 256 || !QDTEXT.test(realm)) {
    throw new ConfigurationError(
      `realm must be at most 256 characters of visible ASCII, spaces or tabs, without quotes or backslashes (it is written inside WWW-Authenticate's quoted-string), got ${JSON.stringify(realm)}`,
    );
  }
}

/**
 * Builds the guard's refusals for a realm. `header` is the extra token header, named in messages.
 * @example
 * const responses = guardResponses('api', 'x-api-key');
 * responses.expired.headers['www-authenticate'] // 'Bearer realm="api", error="invalid_token"'
 */
export function guardResponses(realm: string = DEFAULT_REALM, header?: string): GuardResponses {
  assertValidRealm(realm);
  const challenge = (error?: string) => ({
    'www-authenticate': error ? `Bearer realm="${realm}", error="${error}"` : `Bearer realm="${realm}"`,
    // Refusals depend on credentials; a shared cache must never replay one for another client.
    ...NO_STORE_HEADERS,
  });
  const how = header ? `"Authorization: Bearer <token>" or "${header}: <token>"` : '"Authorization: Bearer <token>"';
  const malformed = (reason: MalformedReason, detail: string) =>
    frozenResponse(problemResponse(400, 'INVALID_REQUEST', detail, { reason }, challenge('invalid_request')));

  // A route requires few permissions, so few distinct answers exist: build each once.
  const byMissing = new Map<string, HttpResponse>();
  const missingPermissions = (missing: readonly string[]): HttpResponse => {
    const names = missing.join(' ');
    let response = byMissing.get(names);
    if (!response) {
      const headers = { ...challenge('insufficient_scope'), 'www-authenticate': `Bearer realm="${realm}", error="insufficient_scope", scope="${names}"` };
      const detail = `The API token lacks the permission${missing.length > 1 ? 's' : ''} this endpoint requires: ${missing.join(', ')}.`;
      response = frozenResponse(problemResponse(403, 'MISSING_PERMISSIONS', detail, { missingPermissions: [...missing] }, headers));
      if (byMissing.size < 256) byMissing.set(names, response);
    }
    return response;
  };

  const tooManyRequests = (code: 'RATE_LIMITED' | 'USAGE_EXHAUSTED', limits: LimitsState | undefined, retryAfterMs: number | undefined): HttpResponse => {
    const headers: Record<string, string> = { ...NO_STORE_HEADERS, ...(limits && limitHeaders(limits)) };
    if (retryAfterMs !== undefined) headers['retry-after'] = retryAfter(retryAfterMs);
    const detail = code === 'USAGE_EXHAUSTED' && retryAfterMs !== undefined ? `${TOO_MANY_DETAIL[code]} They are refilled after the time in Retry-After.` : TOO_MANY_DETAIL[code];
    return problemResponse(429, code, detail, undefined, headers);
  };

  return Object.freeze({
    missingPermissions,
    tooManyRequests,
    disabled: frozenResponse(problemResponse(401, 'TOKEN_DISABLED', 'The API token is paused; its owner can resume it.', undefined, challenge('invalid_token'))),
    missing: frozenResponse(problemResponse(401, 'MISSING_CREDENTIALS', `This endpoint needs an API token: send ${how}.`, undefined, challenge())),
    malformed: Object.freeze({
      EMPTY_TOKEN: malformed('EMPTY_TOKEN', `The credentials hold an empty token: send ${how}.`),
      SEVERAL_CREDENTIALS: malformed('SEVERAL_CREDENTIALS', 'The request carries several credentials; send exactly one token.'),
      SPACE_IN_TOKEN: malformed('SPACE_IN_TOKEN', `The token after "Bearer" contains a space, and a token has none: send ${how} with the token alone.`),
      INVALID_CHARACTERS: malformed('INVALID_CHARACTERS', `The credentials are not well-formed: send ${how}.`),
      TOO_LONG: malformed('TOO_LONG', `The credentials are longer than ${MAX_CREDENTIALS_LENGTH} characters.`),
      CONFLICTING_HEADERS: malformed('CONFLICTING_HEADERS', `Authorization and ${header ?? 'the token header'} carry different tokens; send one.`),
    }),
    invalidToken: frozenResponse(problemResponse(401, 'INVALID_TOKEN', 'The API token is invalid or has been deleted.', undefined, challenge('invalid_token'))),
    expired: frozenResponse(problemResponse(401, 'TOKEN_EXPIRED', 'The API token has expired; create a new one.', undefined, challenge('invalid_token'))),
    insufficientScope: frozenResponse(
      problemResponse(403, 'INSUFFICIENT_SCOPE', 'The API token does not give access to this organization or project.', undefined, challenge('insufficient_scope')),
    ),
  });
}
