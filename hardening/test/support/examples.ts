// The example servers (examples/*/src/server.ts …) as real child processes, started the ways a
// user starts them: `node --import tsx <file>` (what the examples' start scripts run) and the
// `tsx <file>` command, which runs the server in a child process of its own and relays signals
// to it. Each runs in its own process group, so a test can signal the group as a terminal's
// Ctrl-C does, or the one process a process manager knows.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redisStore } from '@keyward/redis';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { call, freePort, waitUntil } from '@keyward/test-kit/net';
import { startRedisServer } from '@keyward/test-kit/redis';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
const require = createRequire(import.meta.url);
const tsxLoader = require.resolve('tsx');
/** The `tsx` command itself (its package's bin). */
const tsxCli = join(require.resolve('tsx/package.json'), '..', 'dist', 'cli.mjs');

/** How the server is started: `node --import tsx file.ts`, or the `tsx file.ts` command. */
export type Launcher = 'node --import tsx' | 'tsx';
export const LAUNCHERS: readonly Launcher[] = ['node --import tsx', 'tsx'];

/** What to run and what to do afterwards; `cleanup` runs after the test. */
export type Cleanups = Array<() => Promise<void> | void>;

export interface Spawned {
  /** The process started: node itself, or the `tsx` command (whose child runs the server). */
  child: ChildProcess;
  port: number;
  output: () => string;
  /** Sends `signal` to the process started (as `kill <pid>` or a process manager does), or to its whole group (as Ctrl-C in a terminal does). */
  signal(signal: NodeJS.Signals, to?: 'process' | 'group'): void;
}

/** Starts `script` (a path from the repository root) with `launcher` and waits until its output holds `ready`. */
export async function spawnExample(
  cleanups: Cleanups,
  script: string,
  options: { env?: Record<string, string>; ready: string; launcher?: Launcher; cwd?: string },
): Promise<Spawned> {
  const port = await freePort();
  const launcher = options.launcher ?? 'node --import tsx';
  const args = launcher === 'tsx' ? [tsxCli, join(root, script)] : ['--import', tsxLoader, join(root, script)];
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? root,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json'), PORT: String(port), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a group signal reaches the server and its tsx parent, not the test.
    detached: true,
  });
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
  };
  cleanups.push(() => group('SIGKILL'));
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  await waitUntil(`${script} (${launcher}) to listen`, () => output.includes(options.ready), 60_000);
  return {
    child,
    port,
    output: () => output,
    signal: (signal, to = 'process') => (to === 'group' ? group(signal) : child.kill(signal)),
  };
}

/** Each token's `last_used_at` in the keyward SQLite file `file` (opened read-only, then closed). */
export function sqliteLastUsed(file: string, ids: readonly string[]): Array<number | null> {
  const db = new Database(file, { readonly: true });
  try {
    const read = db.prepare<[string], number | null>('SELECT last_used_at FROM keyward_tokens WHERE id = ?').pluck();
    return ids.map((id) => read.get(id) ?? null);
  } finally {
    db.close();
  }
}

/** A running example server, with what the load tests need to drive it and to read "last used" afterwards. */
export interface Example extends Spawned {
  /** A guarded route an organization token passes. */
  guarded: string;
  createToken(name: string): Promise<{ id: string; plaintext: string }>;
  /** Each token's stored last-used instant (read after the server exited). */
  lastUsed(ids: readonly string[]): Promise<Array<number | null>>;
}

/** examples/dashboard (Hono, SQLite) on a temp database; with `flushMs`, last-used writes wait that long, so only shutdown writes them. */
export async function startDashboard(cleanups: Cleanups, launcher?: Launcher, flushMs = 600_000): Promise<Example> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-hardening-dashboard-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'dashboard.db');
  const spawned = await spawnExample(cleanups, 'examples/dashboard/src/server.ts', {
    env: { DASHBOARD_DB: file, DASHBOARD_LAST_USED_FLUSH_MS: String(flushMs) },
    ready: 'keyward dashboard on',
    launcher,
  });
  return {
    ...spawned,
    guarded: '/api/organization',
    async createToken(name) {
      // No cookie: the example signs everyone in as its first user, an owner.
      // The dashboard declares a permission catalog, so each token names at least one.
      const answer = await call(spawned.port, 'POST', '/settings/tokens', { body: { name, scope: { kind: 'organization' }, expiresIn: '30d', permissions: ['builds:read'] } });
      expect(answer.status).toBe(201);
      return { id: answer.json.token.id, plaintext: answer.json.plaintext };
    },
    lastUsed: async (ids) => sqliteLastUsed(file, ids),
  };
}

/** examples/express-api (Express, Redis) on a Redis server of its own. */
export async function startExpressApi(cleanups: Cleanups, launcher?: Launcher): Promise<Example> {
  const redis = await startRedisServer();
  cleanups.push(() => redis.stop());
  const spawned = await spawnExample(cleanups, 'examples/express-api/src/server.ts', { env: { REDIS_URL: `redis://127.0.0.1:${redis.port}` }, ready: 'express-api on', launcher });
  return {
    ...spawned,
    guarded: '/v1/usage',
    async createToken(name) {
      const answer = await call(spawned.port, 'POST', '/settings/tokens', { headers: { 'x-user': 'alice' }, body: { name, scope: { kind: 'organization' }, expiresIn: '30d' } });
      expect(answer.status).toBe(201);
      return { id: answer.json.token.id, plaintext: answer.json.plaintext };
    },
    async lastUsed(ids) {
      const client = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true });
      try {
        const store = redisStore({ client, keyPrefix: 'express-api:' });
        return await Promise.all(ids.map(async (id) => (await store.get('org_acme', id))?.lastUsedAt ?? null));
      } finally {
        client.disconnect();
      }
    },
  };
}

/** examples/better-auth (Hono, better-auth, SQLite) in a temp directory (its database file is made in the working directory). */
export async function startBetterAuth(cleanups: Cleanups, launcher?: Launcher): Promise<Spawned> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-hardening-better-auth-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return spawnExample(cleanups, 'examples/better-auth/src/server.ts', { ready: 'Listening on http://127.0.0.1:', launcher, cwd: dir });
}

/** examples/ui-frameworks (Hono, the element in plain HTML, React and Vue). */
export async function startUiFrameworks(cleanups: Cleanups, launcher?: Launcher): Promise<Spawned> {
  return spawnExample(cleanups, 'examples/ui-frameworks/src/main.ts', { ready: '<keyward-tokens> from plain HTML', launcher });
}
