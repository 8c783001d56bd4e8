// Child processes that run keyward from its TypeScript sources and talk to the test over IPC.
//
// Crash tests start dozens of children (each one is SIGKILLed), so startup time matters: the
// worker scripts are bundled once per test file with esbuild (the one tsx itself runs on),
// which starts a child in about half the time `node --import tsx` takes. Native and driver
// packages stay external and load from hardening/node_modules. Without esbuild, the children
// fall back to `node --import tsx`.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const tsx = require.resolve('tsx');
const tsconfig = fileURLToPath(new URL('../../../tsconfig.json', import.meta.url));
const workersDir = fileURLToPath(new URL('../workers/', import.meta.url));
const hardeningDir = fileURLToPath(new URL('../../', import.meta.url));

export type WorkerName = 'sqlite-bulk-delete' | 'redis-writes' | 'race' | 'last-used';

interface Launch {
  file: string;
  execArgv: string[];
}

let bundled: Promise<Map<WorkerName, Launch>> | undefined;
let bundleDir: string | undefined;

async function bundle(): Promise<Map<WorkerName, Launch>> {
  const names: WorkerName[] = ['sqlite-bulk-delete', 'redis-writes', 'race', 'last-used'];
  const launches = new Map<WorkerName, Launch>();
  let esbuild: { build(options: Record<string, unknown>): Promise<unknown> } | undefined;
  try {
    esbuild = createRequire(tsx)('esbuild') as typeof esbuild;
  } catch {
    esbuild = undefined;
  }
  if (!esbuild) {
    for (const name of names) launches.set(name, { file: join(workersDir, `${name}.ts`), execArgv: ['--import', tsx] });
    return launches;
  }
  // Inside hardening/node_modules, so the bundle's bare imports (better-sqlite3, ioredis) resolve.
  const cache = join(hardeningDir, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  bundleDir = mkdtempSync(join(cache, 'keyward-workers-'));
  process.once('exit', () => rmSync(bundleDir!, { recursive: true, force: true }));
  await esbuild.build({
    entryPoints: names.map((name) => join(workersDir, `${name}.ts`)),
    outdir: bundleDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    tsconfig,
    external: ['better-sqlite3', 'ioredis'],
    // CommonJS dependencies bundled into ESM (rate-limiter-flexible) call require() for Node
    // built-ins; ESM has none, so give the bundle one.
    banner: { js: "import { createRequire as __keywardRequire } from 'node:module'; const require = __keywardRequire(import.meta.url);" },
    logLevel: 'error',
  });
  for (const name of names) launches.set(name, { file: join(bundleDir, `${name}.mjs`), execArgv: [] });
  return launches;
}

/** Deletes the bundle this test file built (also done at process exit). */
export function removeBundle(): void {
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
}

/** A message a child sends without being asked (e.g. `{ event: 'started' }`). */
export interface ChildEvent {
  event: string;
  [key: string]: unknown;
}

/**
 * A child running one of ../workers/*.ts. `request` sends `{ id, ...message }` and resolves with
 * the child's `{ id, result }` (rejects on `{ id, error }`); `events` collects unsolicited messages.
 */
export class Child {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly events: ChildEvent[] = [];
  private readonly listeners: Array<(event: ChildEvent) => void> = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = '';

  constructor(readonly process: ChildProcess) {
    this.exited = new Promise((resolve) => {
      process.once('exit', (code, signal) => {
        for (const { reject } of this.waiting.values()) reject(new Error(`child exited (code ${code}, signal ${signal}) before answering`));
        this.waiting.clear();
        resolve({ code, signal });
      });
    });
    process.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    process.on('message', (message: { id?: number; result?: unknown; error?: string } & Partial<ChildEvent>) => {
      if (typeof message.event === 'string') {
        const event = message as ChildEvent;
        this.events.push(event);
        for (const listener of this.listeners) listener(event);
        return;
      }
      const waiter = this.waiting.get(message.id!);
      if (!waiter) return;
      this.waiting.delete(message.id!);
      if (message.error !== undefined) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result);
    });
  }

  /** Resolves with the first event named `name` (already received or to come). */
  event(name: string): Promise<ChildEvent> {
    const seen = this.events.find((e) => e.event === name);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      this.listeners.push((e) => e.event === name && resolve(e));
      void this.exited.then(({ code, signal }) => reject(new Error(`child exited (code ${code}, signal ${signal}) before "${name}"\n${this.stderr}`)));
    });
  }

  request<T = unknown>(message: Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.process.send({ ...message, id });
    });
  }

  send(message: Record<string, unknown>): void {
    this.process.send(message);
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.alive) this.process.kill(signal);
  }

  /** Asks the child to finish (IPC disconnect) and waits; SIGKILLs it after `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.alive) {
      if (this.process.connected) this.process.disconnect();
      const timer = setTimeout(() => this.kill(), timeoutMs);
      await this.exited;
      clearTimeout(timer);
    }
    return this.exited;
  }
}

const live = new Set<Child>();
process.once('exit', () => {
  for (const child of live) child.kill();
});

/** Starts a worker with `args`; resolves once it reported `{ event: 'ready' }`. */
export async function startChild(name: WorkerName, args: readonly string[]): Promise<Child> {
  bundled ??= bundle();
  const launch = (await bundled).get(name)!;
  const proc = fork(launch.file, [...args], {
    execArgv: launch.execArgv,
    env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  const child = new Child(proc);
  live.add(child);
  void child.exited.then(() => live.delete(child));
  await child.event('ready');
  return child;
}

/** Waits for a process to exit, bounded. */
export async function exitOf(proc: ChildProcess, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (proc.exitCode !== null || proc.signalCode !== null) return { code: proc.exitCode, signal: proc.signalCode };
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  const [code, signal] = (await once(proc, 'exit')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { code, signal };
}

/**
 * Sends `request` and then either waits for the answer and stops the child (`delayMs` null), or
 * SIGKILLs it `delayMs` after sending. `answered` says whether the work finished before the kill.
 */
export async function answerOrKill(
  child: Child,
  request: Record<string, unknown>,
  delayMs: number | null,
): Promise<{ answered: boolean; ms?: number; signal: NodeJS.Signals | null }> {
  let answered = false;
  let ms: number | undefined;
  const answer = child.request<{ ms: number }>(request).then(
    (result) => {
      answered = true;
      ms = result.ms;
    },
    () => {},
  );
  let signal: NodeJS.Signals | null = null;
  if (delayMs === null) {
    await answer;
    await child.stop();
  } else {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    child.kill('SIGKILL');
    ({ signal } = await child.exited);
  }
  return { answered, signal, ...(ms === undefined ? {} : { ms }) };
}
