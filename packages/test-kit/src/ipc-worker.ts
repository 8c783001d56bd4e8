// A child process that answers requests over IPC, for tests that need two OS processes on one
// store. Workers run the TypeScript sources through tsx; the root tsconfig's paths point
// @keyward/* at packages/*/src, so nothing needs building first.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const tsx = createRequire(import.meta.url).resolve('tsx');
const tsconfig = fileURLToPath(new URL('../../../tsconfig.json', import.meta.url));

/** What a worker sends back: `id` 0 announces that it is ready. */
export interface WorkerResponse {
  id: number;
  result?: unknown;
  error?: string;
}

/** The test's handle on a worker started with `startWorker`. */
export class Worker<Request extends object> {
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

/** Forks `workerPath` (a .ts file) with `args`; await `worker.ready` before sending requests. */
export function startWorker<Request extends object>(workerPath: string, args: string[]): Worker<Request> {
  const child = fork(workerPath, args, {
    execArgv: ['--import', tsx],
    env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Worker<Request>(child);
}

/** Worker side: answers each request with `handle`'s result or error. Call `announceReady()` once set up. */
export function serveRequests<Request extends { id: number }>(handle: (request: Request) => Promise<unknown>): void {
  process.on('message', (request: Request) => {
    handle(request).then(
      (result) => process.send!({ id: request.id, result } satisfies WorkerResponse),
      (error: unknown) => process.send!({ id: request.id, error: String(error) } satisfies WorkerResponse),
    );
  });
}

export function announceReady(): void {
  process.send!({ id: 0, result: 'ready' } satisfies WorkerResponse);
}
