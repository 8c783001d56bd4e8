// SQLite never freezes the process. better-sqlite3 is synchronous: a write that waits for
// another process's lock waits on the event loop. Here another OS process holds the write lock
// (BEGIN IMMEDIATE) for 10 s while this process keeps verifying, creating, deleting and
// recording last-used times. Nothing may stall the event loop, verification keeps answering
// from the WAL, writes fail closed fast, background last-used flushes back off, and once the
// lock is released every last-used time is written.
//
// "Blocks the event loop" is measured where it happens: the wall time of every synchronous call
// the store makes into better-sqlite3 (statements, transactions, pragmas), through a timing proxy
// around the handle. Writes are what a lock can hold, so every write-side call must stay under
// 50 ms; reads (SELECTs, which WAL never makes wait) are held to the verify p99. A timer-lag
// probe runs too and is printed, but on a shared machine it also sees the scheduler (lags of
// 100–250 ms with the process idle, and a 0.03 ms lookup now and then measures 45 ms when the
// process is descheduled in the middle of it), so it is held to a looser bound.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyward, StoreUnavailableError, type Actor, type LastUsedUpdate, type TokenStore } from '@keyward/core';
import { sqliteStore } from '@keyward/sqlite';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { sleep, waitUntil } from '@keyward/test-kit/net';

const LOCK_MS = 10_000;
const TOKENS = 20;
const FLUSH_DELAY_MS = 100;
const owner: Actor = { userId: 'u_lock', organizationId: 'org_lock', role: 'owner' };
const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Another OS process that takes the write lock, says "locked", holds it `ms`, commits and says "released". */
async function holdWriteLock(file: string, ms: number): Promise<{ child: ChildProcess; released: Promise<number> }> {
  const script = `
    const Database = require(process.argv[1]);
    const db = new Database(process.argv[2]);
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); process.stdout.write('released\\n'); }, Number(process.argv[3]));`;
  const child = spawn(process.execPath, ['-e', script, betterSqlite3, file, String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => void child.kill('SIGKILL'));
  let output = '';
  let releasedAt = 0;
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (!releasedAt && output.includes('released')) releasedAt = Date.now();
  });
  await waitUntil('the lock holder to lock', () => output.includes('locked'), 15_000);
  const released = waitUntil('the lock holder to release', () => releasedAt > 0, ms + 15_000).then(() => releasedAt);
  return { child, released };
}

interface Timing {
  on: boolean;
  /** Wall ms of each call: SELECT statements under `reads`, everything else (writes, transactions, pragmas) under `writes`. */
  reads: number[];
  writes: number[];
}

/** `db` behind a proxy that records the wall time of every synchronous call into it while `timing.on`. */
function timedHandle(db: Database.Database, timing: Timing): Database.Database {
  const time = <R>(side: 'reads' | 'writes', run: () => R): R => {
    const start = performance.now();
    try {
      return run();
    } finally {
      if (timing.on) timing[side].push(performance.now() - start);
    }
  };
  // A transaction function's variants are read-only properties, which a proxy may not replace.
  const transaction = (txn: Database.Transaction<(...a: unknown[]) => unknown>) => {
    const timed = (...args: unknown[]) => time('writes', () => txn(...args));
    for (const variant of ['deferred', 'immediate', 'exclusive'] as const) {
      (timed as unknown as Record<string, unknown>)[variant] = (...args: unknown[]) => time('writes', () => txn[variant](...args));
    }
    return timed;
  };
  const wrap = <T extends object>(target: T, side: 'reads' | 'writes' = 'writes'): T => {
    const proxy: T = new Proxy(target, {
      get(object, property) {
        const value = Reflect.get(object, property, object) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result = time(side, () => (value as (...a: unknown[]) => unknown).apply(object, args));
          // Statements and transaction functions are timed too; chained setters (raw, pluck…) return the statement itself.
          if (result === object) return proxy;
          if (property === 'prepare') return wrap(result as object, /^\s*SELECT\b/i.test(String(args[0])) ? 'reads' : 'writes');
          if (property === 'transaction') return transaction(result as Database.Transaction<(...a: unknown[]) => unknown>);
          return result;
        };
      },
    });
    return proxy;
  };
  return wrap(db);
}

/** The store, with each touch() call's start, end and batch size recorded. */
function recordingTouches(store: TokenStore) {
  const touches: Array<{ start: number; end: number; size: number; ok: boolean }> = [];
  const wrapped: TokenStore = {
    ...store,
    findByHash: (hash) => store.findByHash(hash),
    async touch(updates: readonly LastUsedUpdate[]) {
      const entry = { start: performance.now(), end: 0, size: updates.length, ok: false };
      touches.push(entry);
      try {
        await store.touch(updates);
        entry.ok = true;
      } finally {
        entry.end = performance.now();
      }
    },
  };
  return { store: wrapped, touches };
}

const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil(values.length * 0.99) - 1)] ?? 0;

describe('SQLite never freezes the process', () => {
  test(`another process holds the write lock for 10 s: 0 store writes hold the event loop ≥ 50 ms, verifies keep answering (p99 ≤ 20 ms), every create answers StoreUnavailableError within 1 s, last-used flushes back off exponentially and all ${TOKENS} are written after the release`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyward-hardening-lock-'));
    const file = join(dir, 'lock.db');
    // better-sqlite3's default handle: a 5 s busy timeout.
    const db = new Database(file);
    cleanups.push(() => {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const timing: Timing = { on: false, reads: [], writes: [] };
    const { store, touches } = recordingTouches(sqliteStore({ db: timedHandle(db, timing) }));
    const errors: unknown[] = [];
    const keyward = createKeyward({ store, resolveProject: () => null, lastUsedIntervalMs: 1000, lastUsedFlushDelayMs: FLUSH_DELAY_MS, onError: (e) => errors.push(e) });
    cleanups.push(() => keyward.close().catch(() => {}));
    const tokens: Array<{ id: string; plaintext: string }> = [];
    for (let i = 0; i < TOKENS; i++) {
      const { plaintext, token } = await keyward.create(owner, { name: `lock ${i}`, scope: { kind: 'organization' }, expiresIn: '30d' });
      tokens.push({ id: token.id, plaintext });
    }
    const victim = tokens[0]!.id;

    // Event-loop lag: a 5 ms timer chain; any gap beyond 5 ms is time the loop could not run.
    let maxLagMs = 0;
    const spikes: string[] = [];
    let lockedAtForSpikes = Date.now();
    let probing = true;
    const probe = (async () => {
      let last = performance.now();
      while (probing) {
        await sleep(5);
        const now = performance.now();
        maxLagMs = Math.max(maxLagMs, now - last - 5);
        if (now - last - 5 > 20) spikes.push(`${Math.round(now - last - 5)}ms@${Math.round(Date.now() - lockedAtForSpikes)}`);
        last = now;
      }
    })();

    const { released } = await holdWriteLock(file, LOCK_MS);
    const lockedAt = Date.now();
    lockedAtForSpikes = lockedAt;
    timing.on = true;
    const lockEnds = lockedAt + LOCK_MS - 200;

    // Verify every token in turn as fast as the loop allows.
    const verifyMs: number[] = [];
    let verifyFailures = 0;
    const verifying = (async () => {
      for (let i = 0; Date.now() < lockEnds; i++) {
        const start = performance.now();
        const result = await keyward.verify(tokens[i % TOKENS]!.plaintext);
        verifyMs.push(performance.now() - start);
        if (!result.ok) verifyFailures++;
        await sleep(2);
      }
    })();

    // One write a second, alternating create and delete.
    const writes: Array<{ kind: string; ms: number; unavailable: boolean; error?: string }> = [];
    const writing = (async () => {
      for (let i = 0; Date.now() < lockEnds - 1000; i++) {
        const start = performance.now();
        const attempt =
          i % 2 === 0
            ? keyward.create(owner, { name: `during lock ${i}`, scope: { kind: 'organization' }, expiresIn: '30d' })
            : keyward.delete(owner, victim);
        const error = await attempt.then(
          () => undefined,
          (e: unknown) => e,
        );
        writes.push({ kind: i % 2 === 0 ? 'create' : 'delete', ms: performance.now() - start, unavailable: error instanceof StoreUnavailableError, ...(error && !(error instanceof StoreUnavailableError) ? { error: String(error) } : {}) });
        await sleep(Math.max(0, 1000 - (performance.now() - start)));
      }
    })();

    await Promise.all([verifying, writing]);
    const duringLock = touches.filter((t) => t.start < performance.now());
    timing.on = false;
    const lagDuringLockMs = maxLagMs;
    const releasedAt = await released;

    // After the release, every token used during the lock gets its last-used time (bounded wait).
    const read = new Database(file, { readonly: true });
    cleanups.push(() => void read.close());
    const lastUsed = read.prepare<[string], number | null>('SELECT last_used_at FROM keyward_tokens WHERE id = ?').pluck();
    const written = () => tokens.filter((t) => (lastUsed.get(t.id) ?? 0) >= lockedAt).length;
    let writtenAfterMs = -1;
    try {
      await waitUntil('every last-used time to be written', () => written() === TOKENS, 30_000);
      writtenAfterMs = Date.now() - releasedAt;
    } catch {
      // Reported below.
    }
    probing = false;
    await probe;

    const failedTouches = duringLock.filter((t) => !t.ok);
    // Waits between one failed flush's end and the next flush's start.
    const waits = failedTouches.slice(1).map((t, i) => Math.round(t.start - failedTouches[i]!.end));
    const creates = writes.filter((w) => w.kind === 'create');
    console.log(
      `[sqlite-lock] lock held ${LOCK_MS} ms: ${timing.writes.length} write-side store calls into SQLite, longest ${Math.max(...timing.writes).toFixed(2)} ms, ${timing.writes.filter((ms) => ms >= 50).length} ≥ 50 ms; ` +
        `${timing.reads.length} reads, longest ${Math.max(...timing.reads).toFixed(2)} ms; ` +
        `timer-lag probe max ${lagDuringLockMs.toFixed(1)} ms during the lock (lags > 20 ms, ms@ms since locked: ${spikes.join(' ') || 'none'}); ${verifyMs.length} verifies, p99 ${p99(verifyMs).toFixed(2)} ms, max ${Math.max(...verifyMs).toFixed(1)} ms, ${verifyFailures} refused; ` +
        `writes (kind ms unavailable): ${writes.map((w) => `${w.kind} ${w.ms.toFixed(0)} ${w.unavailable}${w.error ? ` ${w.error}` : ''}`).join(', ')}; ` +
        `${failedTouches.length} failed flushes during the lock, waits between them ${JSON.stringify(waits)} ms, largest batch ${Math.max(...touches.map((t) => t.size))}; ` +
        `last-used written ${written()}/${TOKENS}, ${writtenAfterMs} ms after the release`,
    );

    expect(timing.writes.length).toBeGreaterThan(0);
    expect(timing.writes.filter((ms) => ms >= 50)).toEqual([]);
    // Scheduler noise on a loaded machine reaches 100–200 ms; a lock wait on the loop is 5 000 ms.
    expect(lagDuringLockMs).toBeLessThan(1000);
    expect(verifyFailures).toBe(0);
    expect(p99(verifyMs)).toBeLessThanOrEqual(20);
    expect(creates.length).toBeGreaterThanOrEqual(4);
    for (const write of writes) {
      expect(write).toMatchObject({ unavailable: true });
      expect(write.ms).toBeLessThan(1000);
    }
    expect(failedTouches.length).toBeGreaterThanOrEqual(3);
    // Backoff, judged on the whole series so one late timer on a busy machine cannot fail it: the
    // waits grow (the last at least 4× the first; a fixed 1 s retry gives 1×) and stay few.
    expect(waits.at(-1)!).toBeGreaterThanOrEqual(waits[0]! * 4);
    expect(failedTouches.length).toBeLessThanOrEqual(8);
    // Coalesced per token: a batch never holds more updates than there are distinct tokens.
    expect(Math.max(...touches.map((t) => t.size))).toBeLessThanOrEqual(TOKENS);
    expect(written()).toBe(TOKENS);
    expect(errors.every((e) => e instanceof StoreUnavailableError)).toBe(true);
  }, 60_000);
});
