import { StoreFailedError, StoreUnavailableError } from '@keyward/core';

/**
 * `error` as the store throws it. Everything inside `guard` is a conversation with Redis, so any
 * failure there (connection refused or closed, timeout, MaxRetriesPerRequestError, READONLY,
 * LOADING, CLUSTERDOWN, MOVED loops, an unreadable record…) means the store could not answer:
 * callers must fail closed, never read it as "not found".
 * @example throw toStoreError('findByHash', new Error('Connection is closed.'));
 */
export function toStoreError(operation: string, error: unknown): StoreUnavailableError | StoreFailedError {
  // Already classified (e.g. keys of a newer schema: retrying will not help).
  if (error instanceof StoreUnavailableError || error instanceof StoreFailedError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`redis store: ${operation} failed: ${reason}`, { cause: error });
}

/**
 * Runs one store operation against Redis, turning its failures into StoreUnavailableError.
 * Keeps no state: once ioredis reconnects, the next call simply works.
 * @example const record = await guard('get', () => client.hmget(key, 'r', 'u'));
 */
export async function guard<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStoreError(operation, error);
  }
}
