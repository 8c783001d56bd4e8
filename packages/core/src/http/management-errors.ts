import { ClosedError, ForbiddenError, NameTakenError, StoreUnavailableError, TokenNotFoundError, ValidationError } from '../errors.js';
import { RETRY_AFTER_SECONDS } from './guard-responses.js';
import { frozenResponse, problemResponse, type HttpResponse } from './response.js';

/** Management answers are about secrets and per-user: no cache may keep any of them. */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'cache-control': 'no-store' });

const RETRY = { ...NO_STORE_HEADERS, 'retry-after': String(RETRY_AFTER_SECONDS) };

/** 401 for a request without a signed-in actor (the host's `getActor` returned null). */
export const UNAUTHENTICATED_RESPONSE = frozenResponse(
  problemResponse(401, 'UNAUTHENTICATED', 'Sign in to manage API tokens.', undefined, NO_STORE_HEADERS),
);

// Deliberately says nothing about the cause: internals (stack, SQL, hostnames) stay in onError.
const INTERNAL_ERROR_RESPONSE = frozenResponse(
  problemResponse(500, 'INTERNAL_ERROR', 'Something went wrong on our side.', undefined, NO_STORE_HEADERS),
);

/**
 * Maps an error thrown by the token service to a problem response. Anything keyward did not
 * throw on purpose becomes a bare 500 and is handed to `onError`, never to the client.
 * @example
 * errorResponse(new NameTakenError('CI')).status // 409
 */
export function errorResponse(error: unknown, onError?: (error: unknown) => void): HttpResponse {
  if (error instanceof ValidationError) {
    const errors = error.issues.map(({ path, message }) => ({ path, message }));
    return problemResponse(400, error.code, error.message, { errors }, NO_STORE_HEADERS);
  }
  if (error instanceof NameTakenError) {
    return problemResponse(409, error.code, error.message, { errors: [{ path: error.field, message: 'is already taken' }] }, NO_STORE_HEADERS);
  }
  if (error instanceof ForbiddenError) return problemResponse(403, error.code, error.message, undefined, NO_STORE_HEADERS);
  if (error instanceof TokenNotFoundError) return problemResponse(404, error.code, error.message, { ids: [...error.ids] }, NO_STORE_HEADERS);
  if (error instanceof StoreUnavailableError || error instanceof ClosedError) {
    report(onError, error);
    const detail = error instanceof ClosedError ? 'The token service is shutting down; retry later.' : 'API tokens cannot be reached right now; retry later.';
    return problemResponse(503, error.code, detail, undefined, RETRY);
  }
  report(onError, error);
  return INTERNAL_ERROR_RESPONSE;
}

function report(onError: ((error: unknown) => void) | undefined, error: unknown): void {
  try {
    onError?.(error);
  } catch {
    // The client still gets its answer when the host's error hook is broken.
  }
}
