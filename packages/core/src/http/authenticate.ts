import type { Keyward } from '../keyward.js';
import { isPromise } from '../store-errors.js';
import type { MaybePromise } from '../store.js';
import type { VerifyResult } from '../verify.js';
import type { RouteTarget } from '../policy.js';
import type { TokenInfo } from '../token-info.js';
import { parseCredentials, type CredentialsInput } from './credentials.js';
import { failureResponse } from './failures.js';
import type { GuardResponses } from './guard-responses.js';
import type { HttpResponse } from './response.js';

export interface AuthenticateOptions {
  /** The refusals to answer with, from `guardResponses()`: build them once, not per request. */
  readonly responses: GuardResponses;
  /** Told about every error that made a request fail closed (store outages, bugs). Must not throw. */
  readonly onError?: ((error: unknown) => void) | undefined;
}

export type AuthenticateResult = { ok: true; token: TokenInfo } | { ok: false; response: HttpResponse };

function refusalFor(result: Extract<VerifyResult, { ok: false }>, responses: GuardResponses): HttpResponse {
  switch (result.code) {
    case 'EXPIRED':
      return responses.expired;
    case 'SCOPE_DENIED':
      return responses.insufficientScope;
    default:
      // MALFORMED and NOT_FOUND answer alike, so probing cannot tell a typo from a deleted token.
      return responses.invalidToken;
  }
}

/** Turns a verification answer into the guard's answer; anything unreadable fails closed. */
function conclude(result: VerifyResult, options: AuthenticateOptions): AuthenticateResult {
  if (result?.ok === true) return result;
  if (result?.ok === false) return { ok: false, response: refusalFor(result, options.responses) };
  // Only a broken custom verify() gets here; an answer we cannot read is not a pass.
  return failClosed(new TypeError('verify() resolved with neither { ok: true } nor { ok: false }'), options);
}

function failClosed(error: unknown, options: AuthenticateOptions): AuthenticateResult {
  return { ok: false, response: failureResponse(error, options.onError) };
}

/**
 * The whole route guard, minus the framework: reads the credentials, verifies the token for the
 * route and says either "pass, with this token" or "answer this". Never rejects or throws: any
 * error while verifying answers through `failureResponse` (503 for an outage, 500 for a bug),
 * never a pass. A `null` target (the route's id could not be read) answers 403.
 *
 * Synchronous when it can be: with a Keyward on a synchronous store (memory, SQLite) it returns the
 * answer itself, otherwise a native Promise of it, so a middleware continues without waiting a
 * microtask. `await` works on both.
 * @example
 * const responses = guardResponses('api');
 * const result = await authenticate(keyward, { authorization: req.headers.authorization }, { projectId }, { responses });
 * if (!result.ok) return send(result.response);
 */
export function authenticate(
  keyward: Pick<Keyward, 'verify'> & Partial<Pick<Keyward, 'check'>>,
  credentials: CredentialsInput,
  target: RouteTarget | null,
  options: AuthenticateOptions,
): MaybePromise<AuthenticateResult> {
  const parsed = parseCredentials(credentials);
  if (parsed.kind === 'missing') return { ok: false, response: options.responses.missing };
  if (parsed.kind === 'malformed') return { ok: false, response: options.responses.malformed[parsed.reason] };
  if (target === null) {
    // Checking against "no route" would let any token in; refusing keeps a misconfigured route closed.
    try {
      options.onError?.(new Error('the route\'s project or organization id could not be read: check the project/organization option of requireToken() for this route'));
    } catch {
      // A failing error hook must not turn a refusal into an exception.
    }
    return { ok: false, response: options.responses.insufficientScope };
  }
  let result: MaybePromise<VerifyResult>;
  try {
    // check() answers synchronously for synchronous stores; a bare { verify } (tests, wrappers) still works.
    result = typeof keyward.check === 'function' ? keyward.check(parsed.token, target) : keyward.verify(parsed.token, target);
  } catch (error) {
    return failClosed(error, options);
  }
  if (isPromise(result)) {
    // Promise.resolve adopts a custom store's thenable, so callers may test `instanceof Promise`.
    return Promise.resolve(result).then(
      (answer) => conclude(answer, options),
      (error: unknown) => failClosed(error, options),
    );
  }
  return conclude(result, options);
}
