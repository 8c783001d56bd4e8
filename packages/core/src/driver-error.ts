// What an error may carry besides message and code: its name and stack (text about where, not
// what), and a cause or sub-errors, themselves passed through this same filter. SQLite's result
// code is the code too, where a driver keeps it beside `code`: node:sqlite's `errcode` (a number;
// its `code` is ERR_SQLITE_ERROR) with `errstr` (SQLite's fixed text for that code), bun:sqlite's `errno`.
const SAFE_KEYS = new Set(['message', 'code', 'name', 'stack', 'cause', 'errors', 'errcode', 'errstr', 'errno']);
const MAX_DEPTH = 4;

/**
 * A driver's error as keyward passes it on (as the `cause` of a store error, to `onError`):
 * its class, message and code, and nothing else it carries. Drivers attach what they were
 * asked to do: ioredis puts the command's arguments on `command.args` (a whole token record,
 * hash included), node-postgres the row on `detail`. An error with nothing but those fields is
 * passed on as is; any other is copied without the rest, keeping its class for `instanceof`.
 * @example withoutDriverData(Object.assign(new Error('OOM'), { command: { name: 'evalsha', args: ['…record…'] } })) // Error: OOM, no command
 */
export function withoutDriverData(error: unknown, depth = 0): unknown {
  if (error === null || typeof error !== 'object') return error;
  if (!(error instanceof Error)) {
    // A thrown non-Error: only a message of its own, if it has one, is kept.
    const message = (error as { message?: unknown }).message;
    return new Error(typeof message === 'string' ? message : 'a store threw a value that is not an Error');
  }
  if (depth >= MAX_DEPTH) return new Error(error.message);
  const cause = 'cause' in error ? withoutDriverData(error.cause, depth + 1) : undefined;
  const errors = error instanceof AggregateError ? error.errors.map((inner: unknown) => withoutDriverData(inner, depth + 1)) : undefined;
  const clean =
    Reflect.ownKeys(error).every((key) => typeof key === 'string' && SAFE_KEYS.has(key)) &&
    cause === (error as { cause?: unknown }).cause &&
    (errors === undefined || errors.every((inner, i) => inner === (error as AggregateError).errors[i]));
  if (clean) return error;
  const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
  const own = (key: string, value: unknown) => Object.defineProperty(copy, key, { value, writable: true, configurable: true, enumerable: false });
  own('message', error.message);
  if (Object.hasOwn(error, 'name')) own('name', error.name);
  if (error.stack !== undefined) own('stack', error.stack);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') Object.defineProperty(copy, 'code', { value: code, enumerable: true, configurable: true, writable: true });
  for (const key of ['errcode', 'errno'] as const) {
    const value = (error as Partial<Record<typeof key, unknown>>)[key];
    if (typeof value === 'number') Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  }
  const errstr = (error as { errstr?: unknown }).errstr;
  if (typeof errstr === 'string') Object.defineProperty(copy, 'errstr', { value: errstr, enumerable: true, configurable: true, writable: true });
  if ('cause' in error) own('cause', cause);
  if (errors !== undefined) own('errors', errors);
  return copy;
}
