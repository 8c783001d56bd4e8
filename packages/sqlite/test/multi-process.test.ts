import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tempDatabase, type TempDatabase } from './temp-db.js';
import type { WorkerRequest, WorkerResponse } from './worker.js';

// The worker runs the TypeScript sources through tsx; the root tsconfig's paths point
// @keyward/core at packages/core/src, so nothing needs building first.
const tsx = createRequire(import.meta.url).resolve('tsx');
const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));
const tsconfig = fileURLToPath(new URL('../../../tsconfig.json', import.meta.url));

// Distributes over the union, so each request type keeps its own fields.
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = WithoutId<WorkerRequest>;

class Worker {
  private nextId = 1;
  private readonly waiting = new Map<number, (response: WorkerResponse) => void>();
  readonly ready: Promise<void>;

  constructor(readonly child: ChildProcess) {
    this.ready = new Promise((resolve, reject) => {
      this.waiting.set(0, () => resolve());
      child.once('exit', (code) => reject(new Error(`worker exited with code ${code} before it was ready`)));
    });
    child.on('message', (response: WorkerResponse) => {
      this.waiting.get(response.id)?.(response);
      this.waiting.delete(response.id);
    });
  }

  request<T>(request: Request): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (response) => (response.error === undefined ? resolve(response.result as T) : reject(new Error(response.error))));
      this.child.send({ ...request, id });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.disconnect();
    await exited;
  }
}

function startWorker(path: string): Worker {
  const child = fork(workerPath, [path], {
    execArgv: ['--import', tsx],
    env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Worker(child);
}

describe('two OS processes sharing one SQLite file', () => {
  let file: TempDatabase;
  let a: Worker;
  let b: Worker;

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
