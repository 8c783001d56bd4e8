// The PostgreSQL and Redis stores on Bun and Deno, against this machine's servers: node-postgres and
// ioredis over each runtime's node:net. One bundle (src/server-stores.ts) holds both stores' whole
// conformance suites; each runtime runs it in one process. The database is this file's own,
// created and dropped here; the Redis keys are under prefixes of this run's own, deleted by each
// test and swept again at the end (never anything else).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, SHARED_SERVER, type TestDatabase } from '../../../packages/postgres/test/database.js';
import { deleteKeysWithPrefix, FAIL_FAST, keysWithPrefix } from '@keyward/test-kit/redis-keys';
import { bundleServerStores } from '../src/bundle.js';
import type { TestResult } from '../src/mini-vitest.js';
import type { ServerStoresSetup } from '../src/server-stores.js';

const outdir = fileURLToPath(new URL('../.out', import.meta.url));
const bin = (name: string) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));
const run = promisify(execFile);

const redisLabel = `server-stores-${randomBytes(6).toString('hex')}`;

interface Report {
  runtime: string;
  results: TestResult[];
}

const ROWS = [
  { runtime: 'Bun', command: (program: string) => [bin('bun'), [program]] as const },
  // The two servers and the environment (node-postgres reads PG* defaults), nothing else.
  { runtime: 'Deno', command: (program: string) => [bin('deno'), ['run', '--no-prompt', '--allow-net=127.0.0.1:5432,127.0.0.1:6379', '--allow-env', program]] as const },
] as const;

/** The contract sections each store must have run, by the names describeTokenStore gives them. */
const SECTIONS = ['limits (contract v3) >', 'rate limiter (contract v3) >', 'audit trail (contract v3) >', 'usage counts (contract v3) >', 'a broken store never answers findByHash() with null'];

describe('the PostgreSQL and Redis stores on Bun and Deno (node-postgres and ioredis over node:net)', () => {
  const reports = new Map<string, Report>();
  let database: TestDatabase | undefined;

  beforeAll(async () => {
    mkdirSync(outdir, { recursive: true });
    database = await createTestDatabase();
    const setup: ServerStoresSetup = { postgres: `postgres://${SHARED_SERVER.user}@${SHARED_SERVER.host}:${SHARED_SERVER.port}/${database.name}`, redisLabel };
    const program = await bundleServerStores(outdir);
    // Both at once: each run waits on the servers far more than it computes. Each row still fails on its own.
    await Promise.all(
      ROWS.map(async (row) => {
        const [command, args] = row.command(program);
        const { stdout } = await run(command, [...args, JSON.stringify(setup)], { timeout: 300_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
        reports.set(row.runtime, JSON.parse(stdout.trim().split('\n').at(-1)!) as Report);
      }),
    );
  }, 600_000);

  afterAll(async () => {
    try {
      await database?.drop();
    } finally {
      const redis = new Redis({ ...FAIL_FAST, port: 6379 });
      await deleteKeysWithPrefix(redis, `kwtest:${redisLabel}:`);
      await redis.quit();
    }
  }, 60_000);

  /** The results of one store's suite on `runtime`. */
  const suite = (runtime: string, store: string) => reports.get(runtime)!.results.filter((r) => r.name.startsWith(`TokenStore conformance: ${store} >`));

  test.each(ROWS)('$runtime: postgresStore on node-postgres over node:net passes the whole conformance suite', ({ runtime }) => {
    expect(reports.get(runtime)!.runtime.split(' ')[0]).toBe(runtime);
    const results = suite(runtime, 'postgresStore');
    expect(results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.error}`)).toEqual([]);
    // No silent empty run: as many tests as the suite holds on Node, each section among them.
    expect(results.length).toBeGreaterThanOrEqual(74);
    for (const section of SECTIONS) expect(results.some((r) => r.name.includes(`> ${section}`)), section).toBe(true);
  });

  test.each(ROWS)('$runtime: redisStore on ioredis over node:net passes the whole conformance suite', ({ runtime }) => {
    const results = suite(runtime, 'redisStore (standalone)');
    expect(results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.error}`)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(74);
    for (const section of SECTIONS) expect(results.some((r) => r.name.includes(`> ${section}`)), section).toBe(true);
  });

  test('both runtimes ran the same tests, and nothing but the two suites', () => {
    const names = (runtime: string) => reports.get(runtime)!.results.map((r) => r.name);
    expect(names('Deno')).toEqual(names('Bun'));
    expect(names('Bun').every((name) => /^TokenStore conformance: (postgresStore|redisStore \(standalone\)) > /.test(name))).toBe(true);
  });

  test('every Redis key the runs wrote under their prefixes is gone', async () => {
    const redis = new Redis({ ...FAIL_FAST, port: 6379 });
    try {
      expect(await keysWithPrefix(redis, `kwtest:${redisLabel}:`)).toEqual([]);
    } finally {
      await redis.quit();
    }
  });
});
