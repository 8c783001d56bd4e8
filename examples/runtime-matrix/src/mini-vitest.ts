// Just enough of vitest's API to run the shared case tables unchanged where vitest cannot run
// (workerd) or is not the runtime's own runner (Bun, Deno). The bundler aliases `vitest` here.
// Semantics follow vitest's for what the tables use; anything else throws, so a table that starts
// using a new matcher fails loudly instead of passing by accident.

type Fn = () => unknown | Promise<unknown>;

interface Suite {
  name: string;
  children: (Suite | TestEntry)[];
  beforeAll: Fn[];
  afterAll: Fn[];
  beforeEach: Fn[];
  afterEach: Fn[];
}

interface TestEntry {
  name: string;
  fn: Fn;
}

export interface TestResult {
  name: string;
  ok: boolean;
  error?: string;
}

const root: Suite = { name: '', children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
let current = root;

function format(title: string, arg: unknown): string {
  if (arg !== null && typeof arg === 'object') {
    return title.replace(/\$([A-Za-z_]\w*)/g, (_, key: string) => {
      const value = (arg as Record<string, unknown>)[key];
      return typeof value === 'string' ? `'${value}'` : String(value);
    });
  }
  return title.replace('%s', String(arg));
}

export function describe(name: string, body: () => void): void {
  const suite: Suite = { name, children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
  current.children.push(suite);
  const parent = current;
  current = suite;
  try {
    body();
  } finally {
    current = parent;
  }
}
describe.each = <T>(cases: readonly T[]) => (title: string, body: (arg: T) => void) => {
  for (const arg of cases) describe(format(title, arg), () => body(arg));
};

export function test(name: string, optionsOrFn: Fn | object, maybeFn?: Fn): void {
  const fn = typeof optionsOrFn === 'function' ? (optionsOrFn as Fn) : maybeFn!;
  current.children.push({ name, fn });
}
test.each = <T>(cases: readonly T[]) => (title: string, fn: (arg: T) => unknown) => {
  for (const arg of cases) test(format(title, arg), () => fn(arg));
};
export const it = test;

export const beforeAll = (fn: Fn) => current.beforeAll.push(fn);
export const afterAll = (fn: Fn) => current.afterAll.push(fn);
export const beforeEach = (fn: Fn) => current.beforeEach.push(fn);
export const afterEach = (fn: Fn) => current.afterEach.push(fn);

// ---- expect ----

class Any {
  constructor(readonly type: unknown) {}
  matches(value: unknown): boolean {
    if (this.type === String) return typeof value === 'string' || value instanceof String;
    if (this.type === Number) return typeof value === 'number' || value instanceof Number;
    if (this.type === Boolean) return typeof value === 'boolean';
    if (this.type === Object) return value !== null && typeof value === 'object';
    return value instanceof (this.type as new () => unknown);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** vitest's toEqual: recursive, undefined properties ignored, asymmetric matchers honoured. */
function equals(a: unknown, b: unknown): boolean {
  if (b instanceof Any) return b.matches(a);
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => equals(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => a[k] !== undefined || b[k] !== undefined));
    for (const key of keys) if (!equals(a[key], b[key])) return false;
    return true;
  }
  return false;
}

/** vitest's toMatchObject: every property of `expected` matches, recursively; arrays match element-wise. */
function matches(actual: unknown, expected: unknown): boolean {
  if (expected instanceof Any) return expected.matches(actual);
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((v, i) => matches(actual[i], v));
  if (isPlainObject(expected)) {
    return isPlainObject(actual) && Object.keys(expected).every((key) => key in actual && matches(actual[key], expected[key]));
  }
  return Object.is(actual, expected);
}

function show(value: unknown): string {
  try {
    const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value, (_k, v) => (v instanceof Any ? `Any<${(v.type as { name?: string }).name}>` : v));
    return text === undefined ? String(value) : text.length > 300 ? `${text.slice(0, 300)}…` : text;
  } catch {
    return String(value);
  }
}

function contains(actual: unknown, item: unknown): boolean {
  if (typeof actual === 'string') return actual.includes(String(item));
  if (Array.isArray(actual)) return actual.some((v) => Object.is(v, item));
  throw new Error(`toContain on ${typeof actual} is not supported by mini-vitest`);
}

function matchers(actual: unknown, negate: boolean, label?: string) {
  const check = (pass: boolean, message: string) => {
    if (pass === negate) throw new Error(`${label ? `${label}: ` : ''}expected ${show(actual)} ${negate ? 'not ' : ''}${message}`);
  };
  return {
    toBe: (expected: unknown) => check(Object.is(actual, expected), `to be ${show(expected)}`),
    toEqual: (expected: unknown) => check(equals(actual, expected), `to equal ${show(expected)}`),
    toMatchObject: (expected: unknown) => check(matches(actual, expected), `to match ${show(expected)}`),
    toContain: (item: unknown) => check(contains(actual, item), `to contain ${show(item)}`),
    toMatch: (pattern: RegExp | string) =>
      check(typeof actual === 'string' && (typeof pattern === 'string' ? actual.includes(pattern) : pattern.test(actual)), `to match ${String(pattern)}`),
    toHaveLength: (length: number) => check((actual as { length?: unknown })?.length === length, `to have length ${length}`),
    toHaveProperty: (key: string) => check(actual !== null && typeof actual === 'object' && key in actual, `to have property ${key}`),
    toBeNull: () => check(actual === null, 'to be null'),
    toBeDefined: () => check(actual !== undefined, 'to be defined'),
    toBeGreaterThan: (n: number) => check((actual as number) > n, `to be greater than ${n}`),
    toBeLessThanOrEqual: (n: number) => check((actual as number) <= n, `to be less than or equal to ${n}`),
    toBeInstanceOf: (type: new (...args: never[]) => unknown) => check(actual instanceof type, `to be an instance of ${type.name}`),
  };
}

type Matchers = ReturnType<typeof matchers>;

type Settled = { [K in keyof Matchers]: (...args: Parameters<Matchers[K]>) => Promise<void> };

/** vitest's `expect(promise).rejects` / `.resolves` (and their `.not`): the matchers, applied to what the promise settles with. */
function settled(promise: unknown, way: 'rejects' | 'resolves', label?: string, negate = false): Settled & { not: Settled } {
  const apply = (name: keyof Matchers, args: unknown[], negated: boolean) => async () => {
    let value: unknown;
    let rejected = false;
    try {
      value = await promise;
    } catch (error) {
      value = error;
      rejected = true;
    }
    if (rejected !== (way === 'rejects')) throw new Error(`${label ? `${label}: ` : ''}expected the promise to ${way === 'rejects' ? 'reject' : 'resolve'}, it ${rejected ? 'rejected' : 'resolved'} with ${show(value)}`);
    (matchers(value, negated, label)[name] as (...a: unknown[]) => void)(...args);
  };
  const names = Object.keys(matchers(undefined, false)) as (keyof Matchers)[];
  const of = (negated: boolean) => Object.fromEntries(names.map((name) => [name, (...args: unknown[]) => apply(name, args, negated)()])) as Settled;
  return { ...of(negate), not: of(!negate) };
}

export function expect(actual: unknown, message?: string) {
  return { ...matchers(actual, false, message), not: matchers(actual, true, message), rejects: settled(actual, 'rejects', message), resolves: settled(actual, 'resolves', message) };
}
expect.any = (type: unknown) => new Any(type);

/** vitest's expect.stringMatching: a string the pattern matches. */
class StringMatching extends Any {
  constructor(readonly pattern: RegExp) {
    super(String);
  }
  override matches(value: unknown): boolean {
    return typeof value === 'string' && this.pattern.test(value);
  }
}
expect.stringMatching = (pattern: RegExp | string) => new StringMatching(typeof pattern === 'string' ? new RegExp(pattern) : pattern);

// ---- runner ----

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function runSuite(suite: Suite, path: string[], eachHooks: { before: Fn[]; after: Fn[] }, results: TestResult[]): Promise<void> {
  const here = suite.name ? [...path, suite.name] : path;
  const hooks = { before: [...eachHooks.before, ...suite.beforeEach], after: [...suite.afterEach, ...eachHooks.after] };
  try {
    for (const hook of suite.beforeAll) await hook();
  } catch (error) {
    results.push({ name: [...here, 'beforeAll'].join(' > '), ok: false, error: describeError(error) });
    return;
  }
  for (const child of suite.children) {
    if ('children' in child) {
      await runSuite(child, here, hooks, results);
      continue;
    }
    const name = [...here, child.name].join(' > ');
    try {
      for (const hook of hooks.before) await hook();
      try {
        await child.fn();
      } finally {
        for (const hook of hooks.after) await hook();
      }
      results.push({ name, ok: true });
    } catch (error) {
      results.push({ name, ok: false, error: describeError(error) });
    }
  }
  try {
    for (const hook of suite.afterAll) await hook();
  } catch (error) {
    results.push({ name: [...here, 'afterAll'].join(' > '), ok: false, error: describeError(error) });
  }
}

/**
 * Runs every test declared since the last run(), one at a time, and returns one result per test,
 * in the order declared. `suitesAtOnce`: the top-level describe blocks run at the same time
 * instead, each still one test at a time, for suites that share nothing (two stores on two
 * servers, each waiting on its own); then every test must be inside one, with no hook outside them.
 */
export async function run({ suitesAtOnce = false } = {}): Promise<TestResult[]> {
  // What this run takes is no longer declared: a Worker that declares its suite per request runs it once per request.
  const declared = { ...root };
  Object.assign(root, { children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] });
  return runDeclared(declared, suitesAtOnce);
}

async function runDeclared(top: Suite, suitesAtOnce: boolean): Promise<TestResult[]> {
  if (!suitesAtOnce) {
    const results: TestResult[] = [];
    await runSuite(top, [], { before: [], after: [] }, results);
    return results;
  }
  const hooks = top.beforeAll.length + top.afterAll.length + top.beforeEach.length + top.afterEach.length;
  if (hooks > 0 || top.children.some((child) => !('children' in child))) {
    throw new Error('mini-vitest: run({ suitesAtOnce: true }) runs top-level describe blocks only: a test or hook is declared outside one');
  }
  const each = await Promise.all(
    top.children.map(async (suite) => {
      const results: TestResult[] = [];
      await runSuite(suite as Suite, [], { before: [], after: [] }, results);
      return results;
    }),
  );
  return each.flat();
}
