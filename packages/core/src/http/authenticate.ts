import type { Keyward } from '../keyward.js';
import { isPromise } from '../store-errors.js';
import type { MaybePromise } from '../store.js';
import type { VerifyResult } from '../verify.js';
import type { RouteTarget } from '../policy.js';
import type { TokenInfo } from '../token-info.js';
import { tokenHint } from '../token-format.js';
import { parseCredentials, type CredentialsInput } from './credentials.js';
import { failureResponse } from './failures.js';
import { limitHeaders } from './limit-headers.js';
import { refusalResponse, type RefusalFacts, type RefusalHooks } from './refusals.js';
import type { GuardResponses } from './guard-responses.js';
import type { HttpResponse } from './response.js';

export interface AuthenticateOptions extends RefusalHooks {
  /** The refusals to answer with, from `guardResponses()`: build them once, not per request. */
  readonly responses: GuardResponses;
  /** Told about every error that made a request fail closed (store outages, bugs). Must not throw. */
  readonly onError?: ((error: unknown) => void) | undefined;
  /**
   * No credentials at all lets the request through without a token (`{ ok: true, token: undefined }`);
   * credentials that are present but bad are refused exactly as without it.
   */
  readonly optional?: boolean | undefined;
}

/**
 * The guard's answer. `token` is possibly undefined only when the options say `optional`, so
 * callers of a required guard keep a `TokenInfo`.
 */
export type AuthenticateResult<Optional extends boolean = false> =
  | {
      ok: true;
      token: Optional extends true ? TokenInfo | undefined : TokenInfo;
      /**
       * Headers the answer must carry, when the token has a rate limit or credits: `RateLimit-Policy`
       * and `RateLimit`, so clients can pace themselves. Adapters set them on the response.
       */
      headers?: Readonly<Record<string, string>>;
    }
  | { ok: false; response: HttpResponse };

/**
 * Whether options of type `O` may let a request through without a token. (Not `O extends
 * { optional?: false }`: TypeScript's weak-type rule would make options without `optional` fail it.)
 */
export type IsOptional<O> = 'optional' extends keyof O ? ([Exclude<O[keyof O & 'optional'], undefined>] extends [false] ? false : true) : false;

type Refused = { ok: false; response: HttpResponse };

const NO_TOKEN = Object.freeze({ ok: true, token: undefined });
const NO_FACTS: RefusalFacts = Object.freeze({});

/** Whether the options carry a refusal hook: checked once per refusal, so a guard without hooks pays nothing. */
function hooked(options: AuthenticateOptions): boolean {
  return options.onRefusal !== undefined || options.formatRefusal !== undefined;
}

function refused(response: HttpResponse, options: AuthenticateOptions, facts: RefusalFacts, target: RouteTarget | null, request: unknown): Refused {
  return { ok: false, response: hooked(options) ? refusalResponse(response, options, facts, target, request) : response };
}

/** The display hint of a token verify() found well-formed: prefix, "_", four secret characters. */
function hintOf(token: string): string {
  return tokenHint(token, token.slice(0, token.indexOf('_')));
}

function refusalFor(result: Extract<VerifyResult, { ok: false }>, responses: GuardResponses): HttpResponse {
  switch (result.code) {
    case 'EXPIRED':
      return responses.expired;
    case 'SCOPE_DENIED':
      return responses.insufficientScope;
    case 'PERMISSION_DENIED':
      return responses.missingPermissions(result.missingPermissions ?? []);
    case 'DISABLED':
      return responses.disabled;
    case 'RATE_LIMITED':
    case 'USAGE_EXHAUSTED':
      return responses.tooManyRequests(result.code, result.limits, result.retryAfterMs);
    default:
      // MALFORMED and NOT_FOUND answer alike, so probing cannot tell a typo from a deleted token.
      return responses.invalidToken;
  }
}

/** Turns a verification answer into the guard's answer; anything unreadable fails closed. */
function conclude(result: VerifyResult, token: string, target: RouteTarget, options: AuthenticateOptions, request: unknown): AuthenticateResult {
  if (result?.ok === true) return result.limits === undefined ? result : { ok: true, token: result.token, headers: limitHeaders(result.limits) };
  if (result?.ok === false) {
    const response = refusalFor(result, options.responses);
    if (!hooked(options)) return { ok: false, response };
    const found = result as { tokenId?: unknown };
    const facts: RefusalFacts = {
      tokenHint: result.code === 'MALFORMED' ? undefined : hintOf(token),
      tokenId: typeof found.tokenId === 'string' ? found.tokenId : undefined,
    };
    return refused(response, options, facts, target, request);
  }
  // Only a broken custom verify() gets here; an answer we cannot read is not a pass.
  return failClosed(new TypeError('verify() resolved with neither { ok: true } nor { ok: false }'), target, options, request);
}

function failClosed(error: unknown, target: RouteTarget | null, options: AuthenticateOptions, request: unknown): Refused {
  return refused(failureResponse(error, options.onError), options, NO_FACTS, target, request);
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
 *
 * With `optional: true`, a request without credentials passes with `token: undefined`. With
 * `onRefusal` or `formatRefusal`, each refusal is described to them (`request`, the framework's
 * request, goes to `refusalContext`); a pass calls none of them.
 * @example
 * const responses = guardResponses('api');
 * const result = await authenticate(keyward, { authorization: req.headers.authorization }, { projectId }, { responses });
 * if (!result.ok) return send(result.response);
 */
export function authenticate<O extends AuthenticateOptions>(
  keyward: Pick<Keyward, 'verify'> & Partial<Pick<Keyward, 'check'>>,
  credentials: CredentialsInput,
  target: RouteTarget | null,
  options: O,
  request?: unknown,
): MaybePromise<AuthenticateResult<IsOptional<O>>>;
/**
 * The implementation behind the typed signature above.
 * @example
 * const result = await authenticate(keyward, {}, {}, { responses, optional: true }); // { ok: true, token: undefined }
 */
export function authenticate(
  keyward: Pick<Keyward, 'verify'> & Partial<Pick<Keyward, 'check'>>,
  credentials: CredentialsInput,
  target: RouteTarget | null,
  options: AuthenticateOptions,
  request?: unknown,
): MaybePromise<AuthenticateResult<boolean>> {
  const parsed = parseCredentials(credentials);
  if (parsed.kind === 'missing') return options.optional === true ? NO_TOKEN : refused(options.responses.missing, options, NO_FACTS, target, request);
  if (parsed.kind === 'malformed') {
    const response = options.responses.malformed[parsed.reason];
    return hooked(options) ? refused(response, options, { reason: parsed.reason }, target, request) : { ok: false, response };
  }
  if (target === null) {
    // Checking against "no route" would let any token in; refusing keeps a misconfigured route closed.
    try {
      options.onError?.(new Error('the route\'s project or organization id could not be read: check the project/organization option of requireToken() for this route'));
    } catch {
      // A failing error hook must not turn a refusal into an exception.
    }
    return refused(options.responses.insufficientScope, options, NO_FACTS, target, request);
  }
  const token = parsed.token;
  let result: MaybePromise<VerifyResult>;
  try {
    // check() answers synchronously for synchronous stores; a bare { verify } (tests, wrappers) still works.
    result = typeof keyward.check === 'function' ? keyward.check(token, target) : keyward.verify(token, target);
  } catch (error) {
    return failClosed(error, target, options, request);
  }
  if (isPromise(result)) {
    // Promise.resolve adopts a custom store's thenable, so callers may test `instanceof Promise`.
    return Promise.resolve(result).then(
      (answer) => conclude(answer, token, target, options, request),
      (error: unknown) => failClosed(error, target, options, request),
    );
  }
  return conclude(result, token, target, options, request);
}
