// Failed background last-used flushes back off exponentially, keep one pending update per token,
// and lose nothing once the store writes again. Virtual time, so the schedule is exact.
import { createKeyward, memoryStore, StoreUnavailableError, type LastUsedUpdate, type TokenStore } from '@keyward/core';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';

const owner = { userId: 'u_admin', organizationId: 'org_a', role: 'owner' } as const;

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('last-used flush backoff', () => {
  test('a store down for 60 s: flush attempts 0.1 s, then 0.2, 0.4, 0.8 … s apart up to 30 s (9 attempts, not 600); batches hold ≤ 3 updates for 3 tokens; all 3 written after recovery', async () => {
    const inner = memoryStore();
    let down = true;
    const attempts: Array<{ at: number; size: number }> = [];
    const store: TokenStore = {
      ...inner,
      findByHash: (hash) => inner.findByHash(hash),
      touch(updates: readonly LastUsedUpdate[]) {
        attempts.push({ at: Date.now(), size: updates.length });
        return down ? Promise.reject(new StoreUnavailableError('down')) : inner.touch(updates);
      },
    };
    const errors: unknown[] = [];
    const keyward = createKeyward({ store, resolveProject: () => null, lastUsedIntervalMs: 1000, lastUsedFlushDelayMs: 100, onError: (e) => errors.push(e) });
    const tokens = [];
    for (let i = 0; i < 3; i++) tokens.push(await keyward.create(owner, { name: `t${i}`, scope: { kind: 'organization' }, expiresIn: 'never' }));
    const start = Date.now();
    // Each token used every 50 ms for 60 s while the store is down.
    for (let t = 0; t < 60_000; t += 50) {
      for (const { plaintext } of tokens) expect((await keyward.verify(plaintext)).ok).toBe(true);
      await vi.advanceTimersByTimeAsync(50);
    }
    const gaps = attempts.map((a, i) => a.at - (i === 0 ? start : attempts[i - 1]!.at));
    expect(gaps).toEqual([100, 200, 400, 800, 1600, 3200, 6400, 12_800, 25_600].slice(0, gaps.length));
    expect(attempts.length).toBe(9);
    expect(Math.max(...attempts.map((a) => a.size))).toBe(3);
    expect(errors).toHaveLength(9);

    down = false;
    await vi.advanceTimersByTimeAsync(30_000);
    for (const { token } of tokens) expect((await inner.get('org_a', token.id))?.lastUsedAt).toBeGreaterThan(start);
    // Once a flush succeeds, the next one waits the normal delay again.
    const before = attempts.length;
    await keyward.verify(tokens[0]!.plaintext);
    await vi.advanceTimersByTimeAsync(1_100);
    await keyward.verify(tokens[0]!.plaintext);
    await vi.advanceTimersByTimeAsync(100);
    expect(attempts.length).toBeGreaterThan(before);
    await keyward.close();
  });
});
