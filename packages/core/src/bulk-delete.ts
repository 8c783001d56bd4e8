import { StoreFailedError } from './errors.js';
import type { DeleteManyResult } from './store.js';

/**
 * What `keyward.deleteMany()` (and `POST /tokens/bulk-delete`) answers. Every id asked for is
 * counted in `deleted` or listed in `notFound`, never both.
 * @example
 * const { deleted, notFound } = await keyward.deleteMany(admin, ['tok_a', 'tok_b']);
 * // { deleted: 1, notFound: ['tok_b'] } when another admin deleted tok_b a moment earlier
 */
export interface BulkDeleteResult {
  /** How many tokens this call deleted: they are refused everywhere from now on. */
  deleted: number;
  /**
   * The ids it did not delete, in the order given (repeats once): already deleted, unknown, or of
   * another organization — the three look the same, so a token's existence does not leak.
   */
  notFound: string[];
}

/**
 * Checks a store's `deleteMany` answer before keyward acts on it: a store written for the older
 * all-or-none contract (`{ ok, missing }`) would otherwise be read as having deleted nothing.
 * @throws StoreFailedError when either list is absent
 * @example checkDeleteManyResult({ deleted: [], missing: ['tok_1'] }) // returns it unchanged
 */
export function checkDeleteManyResult(result: DeleteManyResult): DeleteManyResult {
  if (Array.isArray(result?.deleted) && Array.isArray(result.missing)) return result;
  throw new StoreFailedError('token store: deleteMany() must answer { deleted, missing } (TokenStore contract): upgrade the store package');
}
