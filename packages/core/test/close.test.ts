// close() never hangs and never crashes: each step (the final writes, the cache's channel, the
// store's own close) is waited for at most closeTimeoutMs; a step that runs out of time is reported
// to onError as a CloseTimeoutError and close() resolves; a store that refuses the final writes
// makes close() reject, after every step ran. Outcomes only: a small closeTimeoutMs, no timing.
import {
  ClosedError,
  CloseTimeoutError,
  ConfigurationError,
  StoreFailedError,
  StoreUnavailableError,
  createKeyward,
  memoryStore,
  type InvalidationChannel,
  type KeywardOptions,
  type TokenStore,
} from '@keyward/core';
import { ACTORS, resolveProject } from '@keyward/test-kit/fixtures';
import { afterEach, describe, expect, test, vi } from 'vitest';

const orgScope = { kind: 'organization' } as const;
const never = () => new Promise<never>(() => {});

/** A memory store whose last-used and usage writes do what `write` says, and which notes its close(). */
function storeWith(write: () => Promise<void>, close: () => Promise<void> = async () => {}) {
  const inner = memoryStore();
  const closed: string[] = [];
  const store: TokenStore = {
    ...inner,
    touch: write,
    addUsage: write,
    close: () => {
      closed.push('store');
      return close();
    },
  } as TokenStore;
  return { store, closed };
}

/** An instance whose background flushes never fire on their own: only close() writes. */
async function instance(store: TokenStore, options: Partial<KeywardOptions> = {}) {
  const errors: unknown[] = [];
  const keyward = createKeyward({ store, resolveProject, onError: (e) => errors.push(e), closeTimeoutMs: 50, lastUsedFlushDelayMs: 3_600_000, usage: { flushIntervalMs: 3_600_000 }, ...options });
  const tokens = [];
  for (let i = 0; i < 3; i++) tokens.push(await keyward.create(ACTORS.owner, { name: `t${i}`, scope: orgScope, expiresIn: 'never' }));
  return { keyward, errors, tokens };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('close() bounded in time', () => {
  test('a store whose writes never settle: close() resolves, reports a CloseTimeoutError with 3 last-used updates and 3 usage counts dropped, and closes the store', async () => {
    const { store, closed } = storeWith(never);
    const { keyward, errors, tokens } = await instance(store);
    for (const { plaintext } of tokens) expect((await keyward.verify(plaintext)).ok).toBe(true);
    await keyward.close();
    expect(closed).toEqual(['store']);
    expect(errors).toHaveLength(1);
    const error = errors[0] as CloseTimeoutError;
    expect(error).toBeInstanceOf(CloseTimeoutError);
    expect(error).toMatchObject({ code: 'CLOSE_TIMED_OUT', step: 'writes', timeoutMs: 50, lastUsedUpdates: 3, usageCounts: 3 });
    expect(error.message).toMatch(/within 50 ms.*3 last-used updates and 3 usage counts/);
    await expect(keyward.list(ACTORS.owner)).rejects.toBeInstanceOf(ClosedError);
  });

  test('a timed flush already hanging when close() is called counts too: 1 update in flight + 1 pending = 2 dropped', async () => {
    const { store } = storeWith(never);
    const { keyward, errors, tokens } = await instance(store, { lastUsedFlushDelayMs: 0, usage: false });
    await keyward.verify(tokens[0]!.plaintext);
    await new Promise((resolve) => setTimeout(resolve, 10)); // the timed flush fires and hangs
    await keyward.verify(tokens[1]!.plaintext);
    await keyward.close();
    expect(errors).toMatchObject([{ step: 'writes', lastUsedUpdates: 2, usageCounts: 0 }]);
  });

  test('a second close() while the first is in flight returns the same promise; the store is closed once', async () => {
    const { store, closed } = storeWith(never);
    const { keyward, tokens } = await instance(store);
    await keyward.verify(tokens[0]!.plaintext);
    const first = keyward.close();
    const second = keyward.close();
    expect(second).toBe(first);
    await first;
    expect(keyward.close()).toBe(first);
    expect(closed).toEqual(['store']);
  });

  test('a write that settles after close() gave up on it: no unhandled rejection, nothing more reported', async () => {
    let fail: (error: Error) => void = () => {};
    const { store } = storeWith(() => new Promise<void>((_, reject) => (fail = reject)));
    const { keyward, errors, tokens } = await instance(store, { usage: false });
    await keyward.verify(tokens[0]!.plaintext);
    await keyward.close();
    fail(new StoreUnavailableError('connection reset'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(errors).toHaveLength(1);
  });

  test('a store that refuses the final writes: close() rejects with its StoreUnavailableError once the store is closed, reports nothing, and every later call returns that promise', async () => {
    const { store, closed } = storeWith(() => Promise.reject(new StoreUnavailableError('down')));
    const { keyward, errors, tokens } = await instance(store);
    await keyward.verify(tokens[0]!.plaintext);
    const closing = keyward.close();
    await expect(closing).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(closed).toEqual(['store']);
    expect(errors).toEqual([]);
    expect(keyward.close()).toBe(closing);
    await expect(keyward.list(ACTORS.owner)).rejects.toBeInstanceOf(ClosedError);
  });

  test('a store whose close() never settles: close() resolves and reports a CloseTimeoutError for the store step', async () => {
    const { store, closed } = storeWith(async () => {}, never);
    const { keyward, errors } = await instance(store);
    await keyward.close();
    expect(closed).toEqual(['store']);
    expect(errors).toMatchObject([{ code: 'CLOSE_TIMED_OUT', step: 'store', timeoutMs: 50, lastUsedUpdates: 0, usageCounts: 0 }]);
  });

  test("a store whose close() fails: close() rejects with StoreFailedError; when the final writes failed too, it rejects with the writes' error and reports the close failure", async () => {
    const broken = () => Promise.reject(new Error('socket already destroyed'));
    const one = await instance(storeWith(() => Promise.resolve(), broken).store);
    await expect(one.keyward.close()).rejects.toBeInstanceOf(StoreFailedError);
    expect(one.errors).toEqual([]);

    const both = await instance(storeWith(() => Promise.reject(new StoreUnavailableError('down')), broken).store);
    await both.keyward.verify(both.tokens[0]!.plaintext);
    await expect(both.keyward.close()).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(both.errors).toHaveLength(1);
    expect(both.errors[0]).toBeInstanceOf(StoreFailedError);
  });

  test('a silent store and a silent channel: every step is given up on in turn, the channel and the store still closed, and no timer is left behind', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'performance'] });
    const { store, closed } = storeWith(never, never);
    const channel: InvalidationChannel = { subscribe: () => ({ close: () => (closed.push('channel'), never()) }) };
    const { keyward, errors, tokens } = await instance(store, { cache: { channel } });
    await keyward.verify(tokens[0]!.plaintext);
    let done = false;
    const closing = keyward.close().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(150);
    await closing;
    expect(done).toBe(true);
    expect(closed).toEqual(['channel', 'store']);
    expect(errors.map((e) => (e as CloseTimeoutError).step)).toEqual(['writes', 'cache', 'store']);
    expect(vi.getTimerCount()).toBe(0);
  });

  test.each([0, -1, 1.5, Number.NaN, '5000'])('closeTimeoutMs %s → ConfigurationError naming it', (closeTimeoutMs) => {
    expect(() => createKeyward({ store: memoryStore(), resolveProject, closeTimeoutMs: closeTimeoutMs as number })).toThrow(ConfigurationError);
    expect(() => createKeyward({ store: memoryStore(), resolveProject, closeTimeoutMs: closeTimeoutMs as number })).toThrow(/closeTimeoutMs/);
  });
});
