import { FeatureUnavailableError, ForbiddenError, NameTakenError, TokenNotFoundError, ValidationError } from '../errors.js';
import { failureResponse } from './failures.js';
import { NO_STORE_HEADERS, frozenResponse, problemResponse, type HttpResponse } from './response.js';

/** 401 for a request without a signed-in actor (the host's `getActor` returned null). */
export const UNAUTHENTICATED_RESPONSE = frozenResponse(
  problemResponse(401, 'UNAUTHENTICATED', 'Sign in to manage API tokens.', undefined, NO_STORE_HEADERS),
);

/**
 * Maps an error thrown by the token service to a problem response. The client's own mistakes
 * answer 4xx; everything else fails closed through `failureResponse` and is reported to `onError`.
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
  if (error instanceof FeatureUnavailableError) return problemResponse(501, error.code, error.message, { feature: error.feature }, NO_STORE_HEADERS);
  if (error instanceof TokenNotFoundError) return problemResponse(404, error.code, error.message, { ids: [...error.ids] }, NO_STORE_HEADERS);
  return failureResponse(error, onError);
}
