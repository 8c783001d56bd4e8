import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tempDatabase, type TempDatabase } from './temp-db.js';
import { startWorker as startIpcWorker, type Worker } from '@keyward/test-kit/ipc-worker';
import { countUsageInBoth, deletedInARefusedByB, raceForOneName, spendAcrossProcesses, type KeywardWorkerRequest } from '@keyward/test-kit/keyward-worker';

const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));

type Request = KeywardWorkerRequest;

function startWorker(path: string): Worker<Request> {
  return startIpcWorker<Request>(workerPath, [path]);
}

describe('two OS processes sharing one SQLite file', () => {
  let file: TempDatabase;
  let a: Worker<Request>;
  let b: Worker<Request>;

  beforeAll(async () => {
    file = tempDatabase();
    // Both start on a file with no tables, so both try to migrate at once.
    a = startWorker(file.path);
    b = startWorker(file.path);
    await Promise.all([a.ready, b.ready]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    file?.remove();
  });

  test('both processes set the schema up concurrently: it is applied exactly once', () => {
    const db = file.open({ readonly: true });
    expect(db.prepare('SELECT version FROM keyward_schema_version ORDER BY version').pluck().all()).toEqual([1, 2, 3]);
  });

  test('of 50 concurrent creates of one name, split across the two processes, exactly one succeeds', async () => {
    const outcomes = await raceForOneName(a, b);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'NAME_TAKEN')).toHaveLength(49);
    const db = file.open({ readonly: true });
    expect(db.prepare(`SELECT COUNT(*) FROM keyward_tokens WHERE name_key = 'race'`).pluck().get()).toBe(1);
  });

  test('a token deleted in one process is refused by the other on its very next lookup, 1000 times out of 1000', { timeout: 120_000 }, async () => {
    expect(await deletedInARefusedByB(a, b, 1000)).toBe(1000);
  });

  test('1000 concurrent verifications of a token with 100 credits, half in each process, accept exactly 100; the rest are USAGE_EXHAUSTED and none goes below zero', { timeout: 120_000 }, async () => {
    const outcomes = await spendAcrossProcesses(a, b, 100, 1000);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(100);
    expect(outcomes.filter((o) => o === 'USAGE_EXHAUSTED')).toHaveLength(900);
    const db = file.open({ readonly: true });
    expect(db.prepare('SELECT remaining FROM keyward_tokens WHERE remaining IS NOT NULL').all()).toEqual([{ remaining: 0 }]);
  });

  test('both processes count usage of one token and flush at the same moment, 10 times: no count is lost or doubled', { timeout: 120_000 }, async () => {
    const total = await countUsageInBoth(a, b, 10, 40, 10);
    expect(total.accepted).toBe(2 * 10 * 40);
    expect(total.refused.SCOPE_DENIED).toBe(2 * 10 * 10);
  });

  test('a process SIGKILLed between flushes loses only the counts since its last flush (at most one interval), nothing flushed before', { timeout: 120_000 }, async () => {
    const c = startWorker(file.path);
    await c.ready;
    const { plaintext, id } = await a.request<{ plaintext: string; id: string }>({ type: 'createWithCredits', remaining: 1_000_000 });
    await c.request({ type: 'verifyAndFlush', plaintext, accepted: 30, refused: 5 });
    // Counted in C's memory, not yet written (the flush interval is 10 s): lost with the process.
    await c.request({ type: 'verifyConcurrently', plaintext, count: 20 });
    c.child.kill('SIGKILL');
    await once(c.child, 'exit');
    const total = await a.request<{ accepted: number; refused: Record<string, number> }>({ type: 'usage', tokenId: id });
    expect(total.accepted).toBe(30);
    expect(total.refused.SCOPE_DENIED).toBe(5);
  });
});
