// @keyward/postgres and @keyward/redis inside workerd (Miniflare) with nodejs_compat: node-postgres
// connects to this machine's PostgreSQL through cloudflare:sockets, the way it does behind
// Hyperdrive, and ioredis to its Redis through workerd's node:net. Both stores' conformance suites
// run in one request of one Worker; then what workerd cannot do, each refused by name. The database
// is this file's own, created and dropped here; the Redis keys are under this run's own prefixes.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { redisStore } from '@keyward/redis';
import { Redis } from 'ioredis';
import { Miniflare } from 'miniflare';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deleteKeysWithPrefix, FAIL_FAST, keysWithPrefix } from '@keyward/test-kit/redis-keys';
import { bundleWorkerdNodeCompat } from '../src/bundle.js';
import type { TestResult } from '../src/mini-vitest.js';
import type { WorkerSetup } from '../src/server-stores-worker.js';
import { walkRecipe } from './recipe-walk.js';

const outdir = fileURLToPath(new URL('../.out', import.meta.url));
const SERVER = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;
const runId = randomBytes(6).toString('hex');
const database = `keyward_test_workerd_${runId}`;
const connectionString = `postgres://${SERVER.user}@${SERVER.host}:${SERVER.port}/${database}`;
const setup: WorkerSetup = { postgres: connectionString, redisLabel: `workerd-${runId}` };
/**
 * The earliest date ioredis loads on: workerd's own node:tty (which ioredis's `debug` loads) comes
 * with 2026-03-17; a day earlier the Worker fails at startup with `No such module "node:tty"`.
 */
const COMPATIBILITY_DATE = '2026-03-17';

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...SERVER, database: 'postgres', connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The names in the recipe's token table, read from Node. */
async function tokenNames(): Promise<string[]> {
  const client = new pg.Client({ ...SERVER, database, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query<{ name: string }>('SELECT name FROM keyward_tokens')).rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

/** A recipe of docs/stores.md (shown there verbatim) as a Worker in Miniflare, with `options` (its bindings). */
async function recipeWorker(name: string, options: { hyperdrives?: Record<string, string>; bindings?: Record<string, string> }): Promise<Miniflare> {
  const recipe = fileURLToPath(new URL(`../src/${name}.ts`, import.meta.url));
  const docs = readFileSync(new URL('../../../docs/stores.md', import.meta.url), 'utf8');
  expect(docs).toContain(`<!-- file: examples/runtime-matrix/src/${name}.ts -->\n<!-- excerpt -->\n\`\`\`ts\n${readFileSync(recipe, 'utf8')}\`\`\``);
  const scriptPath = await bundleWorkerdNodeCompat(recipe, outdir, name);
  return new Miniflare({ modules: [{ type: 'ESModule', path: scriptPath }], compatibilityDate: COMPATIBILITY_DATE, compatibilityFlags: ['nodejs_compat'], ...options });
}

describe('@keyward/postgres and @keyward/redis in workerd + nodejs_compat', () => {
  let mf: Miniflare;
  let results: TestResult[];
  const post = async (path: string) => (await mf.dispatchFetch(`http://worker${path}`, { method: 'POST', body: JSON.stringify(setup) })).json();

  beforeAll(async () => {
    mkdirSync(outdir, { recursive: true });
    await admin((client) => client.query(`CREATE DATABASE ${database}`));
    const scriptPath = await bundleWorkerdNodeCompat(fileURLToPath(new URL('../src/server-stores-worker.ts', import.meta.url)), outdir, 'server-stores-worker');
    // The module listed as is: rate-limiter-flexible's import(variable) of optional drivers (never
    // reached here) would stop Miniflare's walk of the module's imports.
    mf = new Miniflare({ modules: [{ type: 'ESModule', path: scriptPath }], compatibilityDate: COMPATIBILITY_DATE, compatibilityFlags: ['nodejs_compat'] });
    // Both suites in one request (one isolate, one bundle), at once: each store's tests pass or fail below.
    ({ results } = (await post('/suite')) as { results: TestResult[] });
  }, 600_000);

  afterAll(async () => {
    try {
      await mf?.dispose();
    } finally {
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
      const redis = new Redis({ ...FAIL_FAST, port: 6379 });
      await deleteKeysWithPrefix(redis, `kwtest:${setup.redisLabel}:`);
      await redis.quit();
    }
  }, 60_000);

  /** The suite's results for one store, checked whole: nothing failed, every section ran. */
  function expectWholeSuite(store: string): void {
    const mine = results.filter((r) => r.name.startsWith(`TokenStore conformance: ${store} >`));
    expect(mine.filter((r) => !r.ok).map((r) => `${r.name}: ${r.error}`)).toEqual([]);
    const names = mine.map((r) => r.name);
    // No silent empty run: every section of describeTokenStore ran here.
    expect(names.length).toBeGreaterThanOrEqual(74);
    for (const section of ['spend(', 'rateLimiter(', 'auditLog(', 'addUsage(', 'broken store', 'roll(', 'deleteMany(']) {
      expect(names.some((name) => name.includes(section)), section).toBe(true);
    }
  }

  test('postgresStore over cloudflare:sockets: the store conformance suite passes, every section (limits, rate limiter, audit, usage, fail-closed) included', () => {
    expectWholeSuite('postgresStore');
  });

  test('redisStore over node:net: the store conformance suite passes, every section (limits, rate limiter, audit, usage, fail-closed) included', async () => {
    expectWholeSuite('redisStore (standalone)');
    // Nothing but the two suites ran, and each test deleted its own keys.
    expect(results.every((r) => /^TokenStore conformance: (postgresStore|redisStore \(standalone\)) > /.test(r.name))).toBe(true);
    const redis = new Redis({ ...FAIL_FAST, port: 6379 });
    try {
      expect(await keysWithPrefix(redis, `kwtest:${setup.redisLabel}:`)).toEqual([]);
    } finally {
      await redis.quit();
    }
  });

  test('a pool kept from an earlier request is refused with a ConfigurationError naming pool, at once, where its query would hang', { timeout: 60_000 }, async () => {
    expect(await post('/postgres/kept/first')).toEqual({ ok: true });
    const later = (await post('/postgres/kept/later')) as { ok: false; code: string; message: string; raw: { ok: boolean; message: string } };
    expect(later).toMatchObject({ ok: false, name: 'ConfigurationError', code: 'INVALID_CONFIGURATION' });
    expect(later.message).toMatch(/^postgresStore: pool was first used by another request/);
    // Without the check, the same pool's query gets no answer: node-postgres gives up at query_timeout.
    expect(later.raw).toMatchObject({ ok: false, message: 'Query read timeout' });
  });

  test('a Redis client kept from an earlier request is refused by every method with a ConfigurationError naming client, where its command would hang', { timeout: 60_000 }, async () => {
    expect(await post('/redis/kept/first')).toEqual({ ok: true });
    const later = (await post('/redis/kept/later')) as { refusals: Record<string, { ok: false; name: string; code: string; message: string }>; raw: { ok: boolean; message: string } };
    expect(Object.keys(later.refusals)).toEqual(['findByHash', 'list', 'deleteMany', 'rateLimiter']);
    for (const refusal of Object.values(later.refusals)) {
      expect(refusal).toMatchObject({ ok: false, name: 'ConfigurationError', code: 'INVALID_CONFIGURATION' });
      expect(refusal.message).toMatch(/^redisStore: client was first used by another request/);
    }
    // Without the check, the same client's command gets no answer: ioredis gives up at commandTimeout.
    expect(later.raw).toMatchObject({ ok: false, message: 'Command timed out' });
  });

  test('postgresInvalidations() (LISTEN for the cache) is refused at construction with a ConfigurationError', async () => {
    const refused = (await post('/postgres/invalidations')) as { ok: false; code: string; message: string };
    expect(refused).toMatchObject({ ok: false, code: 'INVALID_CONFIGURATION' });
    expect(refused.message).toMatch(/^postgresInvalidations: cannot run in Cloudflare Workers, so the cache option of createKeyward cannot use it there/);
  });

  test('redisInvalidations() (SUBSCRIBE for the cache) is refused at construction with a ConfigurationError', async () => {
    const refused = (await post('/redis/invalidations')) as { ok: false; code: string; message: string };
    expect(refused).toMatchObject({ ok: false, code: 'INVALID_CONFIGURATION' });
    expect(refused.message).toMatch(/^redisInvalidations: cannot run in Cloudflare Workers, so the cache option of createKeyward cannot use it there/);
  });

  test('the Worker recipe of docs/stores.md (a pool per request, on a Hyperdrive binding) keeps tokens from request to request: create → use → delete → refused', { timeout: 60_000 }, async () => {
    const worker = await recipeWorker('postgres-worker-recipe', {
      // Miniflare insists on a password; the local server trusts the user and ignores it.
      hyperdrives: { HYPERDRIVE: `postgres://${SERVER.user}:unused@${SERVER.host}:${SERVER.port}/${database}` },
    });
    try {
      await walkRecipe(worker, tokenNames);
    } finally {
      await worker.dispose();
    }
  });

  test('the Redis Worker recipe of docs/stores.md (a client per request) keeps tokens from request to request: create → use → delete → refused', { timeout: 60_000 }, async () => {
    const keyPrefix = `kwtest:${setup.redisLabel}:recipe:`;
    const worker = await recipeWorker('redis-worker-recipe', { bindings: { REDIS_URL: 'redis://127.0.0.1:6379', KEY_PREFIX: keyPrefix } });
    const client = new Redis({ ...FAIL_FAST, port: 6379 });
    try {
      // What the store holds, read from Node through a store of its own on the same keys.
      const store = redisStore({ client, keyPrefix });
      await walkRecipe(worker, async () => (await store.list('org_acme', { limit: 10 })).items.map((record) => record.name));
    } finally {
      await worker.dispose();
      await client.quit();
    }
  });
});
