import { KeywardError, StoreFailedError } from './errors.js';
import type { MaybePromise } from './store.js';

/**
 * The one place that decides what a store's error means. Stores classify outages themselves (they
 * know their driver's error codes) and throw `StoreUnavailableError`; anything else that is not
 * keyward's own error is a bug in the store and becomes `StoreFailedError`. Both fail closed.
 * @example throw toStoreError(new TypeError('x is undefined')) // StoreFailedError, code STORE_FAILED
 */
export function toStoreError(error: unknown): KeywardError {
  if (error instanceof KeywardError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreFailedError(`token store failed: ${reason}`, { cause: error });
}

/**
 * Runs one store call, translating what it throws or rejects with through `toStoreError`.
 * @example const page = await fromStore(() => store.list(organizationId, { limit: 50 }));
 */
export async function fromStore<T>(call: () => MaybePromise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toStoreError(error);
  }
}

/** Whether a store answered synchronously or handed back a promise (of any thenable kind). */
export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | null)?.then === 'function';
}
