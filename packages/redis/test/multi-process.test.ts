import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { DeleteManyResult, TokenRecord } from '@keyward/core';
import { makeRecord } from '@keyward/store-tests';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FAIL_FAST, deleteKeysWithPrefix, randomPrefix } from './keys.js';
import type { WorkerRequest, WorkerResponse } from './worker.js';

// Workers run the TypeScript sources through tsx; the root tsconfig's paths point @keyward/core
// at packages/core/src, so nothing needs building first.
const tsx = createRequire(import.meta.url).resolve('tsx');
const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));
const tsconfig = fileURLToPath(new URL('../../../tsconfig.json', import.meta.url));

type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

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

function startWorker(keyPrefix: string): Worker {
  const child = fork(workerPath, ['6379', keyPrefix], {
    execArgv: ['--import', tsx],
    env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Worker(child);
}

describe('two OS processes sharing one Redis', () => {
  const keyPrefix = randomPrefix();
  const admin = new Redis({ ...FAIL_FAST, port: 6379 });
  let a: Worker;
  let b: Worker;

  beforeAll(async () => {
    a = startWorker(keyPrefix);
    b = startWorker(keyPrefix);
    await Promise.all([a.ready, b.ready]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await deleteKeysWithPrefix(admin, keyPrefix);
    await admin.quit();
  });

  test('of 50 concurrent inserts of one name key, split across two processes, exactly one succeeds', async () => {
    const records = Array.from({ length: 50 }, (_, i) => makeRecord({ organizationId: 'org_race', name: `Race ${i}`, nameKey: 'race' }));
    const [fromA, fromB] = await Promise.all([
      a.request<string[]>({ type: 'insert', records: records.slice(0, 25) }),
      b.request<string[]>({ type: 'insert', records: records.slice(25) }),
    ]);
    const outcomes = [...fromA, ...fromB];
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'name_taken')).toHaveLength(49);
    const winner = records[outcomes.indexOf('ok')]!;
    expect(await b.request<TokenRecord | null>({ type: 'findByHash', hash: winner.hash })).toEqual(winner);
    for (const loser of records.filter((r) => r !== winner).slice(0, 5)) {
      expect(await a.request<TokenRecord | null>({ type: 'findByHash', hash: loser.hash })).toBeNull();
    }
  });

  test('a token deleted in process A is refused by process B on its very next lookup, 1000 of 1000 times', { timeout: 300_000 }, async () => {
    const records = Array.from({ length: 1000 }, () => makeRecord({ organizationId: 'org_revoke' }));
    expect(await a.request<string[]>({ type: 'insert', records })).toEqual(records.map(() => 'ok'));
    let refused = 0;
    for (const record of records) {
      // B has seen the token live, so a stale answer would be possible if anything cached it.
      expect(await b.request<TokenRecord | null>({ type: 'findByHash', hash: record.hash })).toEqual(record);
      const result = await a.request<DeleteManyResult>({ type: 'deleteMany', organizationId: 'org_revoke', ids: [record.id] });
      expect(result.ok).toBe(true);
      if ((await b.request<TokenRecord | null>({ type: 'findByHash', hash: record.hash })) === null) refused++;
    }
    expect(refused).toBe(1000);
  });
});
