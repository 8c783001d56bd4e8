// The shim that runs the tables outside vitest must fail when vitest would: checked here, under vitest.
import { describe as vDescribe, expect as vExpect, test as vTest } from 'vitest';
import { describe, expect, run, test } from '../src/mini-vitest.js';

vDescribe('mini-vitest (the runtime matrix runner)', () => {
  vTest.each([
    { label: 'toBe', check: () => expect(1).toBe(2) },
    { label: 'toEqual on nested objects', check: () => expect({ a: { b: [1, 2] } }).toEqual({ a: { b: [1, 3] } }) },
    { label: 'toMatchObject with a missing key', check: () => expect({ a: 1 }).toMatchObject({ a: 1, b: 2 }) },
    { label: 'toMatchObject with expect.any', check: () => expect({ title: 1 }).toMatchObject({ title: expect.any(String) }) },
    { label: 'not.toContain', check: () => expect('has kw_secret').not.toContain('kw_secret') },
    { label: 'toHaveLength', check: () => expect([1]).toHaveLength(2) },
    { label: 'not.toHaveProperty', check: () => expect({ hash: 'x' }).not.toHaveProperty('hash') },
    { label: 'toBeNull', check: () => expect(undefined).toBeNull() },
    { label: 'toMatch with a pattern', check: () => expect('limit=10, remaining=0').toMatch(/remaining=1/) },
    { label: 'toMatch with a string', check: () => expect('limit=10').toMatch('remaining') },
    { label: 'toMatch on a non-string', check: () => expect(10).toMatch(/10/) },
    { label: 'toBeLessThanOrEqual', check: () => expect(3).toBeLessThanOrEqual(2) },
    { label: 'toBeInstanceOf', check: () => expect(new TypeError('x')).toBeInstanceOf(RangeError) },
    { label: 'toEqual with expect.stringMatching', check: () => expect({ id: 'key_1' }).toEqual({ id: expect.stringMatching(/^tok_/) }) },
    { label: 'expect.stringMatching on a number', check: () => expect([1]).toEqual([expect.stringMatching(/1/)]) },
    { label: 'toBeLessThanOrEqual', check: () => expect(3).toBeLessThanOrEqual(2) },
    { label: 'toMatch', check: () => expect('SQLITE_FULL').toMatch(/^SQLITE_BUSY/) },
  ])('$label fails on a mismatch', ({ check }) => {
    vExpect(check).toThrow(/expected/);
  });

  vTest.each([
    { label: 'rejects on a promise that resolves', check: () => expect(Promise.resolve(1)).rejects.toBeInstanceOf(Error) },
    { label: 'rejects.toMatchObject on another reason', check: () => expect(Promise.reject(Object.assign(new Error('x'), { code: 'A' }))).rejects.toMatchObject({ code: 'B' }) },
    { label: 'rejects.not.toBeInstanceOf', check: () => expect(Promise.reject(new TypeError('x'))).rejects.not.toBeInstanceOf(TypeError) },
  ])('$label fails (as in vitest)', async ({ check }) => {
    await vExpect(check()).rejects.toThrow(/expected/);
  });

  vTest('matching values pass, undefined properties are ignored by toEqual (as in vitest)', async () => {
    expect({ a: 1, b: undefined }).toEqual({ a: 1 });
    expect({ status: 401, body: { code: 'X', extra: 1 } }).toMatchObject({ body: { code: 'X' } });
    expect('abc').toContain('b');
    expect([{ id: 'tok_1' }]).toEqual([{ id: expect.stringMatching(/^tok_/) }]);
    expect(2).toBeLessThanOrEqual(2);
    expect('SQLITE_BUSY_SNAPSHOT').toMatch(/^SQLITE_BUSY/);
    await expect(Promise.reject(Object.assign(new Error('x'), { code: 'A' }))).rejects.toMatchObject({ code: 'A' });
  });

  vTest('rejects and resolves apply the matchers to what the promise settles with, and fail on the other outcome', async () => {
    await expect(Promise.reject(Object.assign(new Error('x'), { remainingPoints: 0 }))).rejects.toMatchObject({ remainingPoints: 0 });
    await expect(Promise.resolve(2)).resolves.toBe(2);
    await vExpect(expect(Promise.reject({ remainingPoints: 1 })).rejects.toMatchObject({ remainingPoints: 0 })).rejects.toThrow(/expected/);
    await vExpect(expect(Promise.resolve({ remainingPoints: 0 })).rejects.toMatchObject({ remainingPoints: 0 })).rejects.toThrow(/expected the promise to reject, it resolved/);
    await vExpect(expect(Promise.reject(new Error('no'))).resolves.toBe(1)).rejects.toThrow(/expected the promise to resolve, it rejected/);
  });

  vTest('a message given to expect() names the failing check', () => {
    vExpect(() => expect(1, 'insert() on a broken store').toBe(2)).toThrow(/^insert\(\) on a broken store: expected 1 to be 2$/);
  });

  vTest('run() reports failing tests and hooks with their names, passing ones as ok', async () => {
    describe('suite', () => {
      test.each([{ n: 1 }, { n: 2 }])('row $n', ({ n }) => expect(n).toBe(1));
    });
    const results = await run();
    vExpect(results).toEqual([
      { name: 'suite > row 1', ok: true },
      { name: 'suite > row 2', ok: false, error: 'Error: expected 2 to be 1' },
    ]);
    // Run once: a later run() has only what was declared since.
    vExpect(await run()).toEqual([]);
  });

  vTest('run({ suitesAtOnce: true }) runs the top-level suites at the same time, each one test at a time, and reports in declaration order', async () => {
    const events: string[] = [];
    const step = (label: string, ms: number) => async () => {
      events.push(`${label} start`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      events.push(`${label} end`);
    };
    describe('slow', () => {
      test('a', step('slow a', 40));
      test('b', step('slow b', 40));
    });
    describe('quick', () => {
      test('c', step('quick c', 10));
      test('d', () => expect(1).toBe(2));
    });
    const results = await run({ suitesAtOnce: true });
    vExpect(results).toEqual([
      { name: 'slow > a', ok: true },
      { name: 'slow > b', ok: true },
      { name: 'quick > c', ok: true },
      { name: 'quick > d', ok: false, error: 'Error: expected 1 to be 2' },
    ]);
    // Both suites started before either ended; within a suite, a test starts after the one before it ended.
    vExpect(events.slice(0, 2)).toEqual(['slow a start', 'quick c start']);
    vExpect(events.indexOf('slow b start')).toBeGreaterThan(events.indexOf('slow a end'));
  });

  vTest('run({ suitesAtOnce: true }) refuses a test declared outside a describe block', async () => {
    test('loose', () => undefined);
    await vExpect(run({ suitesAtOnce: true })).rejects.toThrow(/top-level describe blocks only/);
  });
});
