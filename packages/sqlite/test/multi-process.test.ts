import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tempDatabase, type TempDatabase } from './temp-db.js';
import { startWorker as startIpcWorker, type Worker } from '@keyward/test-kit/ipc-worker';
import type { WorkerRequest } from './worker.js';

const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));

// Distributes over the union, so each request type keeps its own fields.
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = WithoutId<WorkerRequest>;

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
    expect(db.prepare('SELECT version FROM keyward_schema_version').pluck().all()).toEqual([1]);
  });

  test('of 50 concurrent creates of one name, split across the two processes, exactly one succeeds', async () => {
    const spellings = ['Race', 'RACE', 'race', 'rAcE', 'RaCe'];
    const names = Array.from({ length: 50 }, (_, i) => spellings[i % spellings.length]!);
    const outcomes = (
      await Promise.all([a.request<string[]>({ type: 'create', names: names.slice(0, 25) }), b.request<string[]>({ type: 'create', names: names.slice(25) })])
    ).flat();
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'NAME_TAKEN')).toHaveLength(49);
    const db = file.open({ readonly: true });
    expect(db.prepare(`SELECT COUNT(*) FROM keyward_tokens WHERE name_key = 'race'`).pluck().get()).toBe(1);
  });

  test('a token deleted in one process is refused by the other on its very next lookup, 1000 times out of 1000', { timeout: 120_000 }, async () => {
    const tokens = await a.request<Array<{ plaintext: string; id: string }>>({ type: 'createMany', count: 1000 });
    expect(tokens).toHaveLength(1000);
    let refused = 0;
    for (const token of tokens) {
      // Accepted first, so B has read the row (and its page) before the delete.
      expect(await b.request({ type: 'verify', plaintext: token.plaintext })).toBe('ok');
      await a.request({ type: 'delete', tokenId: token.id });
      if ((await b.request({ type: 'verify', plaintext: token.plaintext })) === 'NOT_FOUND') refused++;
    }
    expect(refused).toBe(1000);
  });
});
