import { ClosedError, StoreFailedError, StoreUnavailableError } from '../errors.js';
import { NO_STORE_HEADERS, frozenResponse, problemResponse, type HttpResponse } from './response.js';

/** Seconds a client is told to wait after a 503 before retrying. */
export const RETRY_AFTER_SECONDS = 5;

const RETRY_HEADERS = { ...NO_STORE_HEADERS, 'retry-after': String(RETRY_AFTER_SECONDS) };

// Details say nothing about the cause: internals (stack, SQL, hostnames) go to onError only.
const UNAVAILABLE = frozenResponse(problemResponse(503, 'STORE_UNAVAILABLE', 'API tokens cannot be checked right now; retry later.', undefined, RETRY_HEADERS));
const CLOSED = frozenResponse(problemResponse(503, 'CLOSED', 'The token service is shutting down; retry later.', undefined, RETRY_HEADERS));
const STORE_FAILED = frozenResponse(problemResponse(500, 'STORE_FAILED', 'API tokens could not be checked because of a server error.', undefined, NO_STORE_HEADERS));
const INTERNAL_ERROR = frozenResponse(problemResponse(500, 'INTERNAL_ERROR', 'Something went wrong on our side.', undefined, NO_STORE_HEADERS));

/**
 * The answer for a request that failed closed, the same on guarded routes and the management API:
 * 503 with Retry-After for an outage or a closed instance (retrying helps), 500 for a bug (it does
 * not). The error itself goes to `onError`, never to the client.
 * @example failureResponse(new StoreUnavailableError('redis down')).status // 503
 */
export function failureResponse(error: unknown, onError?: (error: unknown) => void): HttpResponse {
  try {
    onError?.(error);
  } catch {
    // The client still gets its answer when the host's error hook is broken.
  }
  if (error instanceof StoreUnavailableError) return UNAVAILABLE;
  if (error instanceof ClosedError) return CLOSED;
  if (error instanceof StoreFailedError) return STORE_FAILED;
  return INTERNAL_ERROR;
}
