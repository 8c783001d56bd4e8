/**
 * Freezes `value` and everything reachable in it (objects already frozen are taken as done), so a
 * value shared between callers cannot be changed through a nested part.
 * @example deepFreeze({ headers: { 'cache-control': 'no-store' } }).headers // frozen too
 */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
