/** Largest metadata object, in bytes of its JSON (UTF-8). */
export const MAX_METADATA_BYTES = 4096;
const MAX_DEPTH = 16;

/**
 * Why `value` is not acceptable token metadata, or null when it is: a plain JSON object (objects,
 * arrays, strings without U+0000, finite numbers, booleans, null; at most 16 levels deep) of at
 * most 4 KB as JSON.
 * Checked value by value, so nothing is silently changed by serialization (undefined, NaN, Dates…).
 * @example metadataProblem({ team: 'web' }) // null
 */
export function metadataProblem(value: unknown): string | null {
  if (!isPlainObject(value)) return 'must be a JSON object';
  const problem = valueProblem(value, 0);
  if (problem) return problem;
  const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
  return bytes > MAX_METADATA_BYTES ? `must be at most ${MAX_METADATA_BYTES} bytes as JSON, got ${bytes}` : null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function valueProblem(value: unknown, depth: number): string | null {
  if (depth > MAX_DEPTH) return `must be at most ${MAX_DEPTH} levels deep`;
  // PostgreSQL's jsonb cannot hold U+0000: refused everywhere, so every store keeps what it is given.
  if (typeof value === 'string') return value.includes('\u0000') ? 'must not contain U+0000' : null;
  if (value === null || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : 'must hold finite numbers only';
  if (isPlainObject(value) && Object.keys(value).some((key) => key.includes('\u0000'))) return 'must not contain U+0000';
  const inner = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : null;
  if (inner === null) return `must hold JSON values only, got ${typeof value === 'object' ? 'an object that is not plain' : typeof value}`;
  for (const item of inner) {
    const problem = valueProblem(item, depth + 1);
    if (problem) return problem;
  }
  return null;
}

/**
 * The path to the first key named `__proto__` in `value` (a JSON value as parsed, where it is an
 * own key), or null when there is none. Such a key cannot be kept: assigning it to an object
 * replaces the object's prototype instead of adding a key, so copies, validators and stores would
 * each drop it silently. It is refused instead, naming where it is.
 * @example protoKeyPath(JSON.parse('{"a":{"__proto__":{}}}')) // ['a', '__proto__']
 */
export function protoKeyPath(value: unknown, depth = 0): string[] | null {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return null;
  if (!Array.isArray(value) && Object.hasOwn(value, '__proto__')) return ['__proto__'];
  for (const [key, item] of Object.entries(value)) {
    const inner = protoKeyPath(item, depth + 1);
    if (inner !== null) return [key, ...inner];
  }
  return null;
}
